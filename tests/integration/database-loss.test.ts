import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import {
  startEmbeddedDatabase,
  type EmbeddedDatabase,
} from '../../server/database/embedded-setup.ts';
import { applyMigrations } from '../../server/database/migrate.ts';
import { asUser, newUser, signIn } from '../support/accounts.ts';
import { testClock } from '../support/test-clock.ts';
import { testConfig } from '../support/test-config.ts';

/**
 * PostgreSQL goes away under a running server and comes back. A cluster of its own, because
 * this test stops it.
 */
describe('losing the database', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-dbloss-'));
  fs.chmodSync(scratch, 0o711);
  const dataDir = path.join(scratch, 'data');
  const clock = testClock();
  let database: EmbeddedDatabase;
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    database = await startEmbeddedDatabase(dataDir, () => {});
    await applyMigrations(database.ownerUrl);
    port = Number(new URL(database.appUrl).port);
    app = await buildApp(testConfig({ databaseUrl: database.appUrl }), { clock });
  });
  afterAll(async () => {
    await app.close();
    await database.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('answers 503 with a clear message while it is gone, and serves again when it is back', async () => {
    const auditor = await newUser(app, clock, { role: 'auditor', totp: true });
    const api = asUser(app, await signIn(app, clock, auditor));
    expect((await api('GET', '/api/auth/me')).statusCode).toBe(200);

    await database.stop();

    const started = Date.now();
    const health = await app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toEqual({ status: 'unavailable', database: 'unavailable' });
    const me = await api('GET', '/api/auth/me');
    expect(me.statusCode).toBe(503);
    expect(me.json()).toEqual({
      error: 'database_unavailable',
      message: 'The database is not reachable at the moment. Please try again shortly.',
    });
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'x', password: 'y' },
    });
    expect(login.statusCode).toBe(503);
    expect(Date.now() - started).toBeLessThan(20_000); // fails fast, does not hang

    // Back (on the same port): the pool reconnects without a server restart.
    database = await startEmbeddedDatabase(dataDir, () => {});
    expect(Number(new URL(database.appUrl).port)).toBe(port);
    let healthy = 0;
    for (let attempt = 0; attempt < 50 && healthy === 0; attempt += 1) {
      const response = await app.inject({ method: 'GET', url: '/api/health' });
      if (response.statusCode === 200) healthy = attempt + 1;
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(healthy).toBeGreaterThan(0);
    expect((await api('GET', '/api/auth/me')).statusCode).toBe(200);
  });
});

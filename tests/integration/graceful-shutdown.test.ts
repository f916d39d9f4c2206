import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { systemClock } from '../../server/clock.ts';
import { findFreePort } from '../../server/database/embedded-postgres.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { newUser } from '../support/accounts.ts';
import { spawnServer, waitForHealth } from '../support/server-process.ts';
import { createTestDatabase } from '../support/test-cluster.ts';
import { testConfig } from '../support/test-config.ts';

// Issue 9: SIGTERM lets requests already received finish (and answers them), accepts no new
// work, and stops with exit code 0. Runs `npm start`'s entry point on an external database.

const database = await createTestDatabase();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-graceful-'));
fs.chmodSync(scratch, 0o711);
afterAll(async () => {
  await database.drop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('npm start on SIGTERM', () => {
  it('finishes the requests in flight, stores what it acknowledged, and exits 0', async () => {
    const config = testConfig({ databaseUrl: database.appUrl });
    const setup = await buildApp(config);
    await setup.ready();
    const counsellor = await newUser(setup, systemClock, { role: 'counsellor', service: 'backup' });
    await setup.close();

    const port = await findFreePort();
    const server = spawnServer({
      DATABASE_URL: database.appUrl,
      CASEWORK_MIGRATION_DATABASE_URL: database.ownerUrl,
      CASEWORK_SEALER_DATABASE_URL: database.sealerUrl,
      CASEWORK_MASTER_KEY: config.masterKey.kind === 'environment' ? config.masterKey.base64 : '',
      CASEWORK_DATA_DIR: scratch,
      CASEWORK_TOTP: 'optional',
      PORT: String(port),
    });
    await waitForHealth(port, server);
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: counsellor.username, password: counsellor.password }),
    });
    expect(login.status).toBe(200);
    const headers = {
      cookie: login.headers
        .getSetCookie()
        .find((c) => c.startsWith('casework_session='))!
        .split(';')[0]!,
      'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken,
      'content-type': 'application/json',
    };
    const created = await fetch(`${base}/api/cases`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ person: { pseudonym: 'Schwalbe Feierabend' } }),
    });
    expect(created.status).toBe(201);
    const { id: caseId } = (await created.json()) as { id: string };

    // More notes at once than the pool serves together, then SIGTERM while they run.
    let stoppedAt = 0;
    const answers = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        try {
          const response = await fetch(`${base}/api/cases/${caseId}/notes`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ kind: 'other', body: `Feierabendnotiz ${i}` }),
          });
          return { status: response.status, at: performance.now() };
        } catch {
          // A connection still in the listen backlog at SIGTERM is reset by the kernel. Whether
          // anything was cut off mid-work is decided below: stored notes = acknowledged ones.
          return { status: 0, at: performance.now() };
        }
      }).concat(
        (async () => {
          await new Promise((resolve) => setTimeout(resolve, 30));
          stoppedAt = performance.now();
          server.child.kill('SIGTERM');
          return { status: -1, at: 0 };
        })(),
      ),
    );
    const notes = answers.slice(0, 40);
    expect(await server.exited, server.output()).toBe(0);

    // Each request was answered 201, or (arriving after SIGTERM) refused without doing
    // anything: reset in the backlog, or 503 on a kept-alive connection. Requests the server
    // had taken were finished even after SIGTERM, and exactly the acknowledged notes exist.
    expect(notes.filter((answer) => ![201, 503, 0].includes(answer.status))).toEqual([]);
    const acknowledged = notes.filter((answer) => answer.status === 201);
    expect(acknowledged.filter((answer) => answer.at > stoppedAt).length).toBeGreaterThan(0);
    const stored = await withClient(database.superuserUrl, (client) =>
      client.query<{ n: number }>('SELECT count(*)::int AS n FROM case_notes WHERE case_id = $1', [
        caseId,
      ]),
    );
    expect(stored.rows[0]!.n).toBe(acknowledged.length);
    await expect(fetch(`${base}/api/health`)).rejects.toThrow(); // no longer listening
  }, 120_000);
});

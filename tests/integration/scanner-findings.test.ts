import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loggerOptions } from '../../server/logging.ts';
import { newStaff, type Staff } from '../support/case-work.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestDatabase } from '../support/test-cluster.ts';
import { testConfig } from '../support/test-config.ts';

/**
 * What `npm run security:scan` found (docs/security-scan.md): a NUL byte, which PostgreSQL
 * refuses in text, in the sign-in user name or an access-log filter reached the database and
 * answered 500. It must be refused as a bad request, before any query, and the server must
 * stay healthy.
 */
describe('hostile characters found by the scanners', () => {
  let t: TestApp;
  let auditor: Staff;
  beforeAll(async () => {
    t = await startTestApp();
    auditor = await newStaff(t, 'auditor');
  });
  afterAll(() => t?.close());

  it.each(['a\u0000b', 'admin\u0000', 'x\u001by'])(
    'refuses a control character in the sign-in user name with 400 (%j)',
    async (username) => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: 'irrelevant password' },
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error).toBe('invalid_request');
    },
  );

  it.each([
    '/api/audit?actor=a%00',
    '/api/audit?action=case.view%00',
    `/api/audit?actor=%2Fe%00&caseNumber=BU-2026-0001`,
    '/api/audit/export?format=csv&actor=a%00',
    '/api/audit/export?format=json&action=a%00b',
    "/api/audit?actor=x'%20OR%201=1--",
  ])('refuses %s with 400, not 500', async (url) => {
    const response = await auditor.http('GET', url);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.body).not.toMatch(/stack|prisma|postgres|byte sequence/i);
  });

  it('still filters by user name (any case), user id and action name', async () => {
    const byName = await auditor.http(
      'GET',
      `/api/audit?actor=${auditor.username.toUpperCase()}&action=auth.login`,
    );
    expect(byName.statusCode, byName.body).toBe(200);
    expect(byName.json().events.length).toBeGreaterThan(0);
    expect(byName.json().events.every((e: { action: string }) => e.action === 'auth.login')).toBe(
      true,
    );
    const byId = await auditor.http('GET', `/api/audit?actor=${auditor.user.id}`);
    expect(byId.statusCode, byId.body).toBe(200);
    expect(byId.json().events.length).toBeGreaterThan(0);
    const health = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
  });
});

describe('a value PostgreSQL cannot store that slips past a schema', () => {
  it('is answered 400 invalid_request by the error handler, not 500', async () => {
    const database = await createTestDatabase();
    const app = await buildApp(testConfig({ databaseUrl: database.appUrl }));
    // A route as a future one might be written: a text value straight into a query.
    app.get('/api/probe-unstorable', { config: { access: 'public', audit: 'none' } }, async () => ({
      found: await app.repositories.users.findByUsername('a\u0000b'),
    }));
    try {
      const response = await app.inject({ method: 'GET', url: '/api/probe-unstorable' });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_request' });
      expect(response.body).not.toContain('UTF8'); // nothing of the driver's message
    } finally {
      await app.close();
      await database.drop();
    }
  });
});

describe('a database error that quotes the values of its query', () => {
  it('is logged with its class, code and request id only, never the values', async () => {
    const database = await createTestDatabase();
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const config = testConfig({ databaseUrl: database.appUrl });
    const loggerInstance = pino(
      { ...(loggerOptions(config) as pino.LoggerOptions), level: 'info' },
      stream,
    );
    const app = await buildApp(config, { loggerInstance });
    const MARKER = 'Gerda-Beispiel-Geheimadresse-4711';
    // A route as a future one might be written: Prisma's validation error prints its arguments.
    app.get(
      '/api/probe-quoting-error',
      { config: { access: 'public', audit: 'none' } },
      async () => ({
        found: await app.repositories.users.findByUsername({
          contains: MARKER,
        } as unknown as string),
      }),
    );
    try {
      const response = await app.inject({ method: 'GET', url: '/api/probe-quoting-error' });
      expect(response.statusCode).toBe(500);
      expect(response.body).not.toContain(MARKER);
      const failed = lines.map((line) => JSON.parse(line)).find((l) => l.msg === 'request failed');
      expect(failed).toMatchObject({
        reqId: response.json().message.match(/request id (\S+) /)[1],
        err: { type: 'PrismaClientValidationError' },
      });
      expect(failed.err.stack).toMatch(/^\s+at /);
      expect(lines.filter((line) => line.includes(MARKER))).toEqual([]);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/generated/prisma/enums.ts';
import { asUser, newUser, signIn, type SignedInSession } from '../support/accounts.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { testConfig } from '../support/test-config.ts';
import { buildApp } from '../../server/app.ts';

const ROLES: Role[] = ['counsellor', 'team_lead', 'auditor', 'admin'];
const SOME_ID = '0193a1b2-0000-7000-8000-000000000001';
const urlOf = (url: string) => url.replace(/:[a-zA-Z]+/g, SOME_ID);

/**
 * Walks every application route from the route table, so a route added later is covered the
 * moment it exists: it must declare access and audit policies and input schemas (enforced
 * at start-up), refuse strangers, refuse wrong roles and refuse state changes without CSRF.
 */
describe('the route table', () => {
  let t: TestApp;
  const sessions = new Map<Role, SignedInSession>();
  beforeAll(async () => {
    t = await startTestApp();
    for (const role of ROLES) {
      const service = role === 'counsellor' || role === 'team_lead' ? 'backup' : undefined;
      const user = await newUser(t.app, t.clock, { role, service, totp: true });
      sessions.set(role, await signIn(t.app, t.clock, user));
    }
  });
  afterAll(() => t.close());

  const protectedRoutes = () => t.app.routeTable.filter((route) => route.access !== 'public');

  it('lists the routes this app has, each with access and audit policies', () => {
    expect(t.app.routeTable.length).toBeGreaterThan(10);
    for (const route of t.app.routeTable) {
      expect(route.access, `${route.method} ${route.url}`).toBeDefined();
      expect(route.audit, `${route.method} ${route.url}`).toBeDefined();
    }
    expect(
      t.app.routeTable
        .filter((route) => route.access === 'public')
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual([
      'GET /api/calendar/feed.ics',
      'GET /api/health',
      'GET /api/openapi.json',
      'GET /api/setup',
      'POST /api/activation/complete',
      'POST /api/activation/start',
      'POST /api/auth/login',
      'POST /api/setup/admin',
    ]);
    // Routes every signed-in role may use: only the account's own business. A case-work or
    // statistics route that slipped in here would leave every role check below.
    expect(
      t.app.routeTable
        .filter((route) => route.access === 'signed-in')
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual([
      'GET /api/auth/me',
      'POST /api/auth/lock',
      'POST /api/auth/logout',
      'POST /api/auth/password',
      'POST /api/auth/totp/confirm',
      'POST /api/auth/totp/setup',
      'POST /api/auth/unlock',
    ]);
  });

  // Denials made by the tests below, compared with the access-log events at the end.
  const denials = { unauthenticated: 0, csrf: 0, forbidden: 0 };

  it.each(['/reports/raw', '/api/reports/raw'])(
    'refuses to start with a route %s that declares no access policy (not public by default)',
    async (url) => {
      const app = await buildApp(testConfig({ databaseUrl: t.database.appUrl }), {
        clock: t.clock,
      });
      try {
        const started = (async () => {
          app.get(url, async () => ({ cases: 'all of them' }));
          await app.ready();
        })();
        await expect(started).rejects.toThrow(`route GET ${url} declares no access policy`);
      } finally {
        await app.close();
      }
    },
  );

  it('answers 401 unauthenticated on every protected route without a session', async () => {
    for (const route of protectedRoutes()) {
      const response = await t.app.inject({
        method: route.method as 'GET',
        url: urlOf(route.url),
        payload: route.method === 'GET' ? undefined : {},
      });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(response.json().error).toBe('unauthenticated');
      denials.unauthenticated += 1;
    }
  });

  it('answers 403 csrf on every state-changing route with a missing or wrong token', async () => {
    const session = sessions.get('admin')!;
    const changing = protectedRoutes().filter((route) => route.method !== 'GET');
    expect(changing.length).toBeGreaterThan(5);
    for (const route of changing) {
      const url = urlOf(route.url);
      const missing = await t.app.inject({
        method: route.method as 'POST',
        url,
        payload: {},
        headers: { cookie: session.cookie },
      });
      expect(missing.statusCode, `${route.method} ${route.url}`).toBe(403);
      expect(missing.json().error).toBe('csrf');
      const wrong = await t.app.inject({
        method: route.method as 'POST',
        url,
        payload: {},
        headers: {
          cookie: session.cookie,
          'x-csrf-token': `${session.csrfToken.slice(0, -4)}AAAA`,
        },
      });
      expect(wrong.statusCode, `${route.method} ${route.url}`).toBe(403);
      expect(wrong.json().error).toBe('csrf');
      denials.csrf += 2;
    }
  });

  it('answers 403 forbidden to every role a route does not admit', async () => {
    let checked = 0;
    for (const route of protectedRoutes()) {
      if (!Array.isArray(route.access)) continue;
      for (const role of ROLES.filter((r) => !(route.access as readonly Role[]).includes(r))) {
        const response = await asUser(t.app, sessions.get(role)!)(
          route.method as 'GET',
          urlOf(route.url),
          route.method === 'GET' ? undefined : {},
        );
        expect(response.statusCode, `${role} ${route.method} ${route.url}`).toBe(403);
        expect(response.json().error).toBe('forbidden');
        checked += 1;
        denials.forbidden += 1;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('writes an access-denied audit event for each denial', async () => {
    const { withClient } = await import('../../server/database/pg-client.ts');
    const rows = await withClient(t.database.ownerUrl, (client) =>
      client.query(
        `SELECT reason, count(*)::int AS n FROM audit_events WHERE action = 'access.denied' GROUP BY reason`,
      ),
    );
    const byReason = Object.fromEntries(rows.rows.map((row) => [row.reason, row.n]));
    expect(denials.forbidden).toBeGreaterThan(10);
    expect(byReason).toMatchObject(denials);
  });
});

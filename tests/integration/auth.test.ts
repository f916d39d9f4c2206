import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asUser,
  newUser,
  sessionCookie,
  signIn,
  totpCode,
  type TestUser,
} from '../support/accounts.ts';
import { MINUTE } from '../support/test-clock.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { withClient } from '../../server/database/pg-client.ts';

describe('POST /api/auth/login', () => {
  let t: TestApp;
  let counsellor: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    counsellor = await newUser(t.app, t.clock, {
      role: 'counsellor',
      service: 'backup',
      totp: true,
    });
  });
  afterAll(() => t.close());

  const login = (payload: object, remoteAddress?: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload, remoteAddress });

  it('signs in with password and TOTP and sets a strict, HttpOnly session cookie', async () => {
    const session = await signIn(t.app, t.clock, counsellor);
    const body = session.response.json();
    expect(body.user).toEqual({
      id: counsellor.user.id,
      username: counsellor.username,
      role: 'counsellor',
      service: 'backup',
    });
    expect(body.csrfToken).toMatch(/\S{20,}/);
    const cookie = [session.response.headers['set-cookie']].flat().join(';');
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i); // plain http://127.0.0.1 must still work
    const me = await asUser(t.app, session)('GET', '/api/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().user.username).toBe(counsellor.username);
  });

  describe('behind the TLS proxy (CASEWORK_TRUST_PROXY=true: the loopback proxy only)', () => {
    let proxied: TestApp;
    let user: TestUser;
    beforeAll(async () => {
      proxied = await startTestApp((config) => ({
        ...config,
        http: { ...config.http, trustProxy: ['127.0.0.1', '::1'] },
        audit: { ...config.audit, clientAddress: 'full' },
      }));
      user = await newUser(proxied.app, proxied.clock, { role: 'auditor' });
    });
    afterAll(() => proxied.close());

    const proxiedLogin = (password: string, remoteAddress: string, proto: string) =>
      proxied.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress,
        // What the documented nginx set-up sends: the client's address, the scheme it used.
        headers: { 'x-forwarded-for': '198.51.100.7', 'x-forwarded-proto': proto },
        payload: { username: user.username, password },
      });
    const lastClientAddress = () =>
      withClient(proxied.database.superuserUrl, async (client) => {
        const result = await client.query(
          'SELECT client_address FROM audit_events ORDER BY seq DESC LIMIT 1',
        );
        return result.rows[0].client_address as string | null;
      });

    it('sets a Secure cookie and HSTS when the proxy forwarded a TLS request', async () => {
      const response = await proxiedLogin(user.password, '127.0.0.1', 'https');
      expect(response.statusCode).toBe(200);
      const cookie = [response.headers['set-cookie']].flat().join(';');
      expect(cookie).toMatch(/casework_session=/);
      expect(cookie).toMatch(/;\s*Secure/i);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(response.headers['strict-transport-security']).toContain('max-age=');
      expect(await lastClientAddress()).toBe('198.51.100.7');
    });

    it('never sets a session cookie without Secure, even for a plain-HTTP request', async () => {
      const response = await proxiedLogin(user.password, '127.0.0.1', 'http');
      expect([response.headers['set-cookie']].flat().join(';')).not.toMatch(/casework_session=/);
    });

    it('ignores forwarded headers from a peer that is not the configured proxy', async () => {
      const response = await proxiedLogin(
        'wrong password, spoofed address',
        '203.0.113.9',
        'https',
      );
      expect(response.statusCode).toBe(401);
      // The address is the peer's own, not the one it wrote into X-Forwarded-For.
      expect(await lastClientAddress()).toBe('203.0.113.9');
      const signedIn = await proxiedLogin(user.password, '203.0.113.9', 'https');
      // Its claim of TLS is not believed either, so no (Secure-only) session cookie is sent.
      expect([signedIn.headers['set-cookie']].flat().join(';')).not.toMatch(/casework_session=/);
    });
  });

  it('answers an unknown user exactly like a wrong password', async () => {
    const unknown = await login({ username: 'nobody-here', password: 'Irgendein langes Passwort' });
    const wrong = await login({
      username: counsellor.username,
      password: 'Irgendein langes Passwort',
    });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
    expect(unknown.json().error).toBe('invalid_credentials');
  });

  it('asks for the second factor, refuses a wrong one and a replayed one', async () => {
    const missing = await login({ username: counsellor.username, password: counsellor.password });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error).toBe('totp_required');

    const wrong = await login({
      username: counsellor.username,
      password: counsellor.password,
      totp: '000000',
    });
    expect(wrong.json().error).toBe('invalid_credentials');

    t.clock.advance(60_000);
    const code = await totpCode(counsellor.totpSecret!, t.clock);
    const first = await login({
      username: counsellor.username,
      password: counsellor.password,
      totp: code,
    });
    expect(first.statusCode).toBe(200);
    const replay = await login({
      username: counsellor.username,
      password: counsellor.password,
      totp: code,
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error).toBe('invalid_credentials');
  });

  it('replaces a hash made with weaker argon2 parameters at the next sign-in', async () => {
    const argon2 = (await import('argon2')).default;
    const old = await newUser(t.app, t.clock, { role: 'auditor' });
    const weak = await argon2.hash(old.password, {
      type: argon2.argon2id,
      memoryCost: 4096,
      timeCost: 1,
      parallelism: 1,
    });
    await withClient(t.database.ownerUrl, (client) =>
      client.query('UPDATE users SET password_hash = $1 WHERE id = $2', [weak, old.user.id]),
    );
    expect((await login({ username: old.username, password: old.password })).statusCode).toBe(200);
    const stored = await withClient(t.database.ownerUrl, (client) =>
      client.query('SELECT password_hash FROM users WHERE id = $1', [old.user.id]),
    );
    expect(stored.rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect((await login({ username: old.username, password: old.password })).statusCode).toBe(200);
  });

  it('rejects unknown fields instead of ignoring them', async () => {
    const response = await login({ username: 'a', password: 'b', role: 'admin' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('invalid_request');
  });

  it('locks the account after repeated failures, even against the right password, until an admin unlocks it', async () => {
    const victim = await newUser(t.app, t.clock, { role: 'team_lead', service: 'comeback' });
    const answers: number[] = [];
    for (let attempt = 0; attempt < 30; attempt += 1) {
      // From ever-changing addresses: the per-account lock must hold without the per-address limit.
      const response = await login(
        { username: victim.username, password: `falsch-${attempt}-Kennwort` },
        `10.0.${attempt}.1`,
      );
      answers.push(response.statusCode);
    }
    expect(answers.slice(0, 9).every((status) => status === 401)).toBe(true);
    expect(answers.at(-1)).toBe(429);
    const right = await login({ username: victim.username, password: victim.password }, '10.9.9.9');
    expect(right.statusCode).toBe(429);
    expect(right.json().error).toBe('locked');

    const admin = await newUser(t.app, t.clock, { role: 'admin', totp: true });
    const adminSession = await signIn(t.app, t.clock, admin);
    const unlock = await asUser(t.app, adminSession)(
      'POST',
      `/api/admin/users/${victim.user.id}/unlock`,
      {},
    );
    expect(unlock.statusCode).toBe(204);
    expect(
      (await login({ username: victim.username, password: victim.password }, '10.9.9.8'))
        .statusCode,
    ).toBe(200);
  });

  it('limits sign-in attempts per client address', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 25; attempt += 1) {
      statuses.push(
        (await login({ username: 'x-nobody', password: 'wrong-password' }, '192.0.2.77'))
          .statusCode,
      );
    }
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(5);
    const limited = await login({ username: 'x-nobody', password: 'wrong-password' }, '192.0.2.77');
    expect(limited.json().error).toBe('rate_limited');
  });

  it('records sign-ins, failures and lockouts in the access log, without passwords', async () => {
    const rows = await withClient(t.database.ownerUrl, (client) =>
      client.query(`SELECT action, outcome, reason FROM audit_events WHERE action LIKE 'auth.%'`),
    );
    const actions = rows.rows.map((row) => `${row.action}:${row.outcome}:${row.reason ?? ''}`);
    expect(actions).toContain('auth.login:allowed:');
    expect(actions).toContain('auth.login:denied:unknown_user');
    expect(actions).toContain('auth.login:denied:wrong_password');
    expect(actions).toContain('auth.lockout:denied:1min');
    expect(actions).toContain('auth.login:denied:locked');
    const dump = await withClient(t.database.ownerUrl, (client) =>
      client.query(`SELECT row_to_json(audit_events)::text AS row FROM audit_events`),
    );
    const everything = dump.rows.map((row) => row.row).join('\n');
    expect(everything).not.toContain(counsellor.password);
    expect(everything).not.toContain('falsch-');
  });
});

describe('sessions', () => {
  let t: TestApp;
  let auditor: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    auditor = await newUser(t.app, t.clock, { role: 'auditor', totp: true });
  });
  afterAll(() => t.close());

  it('gives a new session id at sign-in, so a planted one is worthless', async () => {
    const first = await signIn(t.app, t.clock, auditor);
    t.clock.advance(60_000);
    const code = await totpCode(auditor.totpSecret!, t.clock);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { cookie: first.cookie },
      payload: { username: auditor.username, password: auditor.password, totp: code },
    });
    expect(again.statusCode).toBe(200);
    expect(sessionCookie(again)).not.toBe(first.cookie);
    const planted = await asUser(t.app, first)('GET', '/api/auth/me');
    expect(planted.statusCode).toBe(401);
  });

  it('ends the other sessions of a user who changes their password, keeping this one', async () => {
    const user = await newUser(t.app, t.clock, { role: 'auditor', totp: true });
    const here = await signIn(t.app, t.clock, user);
    const elsewhere = await signIn(t.app, t.clock, user); // e.g. signed in by an attacker
    const changed = await asUser(t.app, here)('POST', '/api/auth/password', {
      currentPassword: user.password,
      newPassword: 'Kormoran Leuchtfeuer Strandhafer 93',
    });
    expect(changed.statusCode, changed.body).toBe(204);
    expect((await asUser(t.app, elsewhere)('GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await asUser(t.app, here)('GET', '/api/auth/me')).statusCode).toBe(200);
    // Still a full session, its CSRF token included.
    expect((await asUser(t.app, here)('POST', '/api/auth/lock', {})).statusCode).toBe(204);
  });

  it('makes a session id useless after sign-out', async () => {
    const session = await signIn(t.app, t.clock, auditor);
    expect((await asUser(t.app, session)('POST', '/api/auth/logout', {})).statusCode).toBe(204);
    const after = await asUser(t.app, session)('GET', '/api/auth/me');
    expect(after.statusCode).toBe(401);
    expect(after.json().error).toBe('unauthenticated');
  });

  it('ends a session after 15 idle minutes', async () => {
    const session = await signIn(t.app, t.clock, auditor);
    t.clock.advance(14 * MINUTE);
    expect((await asUser(t.app, session)('GET', '/api/auth/me')).statusCode).toBe(200);
    t.clock.advance(14 * MINUTE); // 14 minutes after the last request: still alive
    expect((await asUser(t.app, session)('GET', '/api/auth/me')).statusCode).toBe(200);
    t.clock.advance(15 * MINUTE + 1000);
    expect((await asUser(t.app, session)('GET', '/api/auth/me')).statusCode).toBe(401);
  });

  it('ends a session 10 hours after sign-in however busy it is', async () => {
    const session = await signIn(t.app, t.clock, auditor);
    for (let elapsed = 10; elapsed <= 9 * 60 + 50; elapsed += 10) {
      t.clock.advance(10 * MINUTE);
      const response = await asUser(t.app, session)('GET', '/api/auth/me');
      expect(response.statusCode, `after ${elapsed} minutes`).toBe(200);
    }
    t.clock.advance(10 * MINUTE + 1000);
    expect((await asUser(t.app, session)('GET', '/api/auth/me')).statusCode).toBe(401);
  });

  it('survives a server restart (sessions live in PostgreSQL)', async () => {
    const session = await signIn(t.app, t.clock, auditor);
    const { buildApp } = await import('../../server/app.ts');
    const { testConfig } = await import('../support/test-config.ts');
    const second = await buildApp(testConfig({ databaseUrl: t.database.appUrl }), {
      clock: t.clock,
    });
    try {
      const response = await asUser(second, session)('GET', '/api/auth/me');
      expect(response.statusCode).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('stores only a hash of the session id', async () => {
    const session = await signIn(t.app, t.clock, auditor);
    const rawId = decodeURIComponent(session.cookie.split('=')[1]!).split('.')[0]!;
    const rows = await withClient(t.database.ownerUrl, (client) =>
      client.query('SELECT id, data::text FROM sessions'),
    );
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const row of rows.rows) {
      expect(row.id).not.toContain(rawId);
      expect(row.data).not.toContain(rawId);
    }
  });
});

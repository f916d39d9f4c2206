import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../../server/database/pg-client.ts';
import {
  asUser,
  newUser,
  sessionCookie,
  signIn,
  totpCode,
  type TestUser,
} from '../support/accounts.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const OWN_PASSWORD = 'Sternwarte Quitte Regenbogen Fagott';

describe('accounts an admin asks for or resets', () => {
  let t: TestApp;
  let admin: TestUser;
  let adminApi: ReturnType<typeof asUser>;
  let secondAdminApi: ReturnType<typeof asUser>;
  let comebackLeadApi: ReturnType<typeof asUser>;
  let backupLeadApi: ReturnType<typeof asUser>;
  let auditorApi: ReturnType<typeof asUser>;
  beforeAll(async () => {
    t = await startTestApp();
    const signedIn = async (who: TestUser) => asUser(t.app, await signIn(t.app, t.clock, who));
    admin = await newUser(t.app, t.clock, { role: 'admin', totp: true });
    adminApi = await signedIn(admin);
    secondAdminApi = await signedIn(await newUser(t.app, t.clock, { role: 'admin', totp: true }));
    comebackLeadApi = await signedIn(
      await newUser(t.app, t.clock, { role: 'team_lead', service: 'comeback', totp: true }),
    );
    backupLeadApi = await signedIn(
      await newUser(t.app, t.clock, { role: 'team_lead', service: 'backup', totp: true }),
    );
    auditorApi = await signedIn(await newUser(t.app, t.clock, { role: 'auditor', totp: true }));
  });
  afterAll(() => t.close());

  const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, payload });
  const login = (payload: object) => post('/api/auth/login', payload);
  const tokenOf = (activationPath: string) => activationPath.split('#token=')[1]!;

  async function activate(activationPath: string) {
    const token = tokenOf(activationPath);
    const started = await post('/api/activation/start', { token });
    expect(started.statusCode).toBe(200);
    const { secret } = started.json();
    t.clock.advance(30_000);
    const code = await totpCode(secret, t.clock);
    const completed = await post('/api/activation/complete', {
      token,
      password: OWN_PASSWORD,
      code,
    });
    return { completed, secret, token, code };
  }

  it('gives an admin alone, through every admin route, no credential of a new or reset account (both takeover routes)', async () => {
    // Route A: a new counsellor with a password the admin chooses.
    const chosen = await adminApi('POST', '/api/admin/users', {
      username: 'vertretung2',
      role: 'counsellor',
      service: 'comeback',
      password: 'Zq8#correct-horse-battery-77',
    });
    expect(chosen.statusCode).toBe(400);
    expect(chosen.json().error).toBe('password_not_allowed');
    const created = await adminApi('POST', '/api/admin/users', {
      username: 'vertretung2',
      role: 'counsellor',
      service: 'comeback',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      user: expect.objectContaining({ activation: 'confirmation', totpEnrolled: false }),
    });
    const fresh = created.json().user.id as string;

    // Route B: an existing counsellor's password and second factor, reset.
    const victim = await newUser(t.app, t.clock, {
      role: 'counsellor',
      service: 'backup',
      totp: true,
    });
    for (const path of ['reset-password', 'reset-totp']) {
      const reset = await adminApi('POST', `/api/admin/users/${victim.user.id}/${path}`, {});
      expect(reset.statusCode).toBe(204);
      expect(reset.body).toBe('');
    }

    // Every route an admin may call, on both accounts: none hands out a credential or link.
    const adminRoutes = t.app.routeTable.filter(
      (route) => Array.isArray(route.access) && route.access.includes('admin'),
    );
    expect(adminRoutes.map((route) => route.url)).toContain('/api/accounts/:id/confirm');
    const answers: string[] = [];
    for (const id of [fresh, victim.user.id]) {
      for (const route of adminRoutes) {
        const response = await adminApi(
          route.method as 'GET' | 'POST' | 'PATCH' | 'DELETE',
          route.url.replace(':id', id),
          route.method === 'GET' ? undefined : {},
        );
        answers.push(`${route.method} ${route.url} ${response.statusCode} ${response.body}`);
      }
    }
    expect(answers.join('\n')).not.toMatch(/activationPath|temporaryPassword|token=/);
    const ownConfirm = await adminApi('POST', `/api/accounts/${fresh}/confirm`, {});
    expect(ownConfirm.statusCode).toBe(403);
    expect(ownConfirm.json().error).toBe('second_person_required');

    // Neither account signs in with anything the admin knows, and no link exists for either.
    t.clock.advance(60_000);
    const victimLogin = await login({
      username: victim.username,
      password: victim.password,
      totp: await totpCode(victim.totpSecret!, t.clock),
    });
    expect(victimLogin.json().error).toBe('invalid_credentials');
    expect(
      (await login({ username: 'vertretung2', password: 'Zq8#correct-horse-battery-77' })).json()
        .error,
    ).toBe('invalid_credentials');
    const links = await withClient(t.database.ownerUrl, (client) =>
      client.query(
        `SELECT count(*)::int AS n FROM users WHERE id = ANY($1) AND activation_token_hash IS NOT NULL`,
        [[fresh, victim.user.id]],
      ),
    );
    expect(links.rows[0].n).toBe(0);

    // The auditors see every creation, reset and attempt as an account change of this admin.
    const flags = (
      await auditorApi(
        'GET',
        '/api/audit/anomalies?from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z',
      )
    ).json().flags as { kind: string; actorId: string }[];
    const changes = flags.filter((flag) => flag.kind === 'account_change');
    expect(changes.filter((flag) => flag.actorId === admin.user.id).length).toBeGreaterThanOrEqual(
      3,
    );
  });

  it('refuses an admin resetting their own second factor or password', async () => {
    for (const path of ['reset-totp', 'reset-password']) {
      const response = await adminApi('POST', `/api/admin/users/${admin.user.id}/${path}`, {});
      expect(response.statusCode).toBe(403);
      expect(response.json().error).toBe('second_person_required');
    }
    const me = (await adminApi('GET', '/api/admin/users'))
      .json()
      .users.find((user: { id: string }) => user.id === admin.user.id);
    expect(me).toMatchObject({ totpEnrolled: true, activation: null });
  });

  it('lets a team lead of the service confirm; the owner sets password and factor through a one-time link', async () => {
    const created = await adminApi('POST', '/api/admin/users', {
      username: 'neu.comeback',
      role: 'counsellor',
      service: 'comeback',
    });
    const id = created.json().user.id as string;

    const waiting = (await comebackLeadApi('GET', '/api/accounts/pending')).json().users;
    expect(waiting.map((user: { id: string }) => user.id)).toContain(id);
    const otherService = (await backupLeadApi('GET', '/api/accounts/pending')).json().users;
    expect(otherService.map((user: { id: string }) => user.id)).not.toContain(id);
    expect((await backupLeadApi('POST', `/api/accounts/${id}/confirm`, {})).statusCode).toBe(404);

    const confirmed = await comebackLeadApi('POST', `/api/accounts/${id}/confirm`, {});
    expect(confirmed.statusCode).toBe(200);
    const { activationPath } = confirmed.json();
    expect(activationPath).toMatch(/^\/activate#token=[\w-]{40,}$/);
    const listed = (await adminApi('GET', '/api/admin/users')).json().users;
    expect(listed.find((user: { id: string }) => user.id === id).activation).toBe('owner');

    const unknown = await post('/api/activation/start', { token: 'x'.repeat(43) });
    expect(unknown.statusCode).toBe(410);
    expect(unknown.json().error).toBe('activation_invalid');
    const token = tokenOf(activationPath);
    const started = (await post('/api/activation/start', { token })).json();
    expect(started.username).toBe('neu.comeback');
    const weak = await post('/api/activation/complete', {
      token,
      password: 'passwortpasswort',
      code: await totpCode(started.secret, t.clock),
    });
    expect(weak.json().error).toBe('weak_password');
    const wrongCode = await post('/api/activation/complete', {
      token,
      password: OWN_PASSWORD,
      code: '000000',
    });
    expect(wrongCode.json().error).toBe('invalid_code');

    const { completed, secret, code } = await activate(activationPath);
    expect(completed.statusCode).toBe(200);
    expect(completed.json().recoveryCodes).toHaveLength(10);
    const again = await post('/api/activation/complete', {
      token,
      password: OWN_PASSWORD,
      code,
    });
    expect(again.statusCode).toBe(410);

    t.clock.advance(30_000);
    const signedIn = await login({
      username: 'neu.comeback',
      password: OWN_PASSWORD,
      totp: await totpCode(secret, t.clock),
    });
    expect(signedIn.statusCode).toBe(200);
    const counsellorApi = asUser(t.app, {
      cookie: sessionCookie(signedIn),
      csrfToken: signedIn.json().csrfToken,
      response: signedIn,
    });
    expect((await counsellorApi('GET', '/api/cases')).statusCode).toBe(200);
    const stored = await withClient(t.database.ownerUrl, (client) =>
      client.query(
        `SELECT u.activation_token_hash, r.code_hash FROM users u JOIN recovery_codes r ON r.user_id = u.id WHERE u.id = $1`,
        [id],
      ),
    );
    expect(stored.rows).toHaveLength(10);
    for (const row of stored.rows) {
      expect(row.activation_token_hash).toBeNull();
      expect(row.code_hash).toMatch(/^v2:[0-9a-f]{64}$/);
    }
  });

  it('ends the calendar feed at a reset and at a disable, and re-enabling does not bring it back', async () => {
    const counsellor = await newUser(t.app, t.clock, {
      role: 'counsellor',
      service: 'backup',
      totp: true,
    });
    const feedOf = async () => {
      const api = asUser(t.app, await signIn(t.app, t.clock, counsellor));
      const issued = await api('POST', '/api/calendar/feed-token', {});
      expect(issued.statusCode).toBe(201);
      const path = issued.json().path as string;
      expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(200);
      return path;
    };
    const beforeDisable = await feedOf();
    t.clock.advance(1_000);
    await adminApi('POST', `/api/admin/users/${counsellor.user.id}/disable`, {});
    await adminApi('POST', `/api/admin/users/${counsellor.user.id}/enable`, {});
    expect((await t.app.inject({ method: 'GET', url: beforeDisable })).statusCode).toBe(404);

    const beforeReset = await feedOf();
    t.clock.advance(1_000);
    await adminApi('POST', `/api/admin/users/${counsellor.user.id}/reset-password`, {});
    expect((await t.app.inject({ method: 'GET', url: beforeReset })).statusCode).toBe(404);
  });

  it('does not revive a session that a request in flight writes back after a disable, even once re-enabled', async () => {
    const counsellor = await newUser(t.app, t.clock, {
      role: 'counsellor',
      service: 'backup',
      totp: true,
    });
    const session = await signIn(t.app, t.clock, counsellor);
    const api = asUser(t.app, session);
    expect((await api('GET', '/api/auth/me')).statusCode).toBe(200);
    const rows = await withClient(t.database.ownerUrl, (client) =>
      client.query(`SELECT id, data, expires_at FROM sessions WHERE user_id = $1`, [
        counsellor.user.id,
      ]),
    );
    expect(rows.rows).toHaveLength(1);

    t.clock.advance(1_000);
    await adminApi('POST', `/api/admin/users/${counsellor.user.id}/disable`, {});
    expect((await api('GET', '/api/auth/me')).statusCode).toBe(401);
    await adminApi('POST', `/api/admin/users/${counsellor.user.id}/enable`, {});
    // The late save of a request that was running during the disable, as the store does it.
    const [row] = rows.rows;
    await t.app.repositories.sessions.save(row.id, counsellor.user.id, row.data, row.expires_at);
    expect((await api('GET', '/api/auth/me')).statusCode).toBe(401);
  });

  it('does not revive the other sessions after an own password change, and keeps the current one', async () => {
    const counsellor = await newUser(t.app, t.clock, {
      role: 'counsellor',
      service: 'comeback',
      totp: true,
    });
    const here = asUser(t.app, await signIn(t.app, t.clock, counsellor));
    const elsewhere = asUser(t.app, await signIn(t.app, t.clock, counsellor));
    const before = await withClient(t.database.ownerUrl, (client) =>
      client.query(`SELECT id, data, expires_at FROM sessions WHERE user_id = $1`, [
        counsellor.user.id,
      ]),
    );
    t.clock.advance(1_000);
    const changed = await here('POST', '/api/auth/password', {
      currentPassword: counsellor.password,
      newPassword: OWN_PASSWORD,
    });
    expect(changed.statusCode).toBe(204);
    for (const row of before.rows) {
      if ((await t.app.repositories.sessions.find(row.id)) === null) {
        await t.app.repositories.sessions.save(
          row.id,
          counsellor.user.id,
          row.data,
          row.expires_at,
        );
      }
    }
    expect((await elsewhere('GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await here('GET', '/api/auth/me')).statusCode).toBe(200);
  });

  // Last: the clock jumps past every session's lifetime.
  it('needs a second admin for an admin account, and the link expires', async () => {
    const created = await adminApi('POST', '/api/admin/users', {
      username: 'zweit.admin',
      role: 'admin',
    });
    const id = created.json().user.id as string;
    expect((await adminApi('POST', `/api/accounts/${id}/confirm`, {})).json().error).toBe(
      'second_person_required',
    );
    expect((await comebackLeadApi('POST', `/api/accounts/${id}/confirm`, {})).statusCode).toBe(404);
    const confirmed = await secondAdminApi('POST', `/api/accounts/${id}/confirm`, {});
    expect(confirmed.statusCode).toBe(200);
    t.clock.advance(73 * 3_600_000);
    const late = await post('/api/activation/start', {
      token: tokenOf(confirmed.json().activationPath),
    });
    expect(late.statusCode).toBe(410);
  });
});

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
import { serviceLoginUrl } from '../../server/database/database-roles.ts';

const STRONG = 'Leuchtturm Brezel Gewitter Akkordeon';
const SYSTEM = { actor: null, clientAddress: null, requestId: 'test' };

describe('accounts', () => {
  let t: TestApp;
  let admin: TestUser;
  let adminApi: ReturnType<typeof asUser>;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await newUser(t.app, t.clock, { role: 'admin', totp: true });
    adminApi = asUser(t.app, await signIn(t.app, t.clock, admin));
  });
  afterAll(() => t.close());

  const rawLogin = (payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload });

  it('walks a counsellor the operator made with a temporary password through TOTP enrollment to work', async () => {
    // The operator's path on the server (CLI); admins over HTTP never receive a password.
    const { user, temporaryPassword } = await t.app.services.accounts.create(SYSTEM, {
      username: 'neu.beraterin',
      role: 'counsellor',
      service: 'comeback',
    });
    expect(user).toMatchObject({
      username: 'neu.beraterin',
      role: 'counsellor',
      service: 'comeback',
      mustChangePassword: true,
      totpEnrolled: false,
    });
    expect(temporaryPassword).toMatch(/^[a-z2-9-]{20,}$/);

    const login = await rawLogin({ username: 'neu.beraterin', password: temporaryPassword });
    expect(login.statusCode).toBe(200);
    expect(login.json().session).toMatchObject({
      passwordChangeRequired: true,
      totpEnrollmentRequired: true,
    });
    const api = asUser(t.app, {
      cookie: sessionCookie(login),
      csrfToken: login.json().csrfToken,
      response: login,
    });

    // Gate 1: a new password before anything else.
    expect((await api('POST', '/api/auth/totp/setup', {})).json().error).toBe(
      'password_change_required',
    );
    const weak = await api('POST', '/api/auth/password', {
      currentPassword: temporaryPassword,
      newPassword: 'passwortpasswort',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error).toBe('weak_password');
    const short = await api('POST', '/api/auth/password', {
      currentPassword: temporaryPassword,
      newPassword: 'Kurz 123',
    });
    expect(short.json().message).toMatch(/at least 12 characters/);
    expect(
      (
        await api('POST', '/api/auth/password', {
          currentPassword: temporaryPassword,
          newPassword: STRONG,
        })
      ).statusCode,
    ).toBe(204);

    // Gate 2: the second factor; only TOTP setup, me and logout answer.
    const blocked = await api('GET', '/api/admin/users');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error).toBe('totp_enrollment_required');
    const setup = await api('POST', '/api/auth/totp/setup', {});
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUrl } = setup.json();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(otpauthUrl).toContain('otpauth://totp/');
    expect((await api('POST', '/api/auth/totp/confirm', { code: '123456' })).json().error).toBe(
      'invalid_code',
    );
    const confirm = await api('POST', '/api/auth/totp/confirm', {
      code: await totpCode(secret, t.clock),
    });
    expect(confirm.statusCode).toBe(200);
    const { recoveryCodes } = confirm.json();
    expect(recoveryCodes).toHaveLength(10);

    // The secret is stored only as ciphertext.
    const row = await withClient(t.database.ownerUrl, (client) =>
      client.query(
        `SELECT encode(totp_secret, 'escape') AS raw, encode(totp_secret, 'hex') AS hex FROM users WHERE username = 'neu.beraterin'`,
      ),
    );
    expect(row.rows[0].hex.length).toBeGreaterThan(40);
    expect(row.rows[0].raw).not.toContain(secret);
    expect(row.rows[0].hex).not.toContain(Buffer.from(secret).toString('hex'));

    // A recovery code signs in once (lost phone), then never again.
    const withRecovery = await rawLogin({
      username: 'neu.beraterin',
      password: STRONG,
      totp: recoveryCodes[0],
    });
    expect(withRecovery.statusCode).toBe(200);
    expect(withRecovery.json().session).toMatchObject({
      passwordChangeRequired: false,
      totpEnrollmentRequired: false,
    });
    expect(
      (await rawLogin({ username: 'neu.beraterin', password: STRONG, totp: recoveryCodes[0] }))
        .statusCode,
    ).toBe(401);
  });

  it('ends every session of a user who is disabled or whose password is reset', async () => {
    const lead = await newUser(t.app, t.clock, {
      role: 'team_lead',
      service: 'backup',
      totp: true,
    });
    const first = asUser(t.app, await signIn(t.app, t.clock, lead));
    const second = asUser(t.app, await signIn(t.app, t.clock, lead));
    expect((await first('GET', '/api/auth/me')).statusCode).toBe(200);

    expect(
      (await adminApi('POST', `/api/admin/users/${lead.user.id}/disable`, {})).statusCode,
    ).toBe(204);
    expect((await first('GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await second('GET', '/api/auth/me')).statusCode).toBe(401);
    t.clock.advance(60_000);
    const disabledLogin = await rawLogin({
      username: lead.username,
      password: lead.password,
      totp: await totpCode(lead.totpSecret!, t.clock),
    });
    expect(disabledLogin.json().error).toBe('invalid_credentials');

    expect((await adminApi('POST', `/api/admin/users/${lead.user.id}/enable`, {})).statusCode).toBe(
      204,
    );
    const third = asUser(t.app, await signIn(t.app, t.clock, lead));
    const reset = await adminApi('POST', `/api/admin/users/${lead.user.id}/reset-password`, {});
    expect(reset.statusCode).toBe(204);
    expect((await third('GET', '/api/auth/me')).statusCode).toBe(401);
    // The old password and factor no longer sign in: the account waits for its activation.
    t.clock.advance(60_000);
    const old = await rawLogin({
      username: lead.username,
      password: lead.password,
      totp: await totpCode(lead.totpSecret!, t.clock),
    });
    expect(old.json().error).toBe('invalid_credentials');
  });

  it('resets a lost second factor, audited; the account waits for a second person', async () => {
    const auditor = await newUser(t.app, t.clock, { role: 'auditor', totp: true });
    expect(
      (await adminApi('POST', `/api/admin/users/${auditor.user.id}/reset-totp`, {})).statusCode,
    ).toBe(204);
    const login = await rawLogin({ username: auditor.username, password: auditor.password });
    expect(login.statusCode).toBe(401);
    const listed = (await adminApi('GET', '/api/admin/users')).json().users;
    expect(listed.find((u: { id: string }) => u.id === auditor.user.id)).toMatchObject({
      activation: 'confirmation',
      totpEnrolled: false,
    });
    const events = await withClient(t.database.ownerUrl, (client) =>
      client.query(
        `SELECT actor_id, target_id FROM audit_events WHERE action = 'admin.totp_reset'`,
      ),
    );
    expect(events.rows).toEqual([{ actor_id: admin.user.id, target_id: auditor.user.id }]);
  });

  it('refuses to disable the own account or the last administrator', async () => {
    const self = await adminApi('POST', `/api/admin/users/${admin.user.id}/disable`, {});
    expect(self.statusCode).toBe(409);
    expect(self.json().message).toMatch(/own account/);
  });

  it('answers 404 for an unknown user and 400 for a counsellor without a service', async () => {
    const missing = await adminApi(
      'POST',
      '/api/admin/users/0193a1b2-0000-7000-8000-00000000abcd/unlock',
      {},
    );
    expect(missing.statusCode).toBe(404);
    const noService = await adminApi('POST', '/api/admin/users', {
      username: 'ohne.dienst',
      role: 'counsellor',
    });
    expect(noService.statusCode).toBe(400);
    const auditorWithService = await adminApi('POST', '/api/admin/users', {
      username: 'pruefer.x',
      role: 'auditor',
      service: 'backup',
    });
    expect(auditorWithService.statusCode).toBe(400);
    const list = await adminApi('GET', '/api/admin/users');
    expect(list.json().users.map((u: { username: string }) => u.username)).not.toContain(
      'ohne.dienst',
    );
    expect(JSON.stringify(list.json())).not.toMatch(
      /argon2|password_hash|passwordHash|totp_secret/,
    );
  });

  it('quick lock: nothing answers but unlock, me and logout until the password is given', async () => {
    const counsellor = await newUser(t.app, t.clock, {
      role: 'counsellor',
      service: 'backup',
      totp: true,
    });
    const api = asUser(t.app, await signIn(t.app, t.clock, counsellor));
    expect((await api('POST', '/api/auth/lock', {})).statusCode).toBe(204);
    expect((await api('GET', '/api/auth/me')).json().session.screenLocked).toBe(true);
    const blocked = await api('POST', '/api/auth/totp/setup', {});
    expect(blocked.statusCode).toBe(423);
    expect(blocked.json().error).toBe('screen_locked');
    expect(
      (await api('POST', '/api/auth/unlock', { password: 'ganz falsches Passwort' })).statusCode,
    ).toBe(401);
    expect(
      (await api('POST', '/api/auth/unlock', { password: counsellor.password })).statusCode,
    ).toBe(204);
    expect((await api('GET', '/api/auth/me')).json().session.screenLocked).toBe(false);
  });
});

describe('first-admin setup', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('creates the first admin once with the printed link, then closes', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/setup' })).json()).toEqual({
      open: true,
    });
    const link = await t.app.services.firstAdmin.setupLink('http://127.0.0.1:3000');
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:3000\/setup#token=[\w-]{40,}$/);
    const token = link!.split('#token=')[1]!;
    const post = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/setup/admin', payload });

    expect(
      (await post({ token: 'x'.repeat(43), username: 'chefin', password: STRONG })).statusCode,
    ).toBe(403);
    const weak = await post({ token, username: 'chefin', password: 'chefin123456' });
    expect(weak.statusCode).toBe(400);
    expect((await post({ token, username: 'chefin', password: STRONG })).statusCode).toBe(201); // token not spent above
    const again = await post({ token, username: 'zweiter', password: STRONG });
    expect(again.statusCode).toBe(410);
    expect(again.json().error).toBe('setup_closed');
    expect((await t.app.inject({ method: 'GET', url: '/api/setup' })).json()).toEqual({
      open: false,
    });
    expect(await t.app.services.firstAdmin.setupLink('http://127.0.0.1:3000')).toBeUndefined();
    const stored = await withClient(t.database.ownerUrl, (client) =>
      client.query('SELECT token_hash FROM setup_tokens'),
    );
    expect(JSON.stringify(stored.rows)).not.toContain(token);
  });
});

describe('row-level security on service-owned tables', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    // Real keys of both services exist once each service has encrypted something.
    const owner = (scope: 'backup' | 'comeback') => ({
      scope,
      ownerType: 'probe',
      ownerId: crypto.randomUUID(),
    });
    await withClient(t.database.superuserUrl, async (client) => {
      for (const scope of ['backup', 'comeback'] as const) {
        const o = owner(scope);
        await client.query(
          `INSERT INTO data_keys (scope, owner_type, owner_id, key_version, service_version, wrapped_key) VALUES ($1, $2, $3, 1, 1, '\\x00')`,
          [o.scope, o.ownerType, o.ownerId],
        );
      }
    });
  });
  afterAll(() => t.close());

  it('lets a transaction for BackUp neither read, change nor delete ComeBack rows', async () => {
    // Each statement in a transaction of its own: a refused statement aborts its transaction.
    const asBackup = (sql: string) =>
      withClient(serviceLoginUrl(t.database.appUrl, 'backup'), async (client) => {
        await client.query('BEGIN');
        try {
          await client.query(`SELECT set_config('casework.service', 'backup', true)`);
          return await client.query(sql);
        } finally {
          await client.query('ROLLBACK');
        }
      });
    const visible = await asBackup(`SELECT scope FROM data_keys WHERE owner_type = 'probe'`);
    expect(visible.rows).toEqual([{ scope: 'backup' }]);
    // Keys are never changed or deleted by requests at all: rotation and erasure (which
    // destroys a key: crypto-shredding) run with the owner's rights.
    await expect(
      asBackup(`UPDATE data_keys SET wrapped_key = NULL WHERE scope = 'comeback'`),
    ).rejects.toThrow(/permission denied/);
    await expect(asBackup(`DELETE FROM data_keys WHERE scope = 'comeback'`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(
      asBackup(
        `INSERT INTO data_keys (scope, owner_type, owner_id, key_version, service_version) VALUES ('comeback', 'probe', gen_random_uuid(), 1, 1)`,
      ),
    ).rejects.toThrow(/row-level security/);
    const stillThere = await withClient(t.database.superuserUrl, (client) =>
      client.query(
        `SELECT count(*)::int AS n FROM data_keys WHERE scope = 'comeback' AND wrapped_key IS NOT NULL`,
      ),
    );
    expect(stillThere.rows[0].n).toBe(1);
  });

  it('shows no service rows to a transaction without a service', async () => {
    await withClient(t.database.appUrl, async (client) => {
      const visible = await client.query(`SELECT scope FROM data_keys WHERE owner_type = 'probe'`);
      expect(visible.rows).toEqual([]);
    });
  });

  it('gives the request role no way around it', async () => {
    await withClient(t.database.appUrl, async (client) => {
      const role = await client.query(
        `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`,
      );
      expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
      await expect(
        client.query(`ALTER TABLE data_keys DISABLE ROW LEVEL SECURITY`),
      ).rejects.toThrow(/owner/);
      await expect(
        client.query(`SET row_security = off; SELECT * FROM data_keys`),
      ).rejects.toThrow();
    });
  });
});

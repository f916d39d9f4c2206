import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../../server/database/pg-client.ts';
import { legacyRecoveryCodeHash } from '../../server/services/accounts/totp.ts';
import { LOCKOUT } from '../../server/services/accounts/auth.service.ts';
import { asUser, newUser, signIn } from '../support/accounts.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('sign-in, unlock and password change under the lockout', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  // Each from its own address: the per-account lockout must hold without the per-address limit.
  let address = 0;
  const from = () => `10.20.${Math.floor(++address / 250)}.${address % 250}`;
  const login = (payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload, remoteAddress: from() });
  const newCounsellor = () =>
    newUser(t.app, t.clock, { role: 'counsellor', service: 'backup', totp: true });
  const failures = async (userId: string) =>
    (
      await withClient(t.database.ownerUrl, (client) =>
        client.query(`SELECT failed_logins, lockouts FROM users WHERE id = $1`, [userId]),
      )
    ).rows[0];

  it('counts wrong passwords at the quick-lock screen, and a locked account does not unlock even with the right one', async () => {
    const counsellor = await newCounsellor();
    const api = asUser(t.app, await signIn(t.app, t.clock, counsellor));
    expect((await api('POST', '/api/auth/lock', {})).statusCode).toBe(204);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < LOCKOUT.threshold + 2; attempt += 1) {
      const wrong = await api('POST', '/api/auth/unlock', {
        password: `falsch-${attempt}-Kennwort`,
      });
      statuses.push(wrong.statusCode);
    }
    expect(statuses.slice(0, LOCKOUT.threshold - 1).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(LOCKOUT.threshold - 1)).toEqual([429, 429, 429]);
    const right = await api('POST', '/api/auth/unlock', { password: counsellor.password });
    expect(right.statusCode).toBe(429);
    expect(right.json().error).toBe('locked');
    expect((await api('GET', '/api/auth/me')).json().session.screenLocked).toBe(true);
  });

  it('counts wrong current passwords at a password change and refuses it while locked', async () => {
    const counsellor = await newCounsellor();
    const api = asUser(t.app, await signIn(t.app, t.clock, counsellor));
    const change = (currentPassword: string) =>
      api('POST', '/api/auth/password', {
        currentPassword,
        newPassword: 'Sternwarte Quitte Regenbogen Fagott',
      });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < LOCKOUT.threshold; attempt += 1) {
      statuses.push((await change(`falsch-${attempt}-Kennwort`)).statusCode);
    }
    expect(statuses.at(-1)).toBe(429);
    const right = await change(counsellor.password);
    expect(right.statusCode).toBe(429);
    expect(right.json().error).toBe('locked');
  });

  it('audits and counts a right password without the second factor', async () => {
    const counsellor = await newCounsellor();
    const missing = await login({ username: counsellor.username, password: counsellor.password });
    expect(missing.json().error).toBe('totp_required');
    expect((await failures(counsellor.user.id)).failed_logins).toBe(1);
    const events = await withClient(t.database.ownerUrl, (client) =>
      client.query(
        `SELECT outcome, reason FROM audit_events WHERE action = 'auth.login' AND target_id = $1`,
        [counsellor.user.id],
      ),
    );
    expect(events.rows).toEqual([{ outcome: 'denied', reason: 'totp_missing' }]);
  });

  it('locks an unknown user name exactly like an existing one, so the lockout names no account', async () => {
    const counsellor = await newCounsellor();
    const answers = async (username: string) => {
      const seen: string[] = [];
      for (let attempt = 0; attempt < LOCKOUT.threshold + 1; attempt += 1) {
        const response = await login({ username, password: `falsch-${attempt}-Kennwort` });
        seen.push(`${response.statusCode} ${response.json().error}`);
      }
      return seen;
    };
    const existing = await answers(counsellor.username);
    expect(existing.at(-1)).toBe('429 locked');
    expect(await answers('niemand.hier')).toEqual(existing);
  });

  it('resets the lockout ratchet at a successful sign-in', async () => {
    const counsellor = await newCounsellor();
    for (let attempt = 0; attempt < LOCKOUT.threshold; attempt += 1) {
      await login({ username: counsellor.username, password: `falsch-${attempt}-Kennwort` });
    }
    expect(await failures(counsellor.user.id)).toEqual({ failed_logins: 0, lockouts: 1 });
    t.clock.advance(2 * 60_000); // past the first, one-minute lock
    await signIn(t.app, t.clock, counsellor);
    expect(await failures(counsellor.user.id)).toEqual({ failed_logins: 0, lockouts: 0 });
  });

  it('accepts a recovery code stored before the keyed hash, once', async () => {
    const counsellor = await newCounsellor();
    const code = 'ABCDE-FGHJK';
    await withClient(t.database.ownerUrl, (client) =>
      client.query(
        `INSERT INTO recovery_codes (id, user_id, code_hash) VALUES (gen_random_uuid(), $1, $2)`,
        [counsellor.user.id, legacyRecoveryCodeHash(code)],
      ),
    );
    const payload = { username: counsellor.username, password: counsellor.password, totp: code };
    expect((await login(payload)).statusCode).toBe(200);
    expect((await login(payload)).statusCode).toBe(401);
  });

  it('keeps only the newest first-admin setup link valid', async () => {
    const first = await t.app.services.firstAdmin.setupLink('http://x');
    const second = await t.app.services.firstAdmin.setupLink('http://x');
    const tokenOf = (link: string | undefined) => link!.split('#token=')[1]!;
    const attempt = (link: string | undefined, username: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/setup/admin',
        payload: {
          token: tokenOf(link),
          username,
          password: 'Leuchtturm Brezel Gewitter Akkordeon',
        },
      });
    const old = await attempt(first, 'alt.admin');
    expect(old.statusCode).toBe(403);
    expect((await attempt(second, 'neu.admin')).statusCode).toBe(201);
  });
});

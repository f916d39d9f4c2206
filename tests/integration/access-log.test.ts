import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatVerifierKey, generateCheckpointSigner, signCheckpoint } from '../../crypto/index.ts';
import { ACCESS_LOG_ORIGIN } from '../../server/audit/access-log-verifier.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { asUser, newUser, signIn } from '../support/accounts.ts';
import { startSealedTestApp, type SealedTestApp, type TestApp } from '../support/test-app.ts';

const CONTEXT = { actor: null, clientAddress: '192.0.2.10', requestId: 'test' };

const asOwner = <T>(t: TestApp, work: (client: pg.Client) => Promise<T>) =>
  withClient(t.database.superuserUrl, work);

describe('the access log', () => {
  let env: SealedTestApp;
  let t: TestApp;
  beforeAll(async () => {
    env = await startSealedTestApp();
    t = env;
    for (let i = 0; i < 30; i += 1) {
      await t.app.services.audit.record(CONTEXT, {
        action: 'keys.rotate',
        outcome: 'allowed',
        targetType: 'probe',
        targetId: String(i),
      });
    }
    expect((await env.sealer.seal()).signed).toBe(true);
    for (let i = 30; i < 40; i += 1) {
      await t.app.services.audit.record(CONTEXT, {
        action: 'keys.rotate',
        outcome: 'allowed',
        targetId: String(i),
      });
    }
  });
  afterAll(() => env.close());

  const verify = () => t.app.services.accessLog.verifyNow();

  it('verifies when untouched, with the checkpoint checked', async () => {
    const report = await verify();
    expect(report).toMatchObject({ ok: true, checked: 40, lastCheckpoint: { size: 30 } });
  });

  it('refuses UPDATE, DELETE and TRUNCATE, even for the owner', async () => {
    for (const sql of [
      `UPDATE audit_events SET action = 'x' WHERE seq = 3`,
      `DELETE FROM audit_events WHERE seq = 3`,
      `TRUNCATE audit_events`,
      `UPDATE audit_checkpoints SET note = 'x'`,
    ]) {
      await expect(asOwner(t, (client) => client.query(sql))).rejects.toThrow(/append-only/);
    }
    await expect(
      withClient(t.database.appUrl, (client) =>
        client.query(`DELETE FROM audit_events WHERE seq = 3`),
      ),
    ).rejects.toThrow(/permission denied/);
  });

  describe('detects tampering done as the table owner with the triggers switched off', () => {
    const tamper = async (sql: string) => {
      await asOwner(t, async (client) => {
        await client.query('BEGIN');
        await client.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
        await client.query(sql);
        await client.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
        await client.query('COMMIT');
      });
    };
    const snapshot = () =>
      asOwner(t, (client) => client.query('SELECT * FROM audit_events ORDER BY seq')).then(
        (r) => r.rows,
      );
    const restore = async (rows: Record<string, unknown>[]) => {
      await tamper(`DELETE FROM audit_events`);
      for (const row of rows) {
        const columns = Object.keys(row);
        await tamper(
          `INSERT INTO audit_events (${columns.map((c) => `"${c}"`).join(',')}) SELECT * FROM json_populate_record(null::audit_events, '${JSON.stringify(
            Object.fromEntries(
              Object.entries(row).map(([k, v]) => [
                k,
                v instanceof Buffer ? `\\x${v.toString('hex')}` : v,
              ]),
            ),
          ).replaceAll("'", "''")}')`,
        );
      }
      expect((await verify()).ok).toBe(true);
    };
    let original: Record<string, unknown>[];
    beforeAll(async () => {
      original = await snapshot();
    });

    it.each([
      ['an edited event', `UPDATE audit_events SET outcome = 'denied' WHERE seq = 12`, 12],
      ['a deleted event', `DELETE FROM audit_events WHERE seq = 12`, 13],
      [
        'an edited event after the checkpoint',
        `UPDATE audit_events SET target_id = '999' WHERE seq = 35`,
        35,
      ],
      [
        'swapped events',
        `UPDATE audit_events SET seq = 0 WHERE seq = 20; UPDATE audit_events SET seq = 20 WHERE seq = 21; UPDATE audit_events SET seq = 21 WHERE seq = 0`,
        20,
      ],
      [
        'an inserted event',
        `UPDATE audit_events SET seq = seq + 1 WHERE seq >= 15; INSERT INTO audit_events (id, seq, at, action, outcome, link) VALUES (gen_random_uuid(), 15, now(), 'forged', 'allowed', '\\x00')`,
        15,
      ],
    ])('%s', async (_name, sql, firstBad) => {
      await tamper(
        sql.includes('seq = seq + 1')
          ? sql.replace(
              'UPDATE audit_events SET seq = seq + 1 WHERE seq >= 15',
              'UPDATE audit_events SET seq = seq + 1000 WHERE seq >= 15; UPDATE audit_events SET seq = seq - 999 WHERE seq >= 1015',
            )
          : sql,
      );
      const report = await verify();
      expect(report.ok).toBe(false);
      if (!report.ok) expect(report.firstBadSeq).toBe(firstBad);
      await restore(original);
    });

    it('a log rewritten with recomputed links no longer matches the signed checkpoint', async () => {
      // An attacker who recomputes every link after editing event 5 still cannot re-sign.
      const { chainedContent } = await import('../../server/audit/audit-event-record.ts');
      const { chainLink, GENESIS_LINK } = await import('../../crypto/index.ts');
      const all = await asOwner(t, (client) =>
        client.query('SELECT * FROM audit_events ORDER BY seq'),
      );
      let previous = GENESIS_LINK;
      const updates: string[] = [];
      for (const row of all.rows) {
        const content = {
          id: row.id,
          seq: BigInt(row.seq),
          at: row.at,
          actorId: row.actor_id,
          actorRole: row.actor_role,
          actorService: row.actor_service,
          action: row.action,
          outcome: Number(row.seq) === 5 ? 'denied' : row.outcome,
          targetType: row.target_type,
          targetId: row.target_id,
          caseNumber: row.case_number,
          reason: row.reason,
          detailDigest: row.detail_digest,
          clientAddress: row.client_address,
          requestId: row.request_id,
        };
        previous = chainLink(previous, chainedContent(content));
        updates.push(
          `UPDATE audit_events SET outcome = '${content.outcome}', link = '\\x${Buffer.from(previous).toString('hex')}' WHERE seq = ${row.seq}`,
        );
      }
      await tamper(updates.join(';'));
      const report = await verify();
      expect(report).toMatchObject({ ok: false, reason: 'checkpoint_mismatch', firstBadSeq: 1 });
      await expect(env.sealer.seal()).rejects.toThrow(
        /not signing: the access log is inconsistent/,
      );
      await restore(original);
    });
  });

  it('detects a checkpoint signed with another key', async () => {
    const intruder = { ...generateCheckpointSigner('casework-access-log') };
    const head = await asOwner(t, (client) =>
      client.query(`SELECT link FROM audit_events WHERE seq = 40`),
    );
    const forged = signCheckpoint(intruder, {
      origin: ACCESS_LOG_ORIGIN,
      size: 40,
      head: new Uint8Array(head.rows[0].link),
    });
    await asOwner(t, (client) =>
      client.query(
        `INSERT INTO audit_checkpoints (size, note, created_at) VALUES (40, $1, now())`,
        [forged],
      ),
    );
    const report = await verify();
    expect(report).toMatchObject({
      ok: false,
      reason: 'checkpoint at size 40 has no valid signature',
    });
    expect(formatVerifierKey(intruder)).not.toBe(formatVerifierKey(env.sealer.signer));
    await asOwner(t, async (client) => {
      await client.query('BEGIN');
      await client.query('ALTER TABLE audit_checkpoints DISABLE TRIGGER USER');
      await client.query('DELETE FROM audit_checkpoints WHERE size = 40');
      await client.query('ALTER TABLE audit_checkpoints ENABLE TRIGGER USER');
      await client.query('COMMIT');
    });
    expect((await verify()).ok).toBe(true);
  });
});

describe('concurrent writers', () => {
  it('leave a chain that verifies: 20 clients writing for 10 seconds', async () => {
    const env = await startSealedTestApp();
    try {
      const until = Date.now() + 10_000;
      let written = 0;
      await Promise.all(
        Array.from({ length: 20 }, async (_, client) => {
          while (Date.now() < until) {
            await env.app.services.audit.record(
              { ...CONTEXT, requestId: `client-${client}` },
              { action: 'backup.create', outcome: 'allowed' },
            );
            written += 1;
          }
        }),
      );
      expect(written).toBeGreaterThan(200);
      const sealed = await env.sealer.seal();
      expect(sealed.size).toBe(written);
      const report = await env.app.services.accessLog.verifyNow();
      expect(report).toMatchObject({ ok: true, checked: written });
    } finally {
      await env.close();
    }
  }, 60_000);
});

describe('the auditor workspace API', () => {
  let env: SealedTestApp;
  beforeAll(async () => {
    env = await startSealedTestApp();
  });
  afterAll(() => env.close());

  it('lets an auditor filter, verify and export, and logs each of those', async () => {
    const t = env;
    const counsellor = await newUser(t.app, t.clock, {
      role: 'counsellor',
      service: 'backup',
      totp: true,
    });
    await signIn(t.app, t.clock, counsellor);
    const auditorUser = await newUser(t.app, t.clock, { role: 'auditor', totp: true });
    const auditor = asUser(t.app, await signIn(t.app, t.clock, auditorUser));

    const page = await auditor('GET', `/api/audit?actor=${counsellor.username}&action=auth.login`);
    expect(page.statusCode).toBe(200);
    expect(page.json().events).toEqual([
      expect.objectContaining({
        actorUsername: counsellor.username,
        action: 'auth.login',
        outcome: 'allowed',
      }),
    ]);
    const verification = await auditor('GET', '/api/audit/verify');
    expect(verification.json()).toMatchObject({ ok: true });

    const csv = await auditor('GET', '/api/audit/export?format=csv&action=auth.login');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe(
      'seq,at,actorUsername,actorRole,actorService,action,outcome,targetType,targetId,caseNumber,reason,accessReasonRecorded,clientAddress,requestId',
    );
    expect(csv.body).toContain(counsellor.username);
    const json = await auditor('GET', '/api/audit/export?format=json');
    expect(JSON.parse(json.body).events.length).toBeGreaterThan(3);

    const own = await auditor('GET', `/api/audit?actor=${auditorUser.username}`);
    const actions = own.json().events.map((event: { action: string }) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining(['audit.export', 'audit.verify', 'audit.search']),
    );
    expect(actions.filter((action: string) => action === 'audit.export')).toHaveLength(2);
  });

  it('gives the public key to auditors', async () => {
    const auditorUser = await newUser(env.app, env.clock, { role: 'auditor', totp: true });
    const auditor = asUser(env.app, await signIn(env.app, env.clock, auditorUser));
    const key = await auditor('GET', '/api/audit/public-key');
    expect(key.json().publicKey).toBe(formatVerifierKey(env.sealer.signer));
  });

  it('flags many cases in an hour, off-hours access, repeated denials and unassigned reads', async () => {
    const t = env;
    const curious = await newUser(t.app, t.clock, {
      role: 'counsellor',
      service: 'comeback',
      totp: true,
    });
    const actor = {
      userId: curious.user.id,
      username: curious.username,
      role: 'counsellor' as const,
      service: 'comeback' as const,
    };
    const as = { actor, clientAddress: null, requestId: 'anomaly-test' };
    // Tuesday 10:00 in Berlin: working hours. 25 distinct cases within the hour.
    t.clock.set(new Date('2026-11-24T09:00:00Z'));
    for (let i = 0; i < 25; i += 1) {
      await t.app.services.audit.record(as, {
        action: 'case.view',
        outcome: 'allowed',
        targetType: 'case',
        targetId: crypto.randomUUID(),
      });
      t.clock.advance(60_000);
    }
    await t.app.services.audit.record(as, {
      action: 'case.view',
      outcome: 'allowed',
      targetType: 'case',
      targetId: crypto.randomUUID(),
      caseNumber: 'CB-2026-0042',
      reason: 'unassigned',
    });
    for (let i = 0; i < 6; i += 1) {
      await t.app.services.audit.record(as, {
        action: 'access.denied',
        outcome: 'denied',
        reason: 'forbidden',
      });
    }
    // Saturday 23:30 in Berlin.
    t.clock.set(new Date('2026-11-28T22:30:00Z'));
    await t.app.services.audit.record(as, { action: 'case.list', outcome: 'allowed' });

    const auditorUser = await newUser(t.app, t.clock, { role: 'auditor', totp: true });
    const auditor = asUser(t.app, await signIn(t.app, t.clock, auditorUser));
    const report = await auditor(
      'GET',
      '/api/audit/anomalies?from=2026-11-20T00:00:00Z&to=2026-11-30T00:00:00Z',
    );
    expect(report.statusCode).toBe(200);
    const mine = report
      .json()
      .flags.filter((flag: { actorUsername: string }) => flag.actorUsername === curious.username);
    const kinds = Object.fromEntries(
      mine.map((flag: { kind: string; count: number }) => [flag.kind, flag]),
    );
    expect(kinds.many_cases).toMatchObject({ count: 26 }); // 25 + the unassigned read, same hour
    expect(kinds.repeated_denials).toMatchObject({ count: 6 });
    expect(kinds.unassigned_read).toMatchObject({ caseNumber: 'CB-2026-0042' });
    expect(kinds.off_hours).toMatchObject({ count: 1 });
    expect(report.json().thresholds).toMatchObject({
      casesPerHour: 20,
      denialsPerDay: 5,
      workingHours: { from: 7, to: 20 },
    });
  });
});

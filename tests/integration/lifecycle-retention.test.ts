import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../../server/database/pg-client.ts';
import { auditEvents, lastAuditSeq } from '../support/access-log-queries.ts';
import {
  closedLongAgo,
  expectStatus,
  newCase,
  startTeam,
  type Staff,
  tableDigests,
} from '../support/case-work.ts';

const CLI = { actor: null, clientAddress: null, requestId: 'test:retention' };

/** A case opened and (if `closedOn`) closed on the given days: the clock says 2026-11-23. */
async function closedCase(who: Staff, openedOn: string, closedOn: string | null) {
  return closedOn ? closedLongAgo(t, who, openedOn, closedOn) : newCase(who, { openedOn });
}

/** Row count and digest of every table but the access log, as the superuser. */
async function everythingButTheLog(): Promise<Record<string, string>> {
  return withClient(t.database.superuserUrl, (client) =>
    tableDigests(
      client,
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
          AND table_name NOT IN ('audit_events', 'audit_checkpoints', 'sessions')
        ORDER BY table_name`,
    ),
  );
}

// ben is not assigned to anna's cases.
const { t, anna, ben, clara, auditor } = await startTeam({
  anna: 'backup',
  ben: 'backup',
  clara: 'comeback',
  auditor: 'auditor',
});
afterAll(() => t.close());

describe('legal hold', () => {
  let held: { id: string; caseNumber: string };
  const reason = `Verfahren 4 KLs ${randomUUID().slice(0, 6)} läuft`;

  beforeAll(async () => {
    held = await newCase(anna);
  });

  it('is set by a counsellor of the case, with a reason that is stored only encrypted', async () => {
    const before = await lastAuditSeq(t);
    const view = expectStatus(
      await anna.http('POST', `/api/cases/${held.id}/legal-hold`, { reason }),
      200,
    );
    expect(view).toEqual({
      onHold: true,
      since: t.clock.now().toISOString(),
      setBy: anna.user.username,
      reason,
    });
    const events = await auditEvents(t, { sinceSeq: before });
    expect(events).toEqual([
      expect.objectContaining({
        action: 'case.legal_hold.set',
        outcome: 'allowed',
        actorId: anna.user.id,
        targetId: held.id,
        caseNumber: held.caseNumber,
      }),
    ]);
    await withClient(t.database.superuserUrl, async (client) => {
      const rows = await client.query('SELECT reason FROM legal_holds WHERE case_id = $1', [
        held.id,
      ]);
      expect(rows.rowCount).toBe(1);
      expect(Buffer.from(rows.rows[0].reason).includes(Buffer.from('Verfahren'))).toBe(false);
      const log = await client.query(
        `SELECT count(*)::int AS n FROM audit_events
          WHERE position(convert_to('Verfahren', 'UTF8') IN coalesce(detail, ''::bytea)) > 0
             OR coalesce(reason, '') LIKE '%Verfahren%'`,
      );
      expect(log.rows[0].n).toBe(0);
    });
  });

  it('cannot be set or lifted by a colleague the case is not assigned to (403, audited)', async () => {
    const before = await lastAuditSeq(t);
    expect(
      expectStatus(await ben.http('POST', `/api/cases/${held.id}/legal-hold`, { reason: 'x' }), 403)
        .error,
    ).toBe('forbidden');
    expectStatus(await ben.http('POST', `/api/cases/${held.id}/legal-hold/lift`, {}), 403);
    const events = await auditEvents(t, { sinceSeq: before });
    expect(events.map((event) => [event.action, event.outcome, event.reason])).toEqual([
      ['case.legal_hold.set', 'denied', 'forbidden'],
      ['case.legal_hold.lift', 'denied', 'forbidden'],
    ]);
  });

  it('answers the other service exactly like a missing case (404), for reading, setting and lifting', async () => {
    for (const [method, suffix, body] of [
      ['GET', 'legal-hold', undefined],
      ['POST', 'legal-hold', { reason: 'x' }],
      ['POST', 'legal-hold/lift', {}],
    ] as const) {
      const theirs = await clara.http(method, `/api/cases/${held.id}/${suffix}`, body);
      const missing = await clara.http(method, `/api/cases/${randomUUID()}/${suffix}`, body);
      expect(theirs.statusCode, suffix).toBe(404);
      expect(theirs.json()).toEqual(missing.json());
    }
  });

  it('is readable by colleagues only with an access reason, like the case itself', async () => {
    const refused = expectStatus(await ben.http('GET', `/api/cases/${held.id}/legal-hold`), 403);
    expect(refused.error).toBe('access_reason_required');
    const view = expectStatus(
      await ben.http('GET', `/api/cases/${held.id}/legal-hold`, undefined, {
        'x-access-reason': encodeURIComponent('Vertretung'),
      }),
      200,
    );
    expect(view).toMatchObject({ onHold: true, reason });
  });

  it('is shown to auditors without its free-text reason, and counsellors cannot list holds', async () => {
    const before = await lastAuditSeq(t);
    const list = expectStatus(await auditor.http('GET', '/api/audit/legal-holds'), 200);
    const [looked] = await auditEvents(t, { sinceSeq: before });
    expect(looked).toMatchObject({
      action: 'audit.legal_holds',
      outcome: 'allowed',
      actorId: auditor.user.id,
      targetId: held.caseNumber,
    });
    expect(list.holds).toContainEqual({
      service: 'backup',
      caseNumber: held.caseNumber,
      since: expect.any(String),
      setBy: anna.user.username,
    });
    expectStatus(await anna.http('GET', '/api/audit/legal-holds'), 403);
    const log = expectStatus(
      await auditor.http(
        'GET',
        `/api/audit?action=case.legal_hold.set&outcome=allowed&caseNumber=${held.caseNumber}`,
      ),
      200,
    );
    expect(log.events[0]).toMatchObject({ outcome: 'allowed', accessReasonRecorded: true });
    expect(log.events[0]).not.toHaveProperty('accessReason');
    const read = expectStatus(
      await auditor.http('GET', `/api/audit/events/${log.events[0].id}/access-reason`),
      200,
    );
    expect(read).toMatchObject({ state: 'readable', accessReason: reason });
  });

  it('is lifted by a counsellor of the case, which the access log records', async () => {
    const before = await lastAuditSeq(t);
    expect(
      expectStatus(await anna.http('POST', `/api/cases/${held.id}/legal-hold/lift`, {}), 200),
    ).toEqual({ onHold: false, since: null, setBy: null, reason: null });
    const [event] = await auditEvents(t, { sinceSeq: before });
    expect(event).toMatchObject({ action: 'case.legal_hold.lift', outcome: 'allowed' });
    const list = expectStatus(await auditor.http('GET', '/api/audit/legal-holds'), 200);
    expect(list.holds.map((hold: { caseNumber: string }) => hold.caseNumber)).not.toContain(
      held.caseNumber,
    );
  });
});

describe('retention', () => {
  const cases: Record<string, { id: string; caseNumber: string }> = {};
  let strayAppointment: string;
  let caseAppointment: string;

  beforeAll(async () => {
    // The clock says 2026-11-23: BackUp keeps closed cases 3 years, ComeBack 5 years.
    cases.dueBackup = await closedCase(anna, '2020-03-01', '2021-06-30');
    cases.heldBackup = await closedCase(anna, '2020-03-01', '2021-06-30');
    cases.recentBackup = await closedCase(anna, '2020-03-01', '2024-01-10');
    cases.openBackup = await closedCase(anna, '2019-05-01', null);
    cases.notYetComeback = await closedCase(clara, '2020-03-01', '2022-05-01');
    cases.dueComeback = await closedCase(clara, '2019-03-01', '2021-01-15');
    expectStatus(
      await anna.http('POST', `/api/cases/${cases.heldBackup.id}/legal-hold`, {
        reason: 'Nebenklage läuft noch',
      }),
      200,
    );
    strayAppointment = expectStatus(
      await anna.http('POST', '/api/appointments', {
        start: '2025-01-10T10:00:00Z',
        end: '2025-01-10T11:00:00Z',
        kind: 'other',
        location: 'Café am Markt',
      }),
      201,
    ).appointment.id;
    caseAppointment = expectStatus(
      await anna.http('POST', '/api/appointments', {
        start: '2025-01-11T10:00:00Z',
        end: '2025-01-11T11:00:00Z',
        kind: 'counselling_session',
        caseId: cases.openBackup.id,
      }),
      201,
    ).appointment.id;
  });

  it('a dry run lists what is due, with rule and hold, and changes nothing but one access-log event', async () => {
    const before = await everythingButTheLog();
    const seq = await lastAuditSeq(t);
    const report = await t.app.lifecycle.retention.run(CLI, { dryRun: true });
    const due = report.due.map((item) => [item.label, item.rule, item.onHold]);
    expect(due).toEqual(
      expect.arrayContaining([
        [cases.dueBackup!.caseNumber, 'retention.backup.closed_case.3y', false],
        [cases.heldBackup!.caseNumber, 'retention.backup.closed_case.3y', true],
        [cases.dueComeback!.caseNumber, 'retention.comeback.closed_case.5y', false],
        ['appointment', 'retention.backup.appointment.12m', false],
      ]),
    );
    expect(due).toHaveLength(4);
    expect(report.erased).toEqual([]);
    expect(await everythingButTheLog()).toEqual(before);
    const events = await auditEvents(t, { sinceSeq: seq });
    expect(events.map((event) => [event.action, event.reason])).toEqual([
      ['retention.plan', 'due:4,held:1,erased:0'],
    ]);
  });

  it('erases what is due, keeps a case on legal hold, and leaves everything else alone', async () => {
    const seq = await lastAuditSeq(t);
    const report = await t.app.lifecycle.retention.run(CLI, { dryRun: false });
    expect(report.erased.map((certificate) => certificate.caseNumber).sort()).toEqual(
      [cases.dueBackup!.caseNumber, cases.dueComeback!.caseNumber].sort(),
    );
    expect(report.erased[0]).toMatchObject({ erasedBy: 'retention', records: { case: 1 } });
    expect(report.erasedAppointments).toBe(1);
    expect(report.held.map((item) => item.label)).toEqual([cases.heldBackup!.caseNumber]);

    expectStatus(await anna.http('GET', `/api/cases/${cases.dueBackup!.id}`), 404);
    expectStatus(await clara.http('GET', `/api/cases/${cases.dueComeback!.id}`), 404);
    for (const kept of ['heldBackup', 'recentBackup', 'openBackup'] as const) {
      expectStatus(await anna.http('GET', `/api/cases/${cases[kept]!.id}`), 200);
    }
    expectStatus(await clara.http('GET', `/api/cases/${cases.notYetComeback!.id}`), 200);
    expectStatus(await anna.http('GET', `/api/appointments/${strayAppointment}`), 404);
    expectStatus(await anna.http('GET', `/api/appointments/${caseAppointment}`), 200);

    const events = await auditEvents(t, { sinceSeq: seq });
    expect(events.map((event) => [event.action, event.actorId, event.caseNumber])).toEqual(
      expect.arrayContaining([
        ['case.erase', null, cases.dueBackup!.caseNumber],
        ['case.erase', null, cases.dueComeback!.caseNumber],
        ['appointment.erase', null, null],
        ['retention.sweep', null, null],
      ]),
    );
    const erase = events.find((event) => event.caseNumber === cases.dueBackup!.caseNumber)!;
    expect(erase.reason).toMatch(/^retention\.backup\.closed_case\.3y\|case:1,/);
    await withClient(t.database.superuserUrl, async (client) => {
      const keys = await client.query(
        'SELECT owner_id, wrapped_key FROM data_keys WHERE owner_id = ANY($1::uuid[])',
        [[cases.dueBackup!.id, cases.dueComeback!.id, strayAppointment]],
      );
      expect(keys.rowCount).toBe(3);
      expect(keys.rows.every((row) => row.wrapped_key === null)).toBe(true);
    });
  });

  it('a second run finds nothing more to do but the case on hold', async () => {
    const report = await t.app.lifecycle.retention.run(CLI, { dryRun: false });
    expect(report.due.map((item) => item.label)).toEqual([cases.heldBackup!.caseNumber]);
    expect(report.erased).toEqual([]);
  });

  it('erases the held case once its hold is lifted', async () => {
    expectStatus(
      await anna.http('POST', `/api/cases/${cases.heldBackup!.id}/legal-hold/lift`, {}),
      200,
    );
    const report = await t.app.lifecycle.retention.run(CLI, { dryRun: false });
    expect(report.erased.map((certificate) => certificate.caseNumber)).toEqual([
      cases.heldBackup!.caseNumber,
    ]);
    expectStatus(await anna.http('GET', `/api/cases/${cases.heldBackup!.id}`), 404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../../server/database/pg-client.ts';
import { auditEvents, lastAuditSeq } from '../support/access-log-queries.ts';
import {
  expectStatus,
  newCase,
  newCounsellor,
  newStaff,
  startCaseWorkApp,
  type CaseWorkApp,
  type Staff,
} from '../support/case-work.ts';

const REASON = 'Vertretung für Kollegin während ihres Urlaubs – Rückruf der Klientin';

/**
 * Opening a case not assigned to the reader needs a reason, which the access log keeps
 * encrypted under the case key, and auditors see.
 */
describe('GET /api/cases/:id for a case not assigned to the reader', () => {
  let t: CaseWorkApp;
  let owner: Staff;
  let colleague: Staff;
  let caseRef: { id: string; caseNumber: string };
  beforeAll(async () => {
    t = await startCaseWorkApp();
    owner = await newCounsellor(t, 'backup');
    colleague = await newCounsellor(t, 'backup');
    caseRef = await newCase(owner);
  });
  afterAll(() => t.close());

  const open = (who: Staff, reason?: string) =>
    who.http(
      'GET',
      `/api/cases/${caseRef.id}`,
      undefined,
      reason === undefined ? {} : { 'x-access-reason': encodeURIComponent(reason) },
    );

  it('opens without a reason for the assigned counsellor', async () => {
    expectStatus(await open(owner), 200);
  });

  it('asks a colleague for a reason, and records the refusal', async () => {
    const body = expectStatus(await open(colleague), 403);
    expect(body.error).toBe('access_reason_required');
    const events = await auditEvents(t, { action: 'case.view', actorId: colleague.user.id });
    expect(events.at(-1)).toMatchObject({
      outcome: 'denied',
      reason: 'access_reason_required',
      caseNumber: caseRef.caseNumber,
    });
  });

  it('opens with a reason, which is stored only encrypted and shown to auditors', async () => {
    const view = expectStatus(await open(colleague, REASON), 200);
    expect(view.caseNumber).toBe(caseRef.caseNumber);
    const events = await auditEvents(t, { action: 'case.view', actorId: colleague.user.id });
    expect(events.at(-1)).toMatchObject({
      outcome: 'allowed',
      reason: 'unassigned',
      caseNumber: caseRef.caseNumber,
    });

    const stored = await withClient(t.database.superuserUrl, (client) =>
      client.query(
        `SELECT row_to_json(audit_events)::text AS row FROM audit_events WHERE detail IS NOT NULL`,
      ),
    );
    expect(stored.rows).toHaveLength(1);
    for (const encoding of ['utf8', 'hex', 'base64'] as const) {
      expect(stored.rows[0].row).not.toContain(
        Buffer.from('Vertretung').toString(encoding).replace(/=+$/, ''),
      );
    }

    const auditor = await newStaff(t, 'auditor');
    const page = expectStatus(
      await auditor.http('GET', `/api/audit?caseNumber=${caseRef.caseNumber}&action=case.view`),
      200,
    );
    const withReason = page.events.filter(
      (event: { accessReasonRecorded: boolean }) => event.accessReasonRecorded,
    );
    expect(withReason).toEqual([
      expect.objectContaining({ reason: 'unassigned', outcome: 'allowed' }),
    ]);
    expect(withReason[0]).not.toHaveProperty('accessReason');
    const read = expectStatus(
      await auditor.http('GET', `/api/audit/events/${withReason[0].id}/access-reason`),
      200,
    );
    expect(read).toMatchObject({ state: 'readable', accessReason: REASON });
    const anomalies = expectStatus(await auditor.http('GET', '/api/audit/anomalies'), 200);
    expect(anomalies.flags).toContainEqual(
      expect.objectContaining({ kind: 'unassigned_read', caseNumber: caseRef.caseNumber }),
    );
  });

  it('refuses a reason that is not percent-encoded or too long, storing nothing', async () => {
    expect(
      expectStatus(
        await colleague.http('GET', `/api/cases/${caseRef.id}`, undefined, {
          'x-access-reason': '%E0%A4%A',
        }),
        400,
      ).error,
    ).toBe('invalid_request');
    const before = await lastAuditSeq(t);
    expect(expectStatus(await open(colleague, 'x'.repeat(501)), 400).error).toBe('invalid_request');
    // Refused before the case was touched: no event carries a reason, none shows the case.
    const after = await withClient(t.database.superuserUrl, (client) =>
      client.query(
        `SELECT action, outcome, detail IS NOT NULL AS with_detail, case_number
           FROM audit_events WHERE seq > $1`,
        [String(before)],
      ),
    );
    expect(after.rows.filter((row) => row.with_detail || row.case_number)).toEqual([]);
  });

  it('asks for the reason on every route about the case, reads and writes alike', async () => {
    // The case page's tabs, edits and additions: each answers 403 without a reason and works
    // with one, and every use is an event with the reason kept encrypted.
    const at = `/api/cases/${caseRef.id}`;
    const calls: [method: 'GET' | 'POST' | 'PATCH', url: string, body?: object][] = [
      ['GET', `${at}/notes`],
      ['POST', `${at}/notes`, { kind: 'phone_call', body: 'Rückruf als Vertretung' }],
      ['PATCH', at, { anonymous: false }],
      ['GET', `${at}/appointments`],
      ['GET', `${at}/incidents`],
      ['GET', `${at}/accompaniments`],
      ['GET', `${at}/compensation-claims`],
      ['GET', `${at}/referrals`],
      ['GET', `${at}/follow-ups`],
      ['POST', `${at}/follow-ups`, { dueOn: '2026-12-24', body: 'Rückruf als Vertretung' }],
      ['GET', `${at}/legal-hold`],
      ['GET', `${at}/export`],
    ];
    for (const [method, url, body] of calls) {
      const refused = expectStatus(await colleague.http(method, url, body), 403);
      expect(refused.error, `${method} ${url}`).toBe('access_reason_required');
      const since = await lastAuditSeq(t);
      const allowed = await colleague.http(method, url, body, {
        'x-access-reason': encodeURIComponent(REASON),
      });
      expect(allowed.statusCode, `${method} ${url}: ${allowed.body}`).toBeLessThan(300);
      const written = await withClient(t.database.superuserUrl, (client) =>
        client.query(
          `SELECT reason, detail IS NOT NULL AS encrypted, case_number,
                  position(convert_to('Vertretung', 'UTF8') IN coalesce(detail, ''::bytea)) AS plain
             FROM audit_events WHERE seq > $1 AND actor_id = $2 AND outcome = 'allowed'`,
          [String(since), colleague.user.id],
        ),
      );
      expect(written.rows, `${method} ${url}`).toEqual([
        {
          reason: expect.stringMatching(/^unassigned(\|[a-z_]+:?[\w,]*)?$/),
          encrypted: true,
          case_number: caseRef.caseNumber,
          plain: 0,
        },
      ]);
    }
    // The assigned counsellor needs none anywhere.
    for (const [method, url, body] of calls) {
      expect((await owner.http(method, url, body)).statusCode, `${method} ${url}`).toBeLessThan(
        300,
      );
    }
  });

  it('never lets the other service see the case, reason or not', async () => {
    const other = await newCounsellor(t, 'comeback');
    const body = expectStatus(await open(other, REASON), 404);
    expect(body.error).toBe('not_found');
  });
});

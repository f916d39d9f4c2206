import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../../server/database/pg-client.ts';
import {
  auditEvents,
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
 * encrypted under the case key, and auditors see (issue 6, access with a reason).
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
      (event: { accessReason: string | null }) => event.accessReason,
    );
    expect(withReason).toEqual([
      expect.objectContaining({ accessReason: REASON, reason: 'unassigned', outcome: 'allowed' }),
    ]);
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
    expect(expectStatus(await open(colleague, 'x'.repeat(501)), 400).error).toBe('invalid_request');
  });

  it('never lets the other service see the case, reason or not', async () => {
    const other = await newCounsellor(t, 'comeback');
    const body = expectStatus(await open(other, REASON), 404);
    expect(body.error).toBe('not_found');
  });
});

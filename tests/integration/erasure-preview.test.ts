import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, lastAuditSeq } from '../support/access-log-queries.ts';
import { expectStatus, newCase, startTeam, type Staff } from '../support/case-work.ts';

let target: { id: string; caseNumber: string };

// anna is assigned to the case.
const { t, anna, lead, cbLead, auditor } = await startTeam({
  anna: 'backup',
  lead: 'team_lead:backup',
  cbLead: 'team_lead:comeback',
  auditor: 'auditor',
});
beforeAll(async () => {
  target = await newCase(anna, { person: { pseudonym: 'Kiebitz', name: 'Kai Kiebitz' } });
});
afterAll(() => t.close());

const preview = (who: Staff, caseNumber: string) =>
  who.http('GET', `/api/erasures/preview?caseNumber=${encodeURIComponent(caseNumber)}`);

describe('GET /api/erasures/preview', () => {
  it('shows a team lead what erasing a case of their service would destroy, and records it', async () => {
    const before = await lastAuditSeq(t);
    const shown = expectStatus(await preview(lead, ` ${target.caseNumber.toLowerCase()} `), 200);
    expect(shown).toEqual({
      caseNumber: target.caseNumber,
      pseudonym: 'Kiebitz',
      assignedCounsellor: { id: anna.user.id, username: anna.user.username },
      coCounsellor: null,
      status: 'open',
      openedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      closedOn: null,
      onHold: false,
    });
    // Nothing else of the person: the real name stays out of the preview.
    expect(JSON.stringify(shown)).not.toContain('Kai Kiebitz');
    const events = await auditEvents(t, { sinceSeq: before });
    expect(events).toEqual([
      expect.objectContaining({
        action: 'case.erasure_preview',
        outcome: 'allowed',
        actorId: lead.user.id,
        targetType: 'case',
        targetId: target.id,
        caseNumber: target.caseNumber,
      }),
    ]);
    // A preview erases nothing.
    expectStatus(await anna.http('GET', `/api/cases/${target.id}`), 200);
  });

  it('says when the case is on legal hold', async () => {
    expectStatus(
      await anna.http('POST', `/api/cases/${target.id}/legal-hold`, { reason: 'Verfahren' }),
      200,
    );
    expect(expectStatus(await preview(lead, target.caseNumber), 200).onHold).toBe(true);
    expectStatus(await anna.http('POST', `/api/cases/${target.id}/legal-hold/lift`, {}), 200);
  });

  it('refuses whoever may not erase: counsellors and auditors (403)', async () => {
    for (const who of [anna, auditor]) {
      expect(expectStatus(await preview(who, target.caseNumber), 403).error).toBe('forbidden');
    }
  });

  it('answers a team lead of the other service exactly like an unknown number (404), audited as denied', async () => {
    const before = await lastAuditSeq(t);
    const theirs = await preview(cbLead, target.caseNumber);
    const unknown = await preview(cbLead, 'BU-2026-999999');
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toEqual(unknown.json());
    expect(theirs.json()).toMatchObject({ error: 'not_found' });
    const events = await auditEvents(t, { action: 'case.erasure_preview', sinceSeq: before });
    expect(events.map((event) => [event.outcome, event.reason, event.targetId])).toEqual([
      ['denied', 'not_found', null],
      ['denied', 'not_found', null],
    ]);
  });

  it('refuses a malformed number with a code the web translates (400)', async () => {
    const refused = expectStatus(await preview(lead, 'not a number'), 400);
    expect(refused).toMatchObject({ error: 'invalid_request', reason: 'invalid_format' });
  });
});

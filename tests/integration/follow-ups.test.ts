import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../../server/database/pg-client.ts';
import { auditEvents, lastAuditSeq } from '../support/access-log-queries.ts';
import { expectStatus, newCase, startTeam, withReason } from '../support/case-work.ts';

let annaCase: { id: string; caseNumber: string };

const SECRET = `Rückruf wegen Anzeige ${randomUUID().slice(0, 8)}`;
const at = (caseId: string) => `/api/cases/${caseId}/follow-ups`;

// anna is the case's counsellor, ben her BackUp colleague.
const { t, anna, ben, clara, lead } = await startTeam(
  { anna: 'backup', ben: 'backup', clara: 'comeback', lead: 'team_lead:backup' },
  { at: '2026-12-03T09:00:00Z' },
);
beforeAll(async () => {
  annaCase = await newCase(anna, { openedOn: '2026-10-01' });
});
afterAll(() => t.close());

describe('follow-ups of a case', () => {
  it('adds one for the caller, lists it, changes it and marks it done and open again, each audited', async () => {
    const before = await lastAuditSeq(t);
    const created = expectStatus(
      await anna.http('POST', at(annaCase.id), { dueOn: '2026-12-10', body: SECRET }),
      201,
    );
    expect(created).toMatchObject({
      caseId: annaCase.id,
      dueOn: '2026-12-10',
      body: SECRET,
      assignee: { id: anna.user.id, username: anna.username },
      done: false,
      doneAt: null,
      doneBy: null,
      createdBy: { id: anna.user.id },
    });
    const changed = expectStatus(
      await anna.http('PATCH', `${at(annaCase.id)}/${created.id}`, {
        dueOn: '2026-12-04',
        assigneeId: ben.user.id,
      }),
      200,
    );
    expect(changed).toMatchObject({
      dueOn: '2026-12-04',
      body: SECRET,
      assignee: { id: ben.user.id },
    });
    const doneAt = t.clock.now().toISOString();
    const done = expectStatus(
      await anna.http('PATCH', `${at(annaCase.id)}/${created.id}`, { done: true }),
      200,
    );
    expect(done).toMatchObject({
      done: true,
      doneAt,
      doneBy: { id: anna.user.id },
    });
    const list = expectStatus(await anna.http('GET', at(annaCase.id)), 200);
    expect(list.followUps).toEqual([done]);
    const reopened = expectStatus(
      await anna.http('PATCH', `${at(annaCase.id)}/${created.id}`, { done: false }),
      200,
    );
    expect(reopened).toMatchObject({ done: false, doneAt: null, doneBy: null });
    const events = await auditEvents(t, { sinceSeq: before });
    expect(events.map((e) => [e.action, e.outcome, e.caseNumber, e.reason])).toEqual([
      ['follow_up.create', 'allowed', annaCase.caseNumber, null],
      ['follow_up.update', 'allowed', annaCase.caseNumber, null],
      ['follow_up.update', 'allowed', annaCase.caseNumber, null],
      ['follow_up.list', 'allowed', annaCase.caseNumber, null],
      ['follow_up.update', 'allowed', annaCase.caseNumber, null],
    ]);
  });

  it('stores the text only sealed under the case key', async () => {
    const stored = await withClient(t.database.superuserUrl, (client) =>
      client.query<{ body: Buffer }>(`SELECT body FROM follow_ups WHERE case_id = $1`, [
        annaCase.id,
      ]),
    );
    expect(stored.rows.length).toBeGreaterThan(0);
    for (const row of stored.rows) {
      expect(row.body.toString('utf8')).not.toContain('Rückruf');
      expect(row.body.toString('latin1')).not.toContain('Anzeige');
    }
  });

  it("asks a colleague for a reason, and records it as access to a colleague's case", async () => {
    const refused = expectStatus(await ben.http('GET', at(annaCase.id)), 403);
    expect(refused.error).toBe('access_reason_required');
    const before = await lastAuditSeq(t);
    const list = expectStatus(await withReason(ben).http('GET', at(annaCase.id)), 200);
    expect(list.followUps).toHaveLength(1);
    const events = await auditEvents(t, { action: 'follow_up.list', sinceSeq: before });
    expect(events).toEqual([
      expect.objectContaining({ outcome: 'allowed', reason: 'unassigned', actorId: ben.user.id }),
    ]);
  });

  it("answers another service's case and follow-up exactly like missing ones", async () => {
    const [followUp] = expectStatus(await anna.http('GET', at(annaCase.id)), 200).followUps;
    const missingCase = randomUUID();
    const pairs: [string, string, string, object?][] = [
      ['GET', at(annaCase.id), at(missingCase)],
      ['POST', at(annaCase.id), at(missingCase), { dueOn: '2026-12-24', body: 'x' }],
      [
        'PATCH',
        `${at(annaCase.id)}/${followUp.id}`,
        `${at(missingCase)}/${followUp.id}`,
        { done: true },
      ],
    ];
    for (const [method, theirs, absent, payload] of pairs) {
      const other = await clara.http(method as 'GET', theirs, payload);
      const none = await clara.http(method as 'GET', absent, payload);
      expect(other.statusCode, `${method} ${theirs}`).toBe(404);
      expect(other.json()).toEqual(none.json());
    }
    // A follow-up of one case is not reachable through another case of the same service.
    const other = await newCase(anna);
    expectStatus(await anna.http('PATCH', `${at(other.id)}/${followUp.id}`, { done: true }), 404);
    const still = expectStatus(await anna.http('GET', at(annaCase.id)), 200);
    expect(still.followUps[0].done).toBe(false);
  });

  it('assigns only to an active counsellor of the own service', async () => {
    const wrong = expectStatus(
      await anna.http('POST', at(annaCase.id), {
        dueOn: '2026-12-24',
        body: 'Termin',
        assigneeId: clara.user.id,
      }),
      400,
    );
    expect(wrong).toMatchObject({
      error: 'invalid_request',
      reason: 'not_an_active_counsellor',
      params: { field: '/assigneeId' },
    });
  });

  it('keeps team leads out (403)', async () => {
    expect(expectStatus(await lead.http('GET', at(annaCase.id)), 403).error).toBe('forbidden');
  });

  it('suggests the objection deadline of a decided claim and the preparation of a court hearing', async () => {
    const claim = expectStatus(
      await anna.http('POST', `/api/cases/${annaCase.id}/compensation-claims`, {
        status: 'rejected',
        filedOn: '2026-09-01',
        decidedOn: '2026-11-30',
      }),
      201,
    );
    const hearing = expectStatus(
      await anna.http('POST', `/api/cases/${annaCase.id}/accompaniments`, {
        kind: 'court_hearing',
        takesPlaceOn: '2027-01-05',
        role: 'witness',
      }),
      201,
    );
    const list = expectStatus(await anna.http('GET', at(annaCase.id)), 200);
    expect(list.suggestions).toEqual(
      [
        { kind: 'claim_appeal', dueOn: '2026-12-30', sourceId: claim.id },
        { kind: 'court_preparation', dueOn: '2026-12-29', sourceId: hearing.id },
      ].sort((a, b) => a.dueOn.localeCompare(b.dueOn)),
    );
    // Taken over, a suggestion is no longer offered.
    expectStatus(
      await anna.http('POST', at(annaCase.id), { dueOn: '2026-12-30', body: 'Widerspruchsfrist' }),
      201,
    );
    const after = expectStatus(await anna.http('GET', at(annaCase.id)), 200);
    expect(after.suggestions.map((s: { kind: string }) => s.kind)).toEqual(['court_preparation']);
  });

  it('are part of the Art. 15 export', async () => {
    const data = expectStatus(await anna.http('GET', `/api/cases/${annaCase.id}/export`), 200);
    expect(data.followUps.map((f: { body: string }) => f.body).sort()).toEqual(
      [SECRET, 'Widerspruchsfrist'].sort(),
    );
    expect(data.followUps[0].assignee.username).not.toBe('');
  });

  it('go with the case when it is erased: rows deleted, their key destroyed', async () => {
    const doomed = await newCase(anna);
    expectStatus(
      await anna.http('POST', at(doomed.id), { dueOn: '2026-12-24', body: SECRET }),
      201,
    );
    expectStatus(
      await lead.http('POST', `/api/cases/${doomed.id}/erasure`, {
        ground: 'art17_request',
        confirmCaseNumber: doomed.caseNumber,
      }),
      200,
    );
    const left = await withClient(t.database.superuserUrl, async (client) => ({
      rows: (await client.query(`SELECT 1 FROM follow_ups WHERE case_id = $1`, [doomed.id]))
        .rowCount,
      keys: (
        await client.query(
          `SELECT 1 FROM data_keys WHERE owner_type = 'case' AND owner_id = $1
              AND wrapped_key IS NOT NULL`,
          [doomed.id],
        )
      ).rowCount,
    }));
    expect(left).toEqual({ rows: 0, keys: 0 });
    // Another case's follow-ups are untouched.
    expect(expectStatus(await anna.http('GET', at(annaCase.id)), 200).followUps).toHaveLength(2);
  });
});

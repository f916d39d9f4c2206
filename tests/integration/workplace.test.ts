import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berlinMidnight } from '../../server/services/cases/workplace.service.ts';
import { auditEvents, lastAuditSeq } from '../support/access-log-queries.ts';
import { expectStatus, newCase, startTeam, type Staff } from '../support/case-work.ts';
import { asUser, signIn } from '../support/accounts.ts';
import { HOUR } from '../support/test-clock.ts';

const cases = {} as Record<
  'quiet' | 'talked' | 'closed' | 'bens' | 'risky',
  { id: string; caseNumber: string }
>;

let noteAt: string;

const meeting = (start: string, end: string, caseId?: string) => ({
  start,
  end,
  kind: 'counselling_session',
  ...(caseId ? { caseId } : {}),
});

// The clock on a Thursday. clara proposes a risk level, david is the second pair of eyes.
const { t, anna, ben, clara, david, lead } = await startTeam(
  { anna: 'backup', ben: 'backup', clara: 'comeback', david: 'comeback', lead: 'team_lead:backup' },
  { at: '2026-12-03T09:00:00Z' },
);
beforeAll(async () => {
  cases.quiet = await newCase(anna, { openedOn: '2026-10-01' });
  cases.talked = await newCase(anna, { openedOn: '2026-10-02' });
  cases.closed = await newCase(anna, { openedOn: '2026-10-03' });
  cases.bens = await newCase(ben, { openedOn: '2026-10-04' });
  cases.risky = await newCase(clara, { openedOn: '2026-10-05' });
  noteAt = t.clock.now().toISOString();
  expectStatus(
    await anna.http('POST', `/api/cases/${cases.talked.id}/notes`, {
      kind: 'phone_call',
      body: 'Rückruf',
    }),
    201,
  );
  expectStatus(
    await anna.http('PATCH', `/api/cases/${cases.closed.id}`, {
      status: 'closed',
      closingReason: 'abgeschlossen',
    }),
    200,
  );
  for (const [start, end, caseId] of [
    ['2026-12-02T10:00:00+01:00', '2026-12-02T11:00:00+01:00', cases.quiet.id], // yesterday
    ['2026-12-03T15:30:00+01:00', '2026-12-03T16:30:00+01:00', cases.quiet.id], // today
    ['2026-12-06T23:00:00+01:00', '2026-12-06T23:30:00+01:00', undefined], // Sunday night
    ['2026-12-07T00:30:00+01:00', '2026-12-07T01:00:00+01:00', cases.talked.id], // next week
  ] as const) {
    expectStatus(await anna.http('POST', '/api/appointments', meeting(start, end, caseId)), 201);
  }
  expectStatus(
    await ben.http('POST', '/api/appointments', {
      ...meeting('2026-12-03T09:00:00+01:00', '2026-12-03T10:00:00+01:00'),
    }),
    201,
  );
  const followUp = (who: Staff, caseId: string, dueOn: string, body: string, assigneeId?: string) =>
    who.http('POST', `/api/cases/${caseId}/follow-ups`, {
      dueOn,
      body,
      ...(assigneeId ? { assigneeId } : {}),
    });
  expectStatus(await followUp(anna, cases.quiet.id, '2026-12-01', 'Überfällig'), 201);
  expectStatus(await followUp(anna, cases.talked.id, '2026-12-03', 'Heute'), 201);
  expectStatus(await followUp(anna, cases.talked.id, '2026-12-10', 'Nächste Woche'), 201);
  const done = expectStatus(await followUp(anna, cases.quiet.id, '2026-12-02', 'Erledigt'), 201);
  expectStatus(
    await anna.http('PATCH', `/api/cases/${cases.quiet.id}/follow-ups/${done.id}`, { done: true }),
    200,
  );
  // Ben asks Anna to look at something on his case: she sees that, not what it says.
  expectStatus(await followUp(ben, cases.bens.id, '2026-12-04', 'Vertraulich', anna.user.id), 201);
  expectStatus(
    await clara.http('POST', `/api/cases/${cases.risky.id}/risk-assessments`, { level: 'high' }),
    201,
  );
});
afterAll(() => t.close());

describe('GET /api/workplace', () => {
  it("shows the counsellor's week from today, open cases, due follow-ups, in one audited event", async () => {
    const before = await lastAuditSeq(t);
    const view = expectStatus(await anna.http('GET', '/api/workplace'), 200);
    expect(view.today).toBe('2026-12-03');
    expect(view.weekEnd).toBe('2026-12-06');
    expect(view.appointments.map((a: { start: string }) => a.start)).toEqual([
      '2026-12-03T14:30:00.000Z',
      '2026-12-06T22:00:00.000Z',
    ]);
    expect(view.appointments[0].case).toEqual({
      id: cases.quiet.id,
      caseNumber: cases.quiet.caseNumber,
    });
    // Longest without contact first; the closed case and the colleague's are not there.
    expect(view.openCases.map((c: { caseNumber: string }) => c.caseNumber)).toEqual([
      cases.quiet.caseNumber,
      cases.talked.caseNumber,
    ]);
    expect(view.openCases[0]).toMatchObject({
      lastContactAt: null,
      nextAppointmentAt: '2026-12-03T14:30:00.000Z',
    });
    expect(view.openCases[1].lastContactAt).toBe(noteAt);
    expect(view.openCases[0].pseudonym).toMatch(/^Falke /);
    expect(
      view.followUps.map((f: { dueOn: string; overdue: boolean; body: string | null }) => [
        f.dueOn,
        f.overdue,
        f.body,
      ]),
    ).toEqual([
      ['2026-12-01', true, 'Überfällig'],
      ['2026-12-03', false, 'Heute'],
      ['2026-12-04', false, null],
    ]);
    expect(view.followUps[2].caseNumber).toBe(cases.bens.caseNumber);
    expect(view.riskChecks).toEqual([]);
    const events = await auditEvents(t, { sinceSeq: before });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'workplace.view',
      outcome: 'allowed',
      actorId: anna.user.id,
      targetType: 'case_list',
      reason: 'shown:2',
    });
    expect(events[0]!.targetId!.split(',').sort()).toEqual(
      [cases.quiet.caseNumber, cases.talked.caseNumber, cases.bens.caseNumber].sort(),
    );
  });

  it('counts "today" by the service clock', async () => {
    t.clock.set(new Date('2026-12-03T23:30:00Z')); // already Friday in Germany
    const later = asUser(t.app, await signIn(t.app, t.clock, anna));
    const view = expectStatus(await later('GET', '/api/workplace'), 200);
    expect(view.today).toBe('2026-12-04');
    expect(view.appointments.map((a: { start: string }) => a.start)).toEqual([
      '2026-12-06T22:00:00.000Z',
    ]);
    expect(view.followUps.map((f: { overdue: boolean }) => f.overdue)).toEqual([true, true, false]);
    t.clock.set(new Date('2026-12-03T09:00:00Z'));
  });

  it('shows the second counsellor the risk assessment waiting for them, not its author', async () => {
    const forDavid = expectStatus(await david.http('GET', '/api/workplace'), 200);
    expect(forDavid.riskChecks).toEqual([
      expect.objectContaining({
        caseId: cases.risky.id,
        caseNumber: cases.risky.caseNumber,
        level: 'high',
        proposedBy: { id: clara.user.id, username: clara.username },
      }),
    ]);
    const forClara = expectStatus(await clara.http('GET', '/api/workplace'), 200);
    expect(forClara.riskChecks).toEqual([]);
    // Nothing of BackUp's reaches ComeBack.
    expect(JSON.stringify(forClara)).not.toContain('BU-');
    expect(forClara.followUps).toEqual([]);
  });

  it('is for counsellors (403 for a team lead)', async () => {
    expect(expectStatus(await lead.http('GET', '/api/workplace'), 403).error).toBe('forbidden');
  });
});

describe('berlinMidnight', () => {
  it('is 23:00 UTC the day before in winter and 22:00 UTC in summer, also on the change days', () => {
    expect(berlinMidnight('2026-12-03').toISOString()).toBe('2026-12-02T23:00:00.000Z');
    expect(berlinMidnight('2026-07-01').toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(berlinMidnight('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(berlinMidnight('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(berlinMidnight('2026-03-30').getTime() - berlinMidnight('2026-03-29').getTime()).toBe(
      23 * HOUR,
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, lastAuditSeq } from '../support/access-log-queries.ts';
import { expectStatus, newCase, startTeam, withReason } from '../support/case-work.ts';

const REASON = 'Vertretung, Frau Y ruft wegen Prozess am 12.3. an';

interface Event {
  id: string;
  action: string;
  actorId: string | null;
  caseNumber: string | null;
  accessReasonRecorded: boolean;
}

// anna is the case's counsellor; ben and clara are colleagues of BackUp and ComeBack.
const { t, anna, ben, clara, auditor } = await startTeam({
  anna: 'backup',
  ben: 'backup',
  clara: 'comeback',
  auditor: 'auditor',
});
afterAll(() => t.close());

describe("the auditor's views after a colleague worked on a case with a reason", () => {
  let theCase: { id: string; caseNumber: string };

  beforeAll(async () => {
    theCase = await newCase(anna);
    const colleague = withReason(ben, REASON);
    expectStatus(
      await colleague.http('POST', '/api/appointments', {
        start: '2026-12-22T09:00:00Z',
        end: '2026-12-22T10:00:00Z',
        kind: 'other',
        caseId: theCase.id,
        location: 'x',
      }),
      201,
    );
    expectStatus(
      await colleague.http('POST', '/api/incidents', {
        occurredOn: '2026-10-03',
        offenceType: 'simple_bodily_harm',
        motives: ['racism_anti_muslim'],
        district: 'dortmund',
        affectedCount: 1,
        affectedMinors: 0,
        reportedToPolice: 'yes',
        source: 'affected_person',
        caseIds: [theCase.id],
      }),
      201,
    );
  });

  it('GET /api/audit, the actor and case timelines and the export answer 200 with the events', async () => {
    for (const query of [
      'limit=50',
      `actor=${ben.user.username}`,
      'action=appointment.create',
      'action=incident.create',
      `caseNumber=${theCase.caseNumber}`,
    ]) {
      const page = expectStatus(await auditor.http('GET', `/api/audit?${query}`), 200);
      expect(page.events.length, query).toBeGreaterThan(0);
    }
    const timeline = expectStatus(
      await auditor.http('GET', `/api/audit?caseNumber=${theCase.caseNumber}&limit=100`),
      200,
    );
    const byBen = timeline.events.filter((event: Event) => event.actorId === ben.user.id);
    expect(byBen.map((event: Event) => event.action).sort()).toEqual([
      'appointment.create',
      'incident.create',
    ]);
    for (const event of byBen) {
      expect(event).toMatchObject({ caseNumber: theCase.caseNumber, accessReasonRecorded: true });
    }
    for (const format of ['csv', 'json']) {
      const exported = await auditor.http(
        'GET',
        `/api/audit/export?format=${format}&from=2026-11-01T00:00:00Z`,
      );
      expect(exported.statusCode, exported.body).toBe(200);
      expect(exported.body).toContain(theCase.caseNumber);
    }
  });

  it('lists and exports carry no free text', async () => {
    const page = await auditor.http('GET', '/api/audit?limit=500');
    const exported = await auditor.http('GET', '/api/audit/export?format=json');
    for (const body of [page.body, exported.body]) {
      expect(body).not.toContain('Prozess am 12.3.');
      expect(body).not.toContain('accessReason"');
    }
  });

  it('opens one reason on explicit request, under the right case, and logs that request', async () => {
    const timeline = expectStatus(
      await auditor.http('GET', `/api/audit?caseNumber=${theCase.caseNumber}&limit=100`),
      200,
    );
    const booked = timeline.events.find(
      (event: Event) => event.action === 'appointment.create',
    ) as Event;
    const before = await lastAuditSeq(t);
    const read = expectStatus(
      await auditor.http('GET', `/api/audit/events/${booked.id}/access-reason`),
      200,
    );
    expect(read).toEqual({
      id: booked.id,
      seq: expect.any(Number),
      caseNumber: theCase.caseNumber,
      state: 'readable',
      accessReason: REASON,
    });
    const [logged] = await auditEvents(t, { sinceSeq: before });
    expect(logged).toMatchObject({
      action: 'audit.access_reason_view',
      actorId: auditor.user.id,
      targetType: 'audit_event',
      targetId: booked.id,
      caseNumber: theCase.caseNumber,
      reason: 'readable',
    });
    // An event without a reason, and an unknown event.
    const plain = timeline.events.find((event: Event) => !event.accessReasonRecorded) as Event;
    expect(
      expectStatus(await auditor.http('GET', `/api/audit/events/${plain.id}/access-reason`), 200),
    ).toMatchObject({ state: 'none', accessReason: null });
    expectStatus(
      await auditor.http(
        'GET',
        '/api/audit/events/00000000-0000-4000-8000-000000000000/access-reason',
      ),
      404,
    );
  });

  it('is for auditors only', async () => {
    for (const who of [anna, ben, clara]) {
      expectStatus(
        await who.http(
          'GET',
          '/api/audit/events/00000000-0000-4000-8000-000000000000/access-reason',
        ),
        403,
      );
    }
  });
});

describe('anomaly flags and the case-number filter (GET /api/audit/anomalies, ?caseNumber=)', () => {
  const cases: { id: string; caseNumber: string }[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 20; i += 1) cases.push(await newCase(anna));
  });

  it('flag a colleague who exports and reads the notes of 20 cases, never opening one', async () => {
    const colleague = withReason(ben, 'Vertretung');
    expectStatus(await colleague.http('GET', `/api/cases/${cases[0]!.id}/export`), 200);
    for (const target of cases) {
      expectStatus(await colleague.http('GET', `/api/cases/${target.id}/notes`), 200);
    }
    t.clock.advance(60_000); // the report covers the 30 days up to now, exclusive
    const report = expectStatus(await auditor.http('GET', '/api/audit/anomalies'), 200);
    const flags = report.flags.filter(
      (flag: { actorId: string | null }) => flag.actorId === ben.user.id,
    );
    // 20 notes lists, plus the case of the first test.
    expect(flags).toContainEqual(
      expect.objectContaining({ kind: 'many_cases', count: 21, caseNumber: null }),
    );
    const unassigned = flags
      .filter((flag: { kind: string }) => flag.kind === 'unassigned_read')
      .map((flag: { caseNumber: string }) => flag.caseNumber);
    expect(unassigned).toEqual(expect.arrayContaining(cases.map((found) => found.caseNumber)));
  });

  it('find the lists and searches that showed a case by its number', async () => {
    const shown = cases[7]!;
    expectStatus(await anna.http('GET', '/api/cases?limit=100'), 200);
    const page = expectStatus(
      await auditor.http('GET', `/api/audit?caseNumber=${shown.caseNumber}&action=case.list`),
      200,
    );
    expect(page.events).toHaveLength(1);
    expect(page.events[0]).toMatchObject({ actorId: anna.user.id, caseNumber: null });
    expect(page.events[0].targetId.split(',')).toContain(shown.caseNumber);
    // A number that merely starts like a listed one matches nothing.
    const longer = `${shown.caseNumber}0`;
    const none = expectStatus(
      await auditor.http('GET', `/api/audit?caseNumber=${longer}&action=case.list`),
      200,
    );
    expect(none.events).toEqual([]);
  });
});

describe('POST /api/audit/checkpoint', () => {
  it('answers 429 to the fourth request within a minute', async () => {
    // No sealer runs here: the first three wait for it and answer 503. The requests start a
    // little apart, as requests from a network do (the limiter counts them one by one).
    const pending = [];
    for (let i = 0; i < 4; i += 1) {
      pending.push(auditor.http('POST', '/api/audit/checkpoint', {}));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const answers = await Promise.all(pending);
    const statuses = answers.map((answer) => answer.statusCode).sort();
    expect(statuses).toEqual([429, 503, 503, 503]);
    const limited = answers.find((answer) => answer.statusCode === 429)!;
    expect(limited.json().error).toBe('rate_limited');
  }, 30_000);
});

import { afterAll, describe, expect, it } from 'vitest';
import { withClient } from '../../server/database/pg-client.ts';
import { expectStatus, newCase, startTeam } from '../support/case-work.ts';

const CLI = { actor: null, clientAddress: null, requestId: 'test:erasure-gaps' };

const incident = (overrides: Record<string, unknown> = {}) => ({
  occurredOn: '2026-10-03',
  offenceType: 'simple_bodily_harm',
  motives: ['racism_anti_muslim'],
  district: 'bielefeld',
  affectedCount: 2,
  affectedMinors: 0,
  reportedToPolice: 'yes',
  source: 'affected_person',
  description: 'Zwei Personen angegriffen, Frau Z. erlitt eine Platzwunde',
  ...overrides,
});

async function keyDestroyed(ownerId: string): Promise<boolean> {
  return withClient(t.database.superuserUrl, async (client) => {
    const rows = await client.query('SELECT wrapped_key FROM data_keys WHERE owner_id = $1', [
      ownerId,
    ]);
    return rows.rowCount === 1 && rows.rows[0].wrapped_key === null;
  });
}

const { t, anna, lead } = await startTeam({ anna: 'backup', lead: 'team_lead:backup' });
afterAll(() => t.close());

describe('erasure of a case (GDPR Art. 17)', () => {
  it('erases an appointment that was detached from the case before, with its place and note', async () => {
    const erased = await newCase(anna);
    const appointment = expectStatus(
      await anna.http('POST', '/api/appointments', {
        start: '2026-12-22T09:00:00Z',
        end: '2026-12-22T10:00:00Z',
        kind: 'counselling_session',
        caseId: erased.id,
        location: 'Wohnung von Frau Z.',
        note: 'Frau Z. bringt die Briefe des Anwalts mit',
      }),
      201,
    ).appointment.id;
    expectStatus(
      await anna.http('PATCH', `/api/appointments/${appointment}`, { caseId: null }),
      200,
    );
    const certificate = expectStatus(
      await lead.http('POST', `/api/cases/${erased.id}/erasure`, {
        ground: 'art17_request',
        confirmCaseNumber: erased.caseNumber,
      }),
      200,
    );
    expect(certificate.records.appointments).toBe(1);
    expectStatus(await anna.http('GET', `/api/appointments/${appointment}`), 404);
    expect(await keyDestroyed(appointment)).toBe(true);
  });
});

describe('the subject-access export (GDPR Art. 15)', () => {
  it('leaves out the narrative and the other case of an incident shared with another case', async () => {
    const mine = await newCase(anna);
    const other = await newCase(anna);
    const own = expectStatus(
      await anna.http(
        'POST',
        '/api/incidents',
        incident({ caseIds: [mine.id], description: 'Nur meine Geschichte' }),
      ),
      201,
    ).id;
    const shared = expectStatus(
      await anna.http('POST', '/api/incidents', incident({ caseIds: [mine.id, other.id] })),
      201,
    ).id;
    const data = expectStatus(await anna.http('GET', `/api/cases/${mine.id}/export`), 200);
    const byId = new Map(data.incidents.map((item: { id: string }) => [item.id, item]));
    expect(byId.get(own)).toMatchObject({ description: 'Nur meine Geschichte' });
    expect(byId.get(shared)).toMatchObject({
      description: null,
      cases: [{ id: mine.id, caseNumber: mine.caseNumber }],
      offenceType: 'simple_bodily_harm',
    });
    expect(JSON.stringify(data)).not.toContain(other.caseNumber);
    expect(JSON.stringify(data)).not.toContain('Platzwunde');
  });
});

describe('retention of incidents linked to no case', () => {
  it('erases them 36 months after their last change, and keeps linked ones', async () => {
    const unlinked = expectStatus(await anna.http('POST', '/api/incidents', incident()), 201).id;
    const linkedCase = await newCase(anna);
    const linked = expectStatus(
      await anna.http('POST', '/api/incidents', incident({ caseIds: [linkedCase.id] })),
      201,
    ).id;
    // The database stamps updated_at; move it back as if the incident were old.
    await withClient(t.database.superuserUrl, (client) =>
      client.query(
        `UPDATE incidents SET updated_at = $2::timestamptz - interval '37 months'
          WHERE id = ANY($1::uuid[])`,
        [[unlinked, linked], t.clock.now()],
      ),
    );
    const plan = await t.app.lifecycle.retention.run(CLI, { dryRun: true });
    expect(plan.due.filter((item) => item.kind === 'incident').map((item) => item.id)).toEqual([
      unlinked,
    ]);
    expect(plan.due.find((item) => item.id === unlinked)!.rule).toBe(
      'retention.backup.unlinked_incident.36m',
    );
    const report = await t.app.lifecycle.retention.run(CLI, { dryRun: false });
    expect(report.erasedIncidents).toBe(1);
    expectStatus(await anna.http('GET', `/api/incidents/${unlinked}`), 404);
    expect(await keyDestroyed(unlinked)).toBe(true);
    expectStatus(await anna.http('GET', `/api/incidents/${linked}`), 200);
  });
});

describe('statistics facts of an erased case', () => {
  it('share no transaction id (xmin) with any access-log event about that case but its erasure', async () => {
    const gone = await newCase(anna);
    expectStatus(
      await anna.http('POST', `/api/cases/${gone.id}/notes`, { kind: 'phone_call', body: 'x' }),
      201,
    );
    const linked = () =>
      withClient(t.database.superuserUrl, async (client) => {
        const rows = await client.query<{ action: string }>(
          `SELECT e.action FROM audit_events e
             JOIN (SELECT xmin::text AS x FROM stats_case_facts
                   UNION ALL SELECT xmin::text FROM stats_activity_facts
                   UNION ALL SELECT xmin::text FROM stats_incident_facts) f ON f.x = e.xmin::text
            WHERE e.case_number = $1`,
          [gone.caseNumber],
        );
        return rows.rows.map((row) => row.action);
      });
    // While the case exists its rows say as much; the point is what remains afterwards.
    expect(await linked()).toEqual(expect.arrayContaining(['case.create']));
    expectStatus(
      await lead.http('POST', `/api/cases/${gone.id}/erasure`, {
        ground: 'art17_request',
        confirmCaseNumber: gone.caseNumber,
      }),
      200,
    );
    expect(new Set(await linked())).toEqual(new Set(['case.erase']));
  });
});

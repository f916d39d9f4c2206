import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../../server/database/pg-client.ts';
import { lastAuditSeq } from '../support/access-log-queries.ts';
import {
  expectStatus,
  newCase,
  newCounsellor,
  startTeam,
  withReason,
} from '../support/case-work.ts';

/**
 * A colleague (same service, not the case's counsellor or co-counsellor) reaches nothing that
 * belongs to a case without an access reason: not through the incident linked to it, not
 * through its appointments or the team's week view, not by searching its client's real name,
 * and not by making themself its counsellor.
 */
let theirs: { id: string; caseNumber: string };
let mine: { id: string; caseNumber: string };
let incidentId: string;
let appointmentId: string;

const REAL_NAME = 'Aylin Modell';
const PLACE = 'Wohnung der Klientin, Hinterhaus';

const { t, owner, colleague } = await startTeam(
  { owner: 'backup', colleague: 'backup' },
  { at: '2026-11-23T07:00:00Z' },
);
const reasoned = withReason(colleague, 'Vertretung während des Urlaubs');
beforeAll(async () => {
  theirs = await newCase(owner, {
    person: { name: REAL_NAME, phone: '0170 1234567', email: 'aylin@example.org' },
  });
  mine = await newCase(colleague);
  incidentId = expectStatus(
    await owner.http('POST', '/api/incidents', {
      occurredOn: '2026-10-03',
      offenceType: 'simple_bodily_harm',
      motives: ['antisemitism'],
      district: 'dortmund',
      affectedCount: 1,
      affectedMinors: 0,
      reportedToPolice: 'yes',
      source: 'affected_person',
      municipality: 'Dortmund-Nord',
      description: 'Angriff an der Haltestelle',
      caseIds: [theirs.id],
    }),
    201,
  ).id;
  appointmentId = expectStatus(
    await owner.http('POST', '/api/appointments', {
      start: '2026-11-24T09:00:00Z',
      end: '2026-11-24T10:00:00Z',
      kind: 'counselling_session',
      location: PLACE,
      note: 'Dolmetscherin bestellt',
      caseId: theirs.id,
    }),
    201,
  ).appointment.id;
});
afterAll(() => t.close());

/** What a call wrote to the access log after `since` (allowed events, as stored). */
async function writtenSince(since: bigint) {
  return withClient(t.database.superuserUrl, async (client) => {
    const result = await client.query(
      `SELECT action, outcome, case_number, reason, detail IS NOT NULL AS sealed
         FROM audit_events WHERE seq > $1 ORDER BY seq`,
      [String(since)],
    );
    return result.rows;
  });
}

/** Refused without a reason (403 access_reason_required, an event naming the case). */
async function expectReasonAsked(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  body?: object,
) {
  const since = await lastAuditSeq(t);
  const refused = expectStatus(await colleague.http(method as 'GET', url, body), 403);
  expect(refused.error, `${method} ${url}`).toBe('access_reason_required');
  expect(await writtenSince(since), `${method} ${url}`).toEqual([
    expect.objectContaining({
      outcome: 'denied',
      reason: 'access_reason_required',
      case_number: theirs.caseNumber,
    }),
  ]);
}

/** Works with a reason, which the event keeps sealed, marked `unassigned`, naming the case. */
async function expectReasonKept(since: bigint, action: string) {
  const events = (await writtenSince(since)).filter((row) => row.action === action);
  expect(events).toEqual([
    expect.objectContaining({
      outcome: 'allowed',
      case_number: theirs.caseNumber,
      reason: expect.stringMatching(/^unassigned/),
      sealed: true,
    }),
  ]);
}

describe('incidents of a colleague’s case', () => {
  it('asks for a reason to read the incident, and keeps it', async () => {
    await expectReasonAsked('GET', `/api/incidents/${incidentId}`);
    const since = await lastAuditSeq(t);
    const view = expectStatus(await reasoned.http('GET', `/api/incidents/${incidentId}`), 200);
    expect(view.description).toBe('Angriff an der Haltestelle');
    await expectReasonKept(since, 'incident.view');
  });

  it('asks for a reason to change it, and changes nothing without one', async () => {
    await expectReasonAsked('PATCH', `/api/incidents/${incidentId}`, { municipality: 'Bochum' });
    const view = expectStatus(await owner.http('GET', `/api/incidents/${incidentId}`), 200);
    expect(view.municipality).toBe('Dortmund-Nord');
  });

  it('asks for a reason to link it to (or unlink it from) the colleague’s own case', async () => {
    await expectReasonAsked('PUT', `/api/cases/${mine.id}/incidents/${incidentId}`, {});
    await expectReasonAsked('DELETE', `/api/cases/${mine.id}/incidents/${incidentId}`, {});
    const listed = expectStatus(
      await colleague.http('GET', `/api/cases/${mine.id}/incidents`),
      200,
    );
    expect(listed.incidents).toEqual([]);
  });
});

describe('appointments of a colleague’s case', () => {
  it('shows the team week view and a colleague’s calendar as slots, without place or note', async () => {
    for (const query of ['team=true', `counsellorId=${owner.user.id}`]) {
      const week = expectStatus(
        await colleague.http(
          'GET',
          `/api/appointments?${query}&from=2026-11-23T00:00:00Z&to=2026-11-30T00:00:00Z`,
        ),
        200,
      );
      expect(week.appointments, query).toEqual([
        expect.objectContaining({
          id: appointmentId,
          location: null,
          note: null,
          restricted: true,
          case: { id: theirs.id, caseNumber: theirs.caseNumber },
        }),
      ]);
    }
    const ownView = expectStatus(
      await owner.http(
        'GET',
        '/api/appointments?from=2026-11-23T00:00:00Z&to=2026-11-30T00:00:00Z',
      ),
      200,
    );
    expect(ownView.appointments[0]).toMatchObject({ location: PLACE, restricted: false });
  });

  it('asks for a reason to open one appointment, and keeps it', async () => {
    await expectReasonAsked('GET', `/api/appointments/${appointmentId}`);
    const since = await lastAuditSeq(t);
    const view = expectStatus(
      await reasoned.http('GET', `/api/appointments/${appointmentId}`),
      200,
    );
    expect(view.appointment.location).toBe(PLACE);
    await expectReasonKept(since, 'appointment.view');
  });

  it('asks for a reason to change, detach, take over or cancel it, and changes nothing', async () => {
    for (const patch of [
      { location: 'geändert' },
      { caseId: null },
      { counsellorId: colleague.user.id },
      { status: 'cancelled' },
    ]) {
      await expectReasonAsked('PATCH', `/api/appointments/${appointmentId}`, patch);
    }
    const stored = expectStatus(await owner.http('GET', `/api/appointments/${appointmentId}`), 200);
    expect(stored.appointment).toMatchObject({
      location: PLACE,
      status: 'scheduled',
      counsellor: { id: owner.user.id },
      case: { id: theirs.id },
    });
  });

  it('lets an appointment’s own counsellor work with it without a reason', async () => {
    // The owner books the colleague for a visit on the owner's case: it is the colleague's
    // appointment, so it shows whole in their calendar and they may move it.
    const booked = expectStatus(
      await owner.http('POST', '/api/appointments', {
        start: '2026-11-25T09:00:00Z',
        end: '2026-11-25T10:00:00Z',
        kind: 'other',
        location: PLACE,
        counsellorId: colleague.user.id,
        caseId: theirs.id,
      }),
      201,
    ).appointment;
    const view = expectStatus(await colleague.http('GET', `/api/appointments/${booked.id}`), 200);
    expect(view.appointment).toMatchObject({ location: PLACE, restricted: false });
    expectStatus(
      await colleague.http('PATCH', `/api/appointments/${booked.id}`, {
        end: '2026-11-25T10:30:00Z',
      }),
      200,
    );
    // Detaching it from the case is a change of the case's records: that needs the reason.
    await expectReasonAsked('PATCH', `/api/appointments/${booked.id}`, { caseId: null });
  });
});

describe('searching a colleague client’s real name', () => {
  const ids = (list: { cases: { id: string }[] }) => list.cases.map((c) => c.id);

  it('finds nothing without a reason, by POST or by GET', async () => {
    for (const q of [REAL_NAME, ` ${REAL_NAME.toLowerCase()} `]) {
      const found = expectStatus(
        await colleague.http('POST', '/api/cases/search', { q, limit: 10, offset: 0 }),
        200,
      );
      expect(found).toMatchObject({ cases: [], total: 0 });
    }
    const byGet = expectStatus(
      await colleague.http('GET', `/api/cases?q=${encodeURIComponent(REAL_NAME)}`),
      200,
    );
    expect(byGet.cases).toEqual([]);
  });

  it('finds the case for its own counsellor without a reason, and by pseudonym for anyone', async () => {
    const found = expectStatus(
      await owner.http('POST', '/api/cases/search', { q: REAL_NAME, limit: 10, offset: 0 }),
      200,
    );
    expect(ids(found)).toEqual([theirs.id]);
  });

  it('finds it with a reason, which the search event keeps for the case', async () => {
    const since = await lastAuditSeq(t);
    const found = expectStatus(
      await reasoned.http('POST', '/api/cases/search', { q: REAL_NAME, limit: 10, offset: 0 }),
      200,
    );
    expect(ids(found)).toEqual([theirs.id]);
    await expectReasonKept(since, 'case.search');
  });
});

describe('changing who a case belongs to', () => {
  it('asks a colleague for a reason to make themself co-counsellor or counsellor', async () => {
    await expectReasonAsked('PATCH', `/api/cases/${theirs.id}`, {
      coCounsellorId: colleague.user.id,
    });
    await expectReasonAsked('PATCH', `/api/cases/${theirs.id}`, {
      assignedCounsellorId: colleague.user.id,
    });
  });

  it('marks a self-assignment with a reason in the access log', async () => {
    const since = await lastAuditSeq(t);
    expectStatus(
      await reasoned.http('PATCH', `/api/cases/${theirs.id}`, {
        coCounsellorId: colleague.user.id,
      }),
      200,
    );
    await expectReasonKept(since, 'case.update');
    const [event] = (await writtenSince(since)).filter((row) => row.action === 'case.update');
    expect(event.reason).toBe('unassigned|self_assigned|changed:coCounsellorId');
  });

  it('asks the co-counsellor, too, for a reason to take the case over', async () => {
    await expectReasonAsked('PATCH', `/api/cases/${theirs.id}`, {
      assignedCounsellorId: colleague.user.id,
    });
    const view = expectStatus(await owner.http('GET', `/api/cases/${theirs.id}`), 200);
    expect(view.assignedCounsellor.id).toBe(owner.user.id);
    // Restore: the co-counsellor leaves again (the assigned counsellor needs no reason).
    expectStatus(
      await owner.http('PATCH', `/api/cases/${theirs.id}`, { coCounsellorId: null }),
      200,
    );
  });
});

describe('the access reason itself', () => {
  const openWith = (reason: string) =>
    colleague.http('GET', `/api/cases/${theirs.id}`, undefined, {
      'x-access-reason': encodeURIComponent(reason),
    });

  it('refuses control, invisible and bidi characters and reasons that say nothing', async () => {
    const before = await lastAuditSeq(t);
    for (const reason of [
      '.',
      '-',
      '\u0000',
      'Vertretung\u0000',
      '\u200B\u200B\u200B\u200B\u200B\u200B\u200B\u200B\u200B\u200B',
      'Vertre\u200Btung im Team',
      '\u202EmaeT mi gnuterterV',
      'Ver\u00ADtretung im Team',
      'kurz',
      '.........................',
    ]) {
      const body = expectStatus(await openWith(reason), 400);
      expect(body.error, JSON.stringify(reason)).toBe('access_reason_invalid');
    }
    // Refused before the case was touched: no event shows the case or keeps a reason.
    const after = await writtenSince(before);
    expect(after.filter((row) => row.sealed || row.case_number)).toEqual([]);
  });

  it('accepts a short real reason, and keeps line breaks as spaces', async () => {
    expectStatus(await openWith('Vertretung'), 200);
    expectStatus(await openWith('Rückruf\r\nder Klientin'), 200);
  });
});

describe('person data of a colleague’s case', () => {
  it('lets only the assigned counsellor make the case anonymous or clear a field', async () => {
    const coCounsellor = await newCounsellor(t, 'backup');
    expectStatus(
      await owner.http('PATCH', `/api/cases/${theirs.id}`, {
        coCounsellorId: coCounsellor.user.id,
      }),
      200,
    );
    for (const who of [reasoned, coCounsellor]) {
      for (const patch of [{ anonymous: true }, { person: { phone: null } }]) {
        const body = expectStatus(await who.http('PATCH', `/api/cases/${theirs.id}`, patch), 403);
        expect(body.error, JSON.stringify(patch)).toBe('assigned_counsellor_only');
      }
    }
    const view = expectStatus(await owner.http('GET', `/api/cases/${theirs.id}`), 200);
    expect(view.person).toMatchObject({ name: REAL_NAME, phone: '0170 1234567' });
    expect(view.anonymous).toBe(false);
  });

  it('lets a colleague save the whole person form when nothing recorded is emptied', async () => {
    // The case page sends every field, empty ones as null: empty stays empty, no wipe.
    const saved = expectStatus(
      await reasoned.http('PATCH', `/api/cases/${theirs.id}`, {
        anonymous: false,
        person: {
          pseudonym: 'Falke Neu',
          name: REAL_NAME,
          phone: '0170 7654321',
          email: 'aylin@example.org',
          address: null,
          preferredLanguage: null,
          interpreterNeeded: null,
          safeContact: null,
        },
      }),
      200,
    );
    expect(saved.person).toMatchObject({ pseudonym: 'Falke Neu', phone: '0170 7654321' });
  });

  it('keeps the fields a partial person change does not name', async () => {
    const saved = expectStatus(
      await owner.http('PATCH', `/api/cases/${theirs.id}`, { person: { pseudonym: 'Falke Alt' } }),
      200,
    );
    expect(saved.person).toMatchObject({
      pseudonym: 'Falke Alt',
      name: REAL_NAME,
      phone: '0170 7654321',
      email: 'aylin@example.org',
    });
  });

  it('lets the assigned counsellor make the case anonymous', async () => {
    const saved = expectStatus(
      await owner.http('PATCH', `/api/cases/${theirs.id}`, { anonymous: true }),
      200,
    );
    expect(saved).toMatchObject({ anonymous: true, person: { name: null } });
  });
});

describe('every read of a case’s records in the route table', () => {
  it('asks a colleague for a reason on each, so a route added later is covered too', async () => {
    // Every GET route about one case, incident or appointment, with the colleague's records.
    const ids: Record<string, string> = {
      '/api/cases/:id': theirs.id,
      '/api/incidents/:id': incidentId,
      '/api/appointments/:id': appointmentId,
    };
    const routes = t.app.routeTable.filter(
      (route) =>
        route.method === 'GET' && Object.keys(ids).some((prefix) => route.url.startsWith(prefix)),
    );
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      const prefix = Object.keys(ids).find((p) => route.url.startsWith(p))!;
      const url = route.url.replace(prefix, prefix.replace(':id', ids[prefix]!));
      if (url.includes('/:')) continue; // a record below the case: reached through the case
      const refused = await colleague.http('GET', url);
      expect(refused.statusCode, `${route.method} ${route.url}: ${refused.body}`).toBe(403);
      expect(refused.json().error, route.url).toBe('access_reason_required');
    }
  });
});

import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { auditEvents, lastAuditSeq } from '../support/access-log-queries.ts';
import { expectStatus, newCase, withReason, startTeam, type Staff } from '../support/case-work.ts';
import { fakePdf, uploadForm } from '../support/documents.ts';

// david is a colleague of clara's.
const { t, lead, anna, clara, ...colleague } = await startTeam({
  lead: 'team_lead:backup',
  anna: 'backup',
  clara: 'comeback',
  david: 'comeback',
});
const david = withReason(colleague.david, 'Vier-Augen-Prüfung');
afterAll(() => t.close());

interface ExpectedEvent {
  action: string;
  outcome?: string;
  targetType: string | null;
  targetId?: string | null;
  caseNumber?: string | null;
  reason?: string | null;
}

const covered = new Set<string>();

/**
 * Runs one request and checks that it wrote exactly one access-log event, with the actor of
 * the request (or none, for the public feed) and the expected content. Never the query text.
 */
async function expectOneEvent(
  route: string,
  who: Staff | null,
  request: () => Promise<LightMyRequestResponse>,
  status: number,
  expected: ExpectedEvent,
) {
  const before = await lastAuditSeq(t);
  const response = await request();
  expect(response.statusCode, `${route}: ${response.body}`).toBe(status);
  const events = await auditEvents(t, { sinceSeq: before });
  expect(events, route).toHaveLength(1);
  expect(events[0], route).toMatchObject({
    actorId: who?.user.id ?? null,
    actorService: who?.user.service ?? null,
    outcome: 'allowed',
    ...expected,
  });
  covered.add(route);
  const json = String(response.headers['content-type']).startsWith('application/json');
  return json ? response.json() : response.body;
}

describe('the access log of case work', () => {
  it('records exactly one event for every read and write of case data', async () => {
    // BackUp: a case and everything about it.
    const created = await expectOneEvent(
      'POST /api/cases',
      anna,
      () => anna.http('POST', '/api/cases', { person: { pseudonym: 'Star', name: 'Vera Vogel' } }),
      201,
      { action: 'case.create', targetType: 'case' },
    );
    const { id, caseNumber } = created as { id: string; caseNumber: string };
    const onCase = { targetType: 'case', targetId: id, caseNumber };

    await expectOneEvent(
      'GET /api/cases/:id',
      anna,
      () => anna.http('GET', `/api/cases/${id}`),
      200,
      {
        action: 'case.view',
        ...onCase,
      },
    );
    await expectOneEvent(
      'PATCH /api/cases/:id',
      anna,
      () => anna.http('PATCH', `/api/cases/${id}`, { summary: 'neu', person: { phone: '1' } }),
      200,
      { action: 'case.update', ...onCase, reason: 'changed:person.phone,summary' },
    );
    await expectOneEvent('GET /api/cases', anna, () => anna.http('GET', '/api/cases'), 200, {
      action: 'case.list',
      targetType: 'case_list',
      targetId: caseNumber,
      caseNumber: null,
    });
    await expectOneEvent(
      'POST /api/cases/search',
      anna,
      () => anna.http('POST', '/api/cases/search', { q: 'Vera Vogel' }),
      200,
      { action: 'case.search', targetType: 'case_list', targetId: caseNumber, reason: null },
    );
    await expectOneEvent(
      'POST /api/cases/search (nothing found)',
      anna,
      () => anna.http('POST', '/api/cases/search', { q: 'Niemand Bekannt' }),
      200,
      { action: 'case.search', targetType: 'case_list', targetId: null, reason: null },
    );
    const note = await expectOneEvent(
      'POST /api/cases/:id/notes',
      anna,
      () => anna.http('POST', `/api/cases/${id}/notes`, { kind: 'other', body: 'Notiz' }),
      201,
      { action: 'note.create', ...onCase },
    );
    await expectOneEvent(
      'POST /api/cases/:id/notes/:noteId/amendments',
      anna,
      () =>
        anna.http('POST', `/api/cases/${id}/notes/${note.id}/amendments`, { body: 'Korrektur' }),
      201,
      { action: 'note.amend', ...onCase },
    );
    await expectOneEvent(
      'GET /api/cases/:id/notes',
      anna,
      () => anna.http('GET', `/api/cases/${id}/notes`),
      200,
      { action: 'note.list', ...onCase },
    );
    const incident = await expectOneEvent(
      'POST /api/incidents',
      anna,
      () =>
        anna.http('POST', '/api/incidents', {
          occurredOn: '2026-10-03',
          offenceType: 'arson',
          motives: ['other'],
          district: 'bochum',
          affectedCount: 1,
          affectedMinors: 0,
          reportedToPolice: 'no',
          source: 'partners',
        }),
      201,
      { action: 'incident.create', targetType: 'incident' },
    );
    await expectOneEvent(
      'GET /api/incidents/:id',
      anna,
      () => anna.http('GET', `/api/incidents/${incident.id}`),
      200,
      { action: 'incident.view', targetType: 'incident', targetId: incident.id },
    );
    await expectOneEvent(
      'PATCH /api/incidents/:id',
      anna,
      () => anna.http('PATCH', `/api/incidents/${incident.id}`, { source: 'press' }),
      200,
      {
        action: 'incident.update',
        targetType: 'incident',
        targetId: incident.id,
        reason: 'changed:source',
      },
    );
    await expectOneEvent(
      'PUT /api/cases/:id/incidents/:incidentId',
      anna,
      () => anna.http('PUT' as 'POST', `/api/cases/${id}/incidents/${incident.id}`, {}),
      204,
      { action: 'incident.link', ...onCase },
    );
    await expectOneEvent(
      'GET /api/incidents',
      anna,
      () => anna.http('GET', '/api/incidents'),
      200,
      { action: 'incident.list', targetType: 'case_list', targetId: caseNumber, reason: 'shown:1' },
    );
    await expectOneEvent(
      'GET /api/cases/:id/incidents',
      anna,
      () => anna.http('GET', `/api/cases/${id}/incidents`),
      200,
      { action: 'incident.list', ...onCase },
    );
    const chronicleEntry = await expectOneEvent(
      'PUT /api/incidents/:id/chronicle',
      anna,
      () =>
        anna.http('PUT', `/api/incidents/${incident.id}/chronicle`, {
          consentBy: 'die betroffene Person',
          consentForm: 'written',
          consentOn: '2026-10-05',
          datePrecision: 'month',
          placePrecision: 'district',
          publicText: 'Ein Angriff.',
        }),
      200,
      {
        action: 'chronicle.save',
        targetType: 'incident',
        targetId: incident.id,
        caseNumber,
        reason: 'created',
      },
    );
    await expectOneEvent(
      'GET /api/incidents/:id/chronicle',
      anna,
      () => anna.http('GET', `/api/incidents/${incident.id}/chronicle`),
      200,
      { action: 'chronicle.view', targetType: 'incident', targetId: incident.id, caseNumber },
    );
    await expectOneEvent(
      'GET /api/chronicle',
      anna,
      () => anna.http('GET', '/api/chronicle'),
      200,
      { action: 'chronicle.list', targetType: 'chronicle', reason: 'shown:1' },
    );
    const onEntry = { targetType: 'chronicle_entry', targetId: chronicleEntry.id };
    await expectOneEvent(
      'GET /api/chronicle/:id',
      anna,
      () => anna.http('GET', `/api/chronicle/${chronicleEntry.id}`),
      200,
      { action: 'chronicle.view', ...onEntry },
    );
    const seenEntry = expectStatus(
      await lead.http('GET', `/api/chronicle/${chronicleEntry.id}`),
      200,
    );
    await expectOneEvent(
      'POST /api/chronicle/:id/approval',
      lead,
      () =>
        lead.http('POST', `/api/chronicle/${chronicleEntry.id}/approval`, {
          seenUpdatedAt: seenEntry.updatedAt,
        }),
      200,
      { action: 'chronicle.approve', ...onEntry },
    );
    await expectOneEvent(
      'POST /api/chronicle/:id/withdrawal',
      anna,
      () => anna.http('POST', `/api/chronicle/${chronicleEntry.id}/withdrawal`, {}),
      200,
      { action: 'chronicle.withdraw', ...onEntry },
    );
    await expectOneEvent(
      'DELETE /api/cases/:id/incidents/:incidentId',
      anna,
      () => anna.http('DELETE', `/api/cases/${id}/incidents/${incident.id}`, {}),
      204,
      { action: 'incident.unlink', ...onCase },
    );
    const accompaniment = await expectOneEvent(
      'POST /api/cases/:id/accompaniments',
      anna,
      () =>
        anna.http('POST', `/api/cases/${id}/accompaniments`, {
          kind: 'police_interview',
          takesPlaceOn: '2026-11-30',
          role: 'witness',
        }),
      201,
      { action: 'accompaniment.create', ...onCase },
    );
    await expectOneEvent(
      'PATCH /api/cases/:id/accompaniments/:recordId',
      anna,
      () =>
        anna.http('PATCH', `/api/cases/${id}/accompaniments/${accompaniment.id}`, {
          outcome: 'Aussage gemacht',
        }),
      200,
      { action: 'accompaniment.update', ...onCase, reason: 'changed:outcome' },
    );
    await expectOneEvent(
      'GET /api/cases/:id/accompaniments',
      anna,
      () => anna.http('GET', `/api/cases/${id}/accompaniments`),
      200,
      { action: 'accompaniment.list', ...onCase },
    );
    const followUp = await expectOneEvent(
      'POST /api/cases/:id/follow-ups',
      anna,
      () =>
        anna.http('POST', `/api/cases/${id}/follow-ups`, { dueOn: '2026-11-30', body: 'Anrufen' }),
      201,
      { action: 'follow_up.create', ...onCase },
    );
    await expectOneEvent(
      'PATCH /api/cases/:id/follow-ups/:recordId',
      anna,
      () => anna.http('PATCH', `/api/cases/${id}/follow-ups/${followUp.id}`, { done: true }),
      200,
      { action: 'follow_up.update', ...onCase },
    );
    await expectOneEvent(
      'GET /api/cases/:id/follow-ups',
      anna,
      () => anna.http('GET', `/api/cases/${id}/follow-ups`),
      200,
      { action: 'follow_up.list', ...onCase },
    );
    await expectOneEvent(
      'GET /api/workplace',
      anna,
      () => anna.http('GET', '/api/workplace'),
      200,
      { action: 'workplace.view', targetType: 'case_list' },
    );
    const form = uploadForm(
      { title: 'Strafanzeige', kind: 'police_report', documentDate: '2026-11-02' },
      { bytes: fakePdf(4096, 'AUDIT-MARKER') },
    );
    const document = await expectOneEvent(
      'POST /api/cases/:id/documents',
      anna,
      () => anna.http('POST', `/api/cases/${id}/documents`, form.payload, form.headers),
      201,
      { action: 'document.upload', ...onCase },
    );
    await expectOneEvent(
      'GET /api/cases/:id/documents',
      anna,
      () => anna.http('GET', `/api/cases/${id}/documents`),
      200,
      { action: 'document.list', ...onCase },
    );
    await expectOneEvent(
      'GET /api/cases/:id/documents/:documentId/content',
      anna,
      () => anna.http('GET', `/api/cases/${id}/documents/${document.id}/content`),
      200,
      { action: 'document.download', ...onCase },
    );
    const claim = await expectOneEvent(
      'POST /api/cases/:id/compensation-claims',
      anna,
      () => anna.http('POST', `/api/cases/${id}/compensation-claims`, { status: 'planned' }),
      201,
      { action: 'claim.create', ...onCase },
    );
    await expectOneEvent(
      'PATCH /api/cases/:id/compensation-claims/:recordId',
      anna,
      () =>
        anna.http('PATCH', `/api/cases/${id}/compensation-claims/${claim.id}`, { status: 'filed' }),
      200,
      { action: 'claim.update', ...onCase, reason: 'changed:status' },
    );
    await expectOneEvent(
      'GET /api/cases/:id/compensation-claims',
      anna,
      () => anna.http('GET', `/api/cases/${id}/compensation-claims`),
      200,
      { action: 'claim.list', ...onCase },
    );
    await expectOneEvent(
      'POST /api/cases/:id/referrals',
      anna,
      () =>
        anna.http('POST', `/api/cases/${id}/referrals`, {
          target: 'lawyer',
          referredOn: '2026-11-02',
          consentForm: 'written',
          consentOn: '2026-11-02',
        }),
      201,
      { action: 'referral.create', ...onCase },
    );
    await expectOneEvent(
      'GET /api/cases/:id/referrals',
      anna,
      () => anna.http('GET', `/api/cases/${id}/referrals`),
      200,
      { action: 'referral.list', ...onCase },
    );
    const saved = await expectOneEvent(
      'POST /api/appointments',
      anna,
      () =>
        anna.http('POST', '/api/appointments', {
          start: '2026-11-30T10:00:00Z',
          end: '2026-11-30T11:00:00Z',
          kind: 'police_interview',
          caseId: id,
        }),
      201,
      { action: 'appointment.create', targetType: 'appointment', caseNumber },
    );
    const appointmentId = saved.appointment.id as string;
    await expectOneEvent(
      'GET /api/appointments/:id',
      anna,
      () => anna.http('GET', `/api/appointments/${appointmentId}`),
      200,
      { action: 'appointment.view', targetType: 'appointment', targetId: appointmentId },
    );
    await expectOneEvent(
      'PATCH /api/appointments/:id',
      anna,
      () => anna.http('PATCH', `/api/appointments/${appointmentId}`, { kind: 'court_hearing' }),
      200,
      {
        action: 'appointment.update',
        targetType: 'appointment',
        targetId: appointmentId,
        reason: 'changed:kind',
      },
    );
    await expectOneEvent(
      'GET /api/appointments',
      anna,
      () => anna.http('GET', '/api/appointments?from=2026-11-30T00:00:00Z&to=2026-12-07T00:00:00Z'),
      200,
      {
        action: 'appointment.list',
        targetType: 'case_list',
        targetId: caseNumber,
        reason: 'shown:1',
      },
    );
    await expectOneEvent(
      'GET /api/cases/:id/appointments',
      anna,
      () => anna.http('GET', `/api/cases/${id}/appointments`),
      200,
      { action: 'appointment.list', ...onCase },
    );
    // Lifecycle: legal hold and subject-access export.
    await expectOneEvent(
      'POST /api/cases/:id/legal-hold',
      anna,
      () => anna.http('POST', `/api/cases/${id}/legal-hold`, { reason: 'Verfahren läuft' }),
      200,
      { action: 'case.legal_hold.set', ...onCase },
    );
    await expectOneEvent(
      'GET /api/cases/:id/legal-hold',
      anna,
      () => anna.http('GET', `/api/cases/${id}/legal-hold`),
      200,
      { action: 'case.legal_hold.view', ...onCase },
    );
    await expectOneEvent(
      'POST /api/cases/:id/legal-hold/lift',
      anna,
      () => anna.http('POST', `/api/cases/${id}/legal-hold/lift`, {}),
      200,
      { action: 'case.legal_hold.lift', ...onCase },
    );
    await expectOneEvent(
      'GET /api/cases/:id/export',
      anna,
      () => anna.http('GET', `/api/cases/${id}/export`),
      200,
      { action: 'case.export', ...onCase },
    );
    await expectOneEvent(
      'GET /api/counsellors',
      anna,
      () => anna.http('GET', '/api/counsellors'),
      200,
      { action: 'staff.counsellor_list', targetType: 'service', targetId: 'backup' },
    );
    const own = { targetType: 'user', targetId: anna.user.id };
    await expectOneEvent(
      'GET /api/calendar/feed-token',
      anna,
      () => anna.http('GET', '/api/calendar/feed-token'),
      200,
      { action: 'calendar.feed_status', ...own },
    );
    const feed = await expectOneEvent(
      'POST /api/calendar/feed-token',
      anna,
      () => anna.http('POST', '/api/calendar/feed-token', {}),
      201,
      { action: 'calendar.feed_create', ...own },
    );
    await expectOneEvent(
      'GET /api/calendar/feed.ics',
      null,
      () => t.app.inject({ method: 'GET', url: feed.path }),
      200,
      { action: 'calendar.feed_read', ...own },
    );
    await expectOneEvent(
      'DELETE /api/calendar/feed-token',
      anna,
      () => anna.http('DELETE', '/api/calendar/feed-token', {}),
      204,
      { action: 'calendar.feed_revoke', ...own },
    );

    // ComeBack: the exit process and prevention work.
    const cb = await newCase(clara);
    const onCb = { targetType: 'case', targetId: cb.id, caseNumber: cb.caseNumber };
    await expectOneEvent(
      'POST /api/cases/:id/exit-phases',
      clara,
      () => clara.http('POST', `/api/cases/${cb.id}/exit-phases`, { phase: 'distancing' }),
      201,
      { action: 'exit_phase.change', ...onCb },
    );
    await expectOneEvent(
      'GET /api/cases/:id/exit-phases',
      clara,
      () => clara.http('GET', `/api/cases/${cb.id}/exit-phases`),
      200,
      { action: 'exit_phase.list', ...onCb },
    );
    const risk = await expectOneEvent(
      'POST /api/cases/:id/risk-assessments',
      clara,
      () => clara.http('POST', `/api/cases/${cb.id}/risk-assessments`, { level: 'medium' }),
      201,
      { action: 'risk.assess', ...onCb, reason: 'awaiting_confirmation' },
    );
    await expectOneEvent(
      'POST /api/cases/:id/risk-assessments/:assessmentId/decision',
      david,
      () =>
        david.http('POST', `/api/cases/${cb.id}/risk-assessments/${risk.id}/decision`, {
          decision: 'confirmed',
        }),
      200,
      { action: 'risk.confirm', ...onCb },
    );
    await expectOneEvent(
      'GET /api/cases/:id/risk-assessments',
      clara,
      () => clara.http('GET', `/api/cases/${cb.id}/risk-assessments`),
      200,
      { action: 'risk.list', ...onCb },
    );
    await expectOneEvent(
      'POST /api/prevention-contacts',
      clara,
      () =>
        clara.http('POST', '/api/prevention-contacts', {
          heldOn: '2026-11-02',
          setting: 'school',
          participants: 3,
        }),
      201,
      { action: 'prevention.create', targetType: 'prevention_contact' },
    );
    await expectOneEvent(
      'GET /api/prevention-contacts',
      clara,
      () => clara.http('GET', '/api/prevention-contacts'),
      200,
      { action: 'prevention.list', targetType: 'prevention_contact' },
    );
    await expectOneEvent(
      'POST /api/trainings',
      clara,
      () =>
        clara.http('POST', '/api/trainings', {
          heldOn: '2026-11-02',
          format: 'workshop',
          audience: 'police_justice',
          participants: 12,
        }),
      201,
      { action: 'training.create', targetType: 'training' },
    );
    await expectOneEvent(
      'GET /api/trainings',
      clara,
      () => clara.http('GET', '/api/trainings'),
      200,
      { action: 'training.list', targetType: 'training' },
    );

    const caseWorkRoutes = t.app.routeTable
      .filter(
        (route) =>
          (Array.isArray(route.access) && (route.access as string[]).includes('counsellor')) ||
          route.url.startsWith('/api/calendar/'),
      )
      .map((route) => `${route.method} ${route.url}`);
    expect(caseWorkRoutes.filter((route) => !covered.has(route))).toEqual([]);
  });

  it('records a denial for another service’s case, the same as for a missing one', async () => {
    const theirs = await newCase(clara);
    const missing = randomUUID();
    for (const target of [theirs.id, missing]) {
      await expectOneEvent(
        'GET /api/cases/:id (denied)',
        anna,
        () => anna.http('GET', `/api/cases/${target}`),
        404,
        {
          action: 'case.view',
          outcome: 'denied',
          targetType: 'case',
          targetId: target,
          caseNumber: null,
          reason: 'not_found',
        },
      );
    }
  });

  it('names only the fields whose value an update really changed', async () => {
    const created = expectStatus(
      await anna.http('POST', '/api/cases', {
        person: { pseudonym: 'Lark', name: 'Lea Lerche', address: 'Hafenstraße 1', phone: '2' },
        summary: 'alt',
      }),
      201,
    ) as { id: string; person: Record<string, unknown> };
    const reasonOf = async (patch: object) => {
      const before = await lastAuditSeq(t);
      expectStatus(await anna.http('PATCH', `/api/cases/${created.id}`, patch), 200);
      const [event] = await auditEvents(t, { sinceSeq: before, action: 'case.update' });
      return event?.reason;
    };
    // A form sends every field again; only the summary differs.
    expect(await reasonOf({ anonymous: false, summary: 'neu', person: created.person })).toBe(
      'changed:summary',
    );
    expect(await reasonOf({ summary: 'neu', person: { address: 'Hafenstraße 1' } })).toBe(
      'unchanged',
    );
    // Anonymous mode deletes the name as well: both changed, though only one was sent.
    expect(await reasonOf({ anonymous: true, person: { phone: '2' } })).toBe(
      'changed:anonymous,person.name',
    );

    // The same for an appointment sent again whole, with one new place.
    const slot = { start: '2026-12-03T10:00:00Z', end: '2026-12-03T11:00:00Z' };
    const { appointment } = expectStatus(
      await anna.http('POST', '/api/appointments', {
        ...slot,
        kind: 'counselling_session',
        location: 'Büro',
      }),
      201,
    ) as { appointment: { id: string } };
    const before = await lastAuditSeq(t);
    expectStatus(
      await anna.http('PATCH', `/api/appointments/${appointment.id}`, {
        ...slot,
        kind: 'counselling_session',
        location: 'Café',
      }),
      200,
    );
    const [event] = await auditEvents(t, { sinceSeq: before, action: 'appointment.update' });
    expect(event?.reason).toBe('changed:location');
  });

  it('records no event for a request refused by its schema (nothing was read or written)', async () => {
    const before = await lastAuditSeq(t);
    expectStatus(await anna.http('POST', '/api/cases', { person: {} }), 400);
    expect(await auditEvents(t, { sinceSeq: before })).toEqual([]);
  });
});

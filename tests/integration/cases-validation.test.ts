import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, newCase, snapshot, startTeam } from '../support/case-work.ts';

const ids: Record<string, string> = {};

const { t, anna, clara } = await startTeam({ anna: 'backup', clara: 'comeback' });
beforeAll(async () => {
  ids.case = (await newCase(anna)).id;
  ids.cbCase = (await newCase(clara)).id;
  ids.note = expectStatus(
    await anna.http('POST', `/api/cases/${ids.case}/notes`, { kind: 'other', body: 'n' }),
    201,
  ).id;
  ids.incident = expectStatus(
    await anna.http('POST', '/api/incidents', {
      occurredOn: '2026-10-03',
      offenceType: 'arson',
      motives: ['other'],
      district: 'herne',
      affectedCount: 1,
      affectedMinors: 0,
      reportedToPolice: 'no',
      source: 'press',
    }),
    201,
  ).id;
  ids.accompaniment = expectStatus(
    await anna.http('POST', `/api/cases/${ids.case}/accompaniments`, {
      kind: 'court_hearing',
      takesPlaceOn: '2026-12-01',
      role: 'witness',
    }),
    201,
  ).id;
  ids.claim = expectStatus(
    await anna.http('POST', `/api/cases/${ids.case}/compensation-claims`, { status: 'planned' }),
    201,
  ).id;
  ids.risk = expectStatus(
    await clara.http('POST', `/api/cases/${ids.cbCase}/risk-assessments`, { level: 'high' }),
    201,
  ).id;
  ids.appointment = expectStatus(
    await anna.http('POST', '/api/appointments', {
      start: '2026-12-01T10:00:00Z',
      end: '2026-12-01T11:00:00Z',
      kind: 'other',
    }),
    201,
  ).appointment.id;
});
afterAll(() => t.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One bad request per case-work route, and a word the error message must contain. */
const badRequests = (): [
  string,
  'anna' | 'clara',
  Method,
  string,
  object | undefined,
  string,
][] => [
  ['GET /api/cases', 'anna', 'GET', '/api/cases?status=lost', undefined, 'status'],
  ['POST /api/cases/search', 'anna', 'POST', '/api/cases/search', { q: 'x', limit: 0 }, 'limit'],
  [
    'POST /api/cases',
    'anna',
    'POST',
    '/api/cases',
    { person: { pseudonym: 'x', age: 3 } },
    'additional',
  ],
  ['GET /api/cases/:id', 'anna', 'GET', '/api/cases/1234', undefined, 'params/id'],
  [
    'PATCH /api/cases/:id',
    'anna',
    'PATCH',
    `/api/cases/${ids.case}`,
    { openedOn: '2026-02-30' },
    'openedOn',
  ],
  [
    'GET /api/cases/:id/notes',
    'anna',
    'GET',
    `/api/cases/${ids.case}/notes?offset=-1`,
    undefined,
    'offset',
  ],
  [
    'POST /api/cases/:id/notes',
    'anna',
    'POST',
    `/api/cases/${ids.case}/notes`,
    { kind: 'other' },
    'body',
  ],
  [
    'POST /api/cases/:id/notes/:noteId/amendments',
    'anna',
    'POST',
    `/api/cases/${ids.case}/notes/${ids.note}/amendments`,
    { body: 'x', amendsNoteId: ids.note },
    'additional',
  ],
  [
    'GET /api/cases/:id/appointments',
    'anna',
    'GET',
    '/api/cases/nope/appointments',
    undefined,
    'params/id',
  ],
  [
    'GET /api/cases/:id/legal-hold',
    'anna',
    'GET',
    '/api/cases/nope/legal-hold',
    undefined,
    'params/id',
  ],
  [
    'POST /api/cases/:id/legal-hold',
    'anna',
    'POST',
    `/api/cases/${ids.case}/legal-hold`,
    { reason: '' },
    'reason',
  ],
  [
    'POST /api/cases/:id/legal-hold/lift',
    'anna',
    'POST',
    `/api/cases/${ids.case}/legal-hold/lift`,
    { everything: true },
    'additional',
  ],
  ['GET /api/cases/:id/export', 'anna', 'GET', '/api/cases/nope/export', undefined, 'params/id'],
  ['GET /api/counsellors', 'anna', 'GET', '/api/counsellors/x', undefined, 'No route'],
  [
    'GET /api/cases/:id/incidents',
    'anna',
    'GET',
    '/api/cases/nope/incidents',
    undefined,
    'params/id',
  ],
  [
    'PUT /api/cases/:id/incidents/:incidentId',
    'anna',
    'PUT',
    `/api/cases/${ids.case}/incidents/${ids.incident}`,
    { force: true },
    'additional',
  ],
  [
    'DELETE /api/cases/:id/incidents/:incidentId',
    'anna',
    'DELETE',
    `/api/cases/${ids.case}/incidents/nope`,
    {},
    'params/incidentId',
  ],
  ['GET /api/incidents', 'anna', 'GET', '/api/incidents?district=berlin', undefined, 'district'],
  [
    'POST /api/incidents',
    'anna',
    'POST',
    '/api/incidents',
    { occurredOn: '2026-10-03' },
    'required',
  ],
  ['GET /api/incidents/:id', 'anna', 'GET', '/api/incidents/nope', undefined, 'params/id'],
  [
    'PATCH /api/incidents/:id',
    'anna',
    'PATCH',
    `/api/incidents/${ids.incident}`,
    { affectedMinors: -1 },
    'affectedMinors',
  ],
  [
    'GET /api/incidents/:id/chronicle',
    'anna',
    'GET',
    '/api/incidents/nope/chronicle',
    undefined,
    'params/id',
  ],
  [
    'PUT /api/incidents/:id/chronicle',
    'anna',
    'PUT',
    `/api/incidents/${ids.incident}/chronicle`,
    {
      consentBy: 'x',
      consentForm: 'verbal',
      consentOn: '2026-10-05',
      datePrecision: 'week',
      placePrecision: 'district',
      publicText: 'x',
    },
    'datePrecision',
  ],
  ['GET /api/chronicle', 'anna', 'GET', '/api/chronicle?state=published', undefined, 'state'],
  ['GET /api/chronicle/:id', 'anna', 'GET', '/api/chronicle/nope', undefined, 'params/id'],
  [
    'POST /api/chronicle/:id/approval',
    'anna',
    'POST',
    '/api/chronicle/nope/approval',
    {},
    'params/id',
  ],
  [
    'POST /api/chronicle/:id/withdrawal',
    'anna',
    'POST',
    '/api/chronicle/nope/withdrawal',
    {},
    'params/id',
  ],
  [
    'GET /api/cases/:id/accompaniments',
    'anna',
    'GET',
    '/api/cases/nope/accompaniments',
    undefined,
    'params/id',
  ],
  [
    'POST /api/cases/:id/accompaniments',
    'anna',
    'POST',
    `/api/cases/${ids.case}/accompaniments`,
    { kind: 'court_hearing', role: 'witness' },
    'takesPlaceOn',
  ],
  [
    'PATCH /api/cases/:id/accompaniments/:recordId',
    'anna',
    'PATCH',
    `/api/cases/${ids.case}/accompaniments/${ids.accompaniment}`,
    { role: 'judge' },
    'role',
  ],
  [
    'GET /api/cases/:id/compensation-claims',
    'anna',
    'GET',
    '/api/cases/nope/compensation-claims',
    undefined,
    'params/id',
  ],
  [
    'POST /api/cases/:id/compensation-claims',
    'anna',
    'POST',
    `/api/cases/${ids.case}/compensation-claims`,
    { status: 'planned', filedOn: 'soon' },
    'filedOn',
  ],
  [
    'PATCH /api/cases/:id/compensation-claims/:recordId',
    'anna',
    'PATCH',
    `/api/cases/${ids.case}/compensation-claims/${ids.claim}`,
    {},
    'fewer than 1',
  ],
  [
    'GET /api/cases/:id/referrals',
    'anna',
    'GET',
    '/api/cases/nope/referrals',
    undefined,
    'params/id',
  ],
  [
    'POST /api/cases/:id/referrals',
    'anna',
    'POST',
    `/api/cases/${ids.case}/referrals`,
    { target: 'lawyer' },
    'required',
  ],
  [
    'GET /api/cases/:id/exit-phases',
    'clara',
    'GET',
    '/api/cases/nope/exit-phases',
    undefined,
    'params/id',
  ],
  [
    'POST /api/cases/:id/exit-phases',
    'clara',
    'POST',
    `/api/cases/${ids.cbCase}/exit-phases`,
    { phase: 'help_plan', helpPlanAreas: ['yachts'] },
    'helpPlanAreas',
  ],
  [
    'GET /api/cases/:id/risk-assessments',
    'clara',
    'GET',
    '/api/cases/nope/risk-assessments',
    undefined,
    'params/id',
  ],
  [
    'POST /api/cases/:id/risk-assessments',
    'clara',
    'POST',
    `/api/cases/${ids.cbCase}/risk-assessments`,
    { level: 'high', safetyMeasures: 'x'.repeat(5_001) },
    'safetyMeasures',
  ],
  [
    'POST /api/cases/:id/risk-assessments/:assessmentId/decision',
    'clara',
    'POST',
    `/api/cases/${ids.cbCase}/risk-assessments/${ids.risk}/decision`,
    { decision: 'pending' },
    'decision',
  ],
  [
    'GET /api/prevention-contacts',
    'clara',
    'GET',
    '/api/prevention-contacts?from=yesterday',
    undefined,
    'from',
  ],
  [
    'POST /api/prevention-contacts',
    'clara',
    'POST',
    '/api/prevention-contacts',
    { heldOn: '2026-11-01', setting: 'school', participants: 1.5 },
    'participants',
  ],
  ['GET /api/trainings', 'clara', 'GET', '/api/trainings?limit=1000', undefined, 'limit'],
  [
    'POST /api/trainings',
    'clara',
    'POST',
    '/api/trainings',
    { heldOn: '2026-11-01', format: 'workshop', audience: 'other' },
    'participants',
  ],
  [
    'GET /api/appointments',
    'anna',
    'GET',
    '/api/appointments?from=2026-11-01T00:00:00Z&to=2026-11-02',
    undefined,
    'to',
  ],
  [
    'POST /api/appointments',
    'anna',
    'POST',
    '/api/appointments',
    { start: '2026-12-01T10:00:00Z', end: '2026-12-01T11:00:00Z' },
    'kind',
  ],
  ['GET /api/appointments/:id', 'anna', 'GET', '/api/appointments/nope', undefined, 'params/id'],
  [
    'PATCH /api/appointments/:id',
    'anna',
    'PATCH',
    `/api/appointments/${ids.appointment}`,
    { status: 'done' },
    'status',
  ],
  [
    'GET /api/calendar/feed-token',
    'anna',
    'GET',
    '/api/calendar/feed-token/x',
    undefined,
    'No route',
  ],
  [
    'POST /api/calendar/feed-token',
    'anna',
    'POST',
    '/api/calendar/feed-token',
    { forever: true },
    'additional',
  ],
  [
    'DELETE /api/calendar/feed-token',
    'anna',
    'DELETE',
    '/api/calendar/feed-token',
    { everyone: true },
    'additional',
  ],
  ['GET /api/calendar/feed.ics', 'anna', 'GET', '/api/calendar/feed.ics', undefined, 'token'],
  [
    'GET /api/cases/:id/documents',
    'anna',
    'GET',
    '/api/cases/nope/documents',
    undefined,
    'params/id',
  ],
  [
    'POST /api/cases/:id/documents',
    'anna',
    'POST',
    `/api/cases/${ids.case}/documents`,
    { title: 'kein Formular' },
    'multipart',
  ],
  [
    'GET /api/cases/:id/documents/:documentId/content',
    'anna',
    'GET',
    `/api/cases/${ids.case}/documents/nope/content`,
    undefined,
    'params/documentId',
  ],
  [
    'GET /api/cases/:id/follow-ups',
    'anna',
    'GET',
    '/api/cases/nope/follow-ups',
    undefined,
    'params/id',
  ],
  [
    'POST /api/cases/:id/follow-ups',
    'anna',
    'POST',
    `/api/cases/${ids.case}/follow-ups`,
    { dueOn: 'bald', body: 'Anrufen' },
    'dueOn',
  ],
  [
    'PATCH /api/cases/:id/follow-ups/:recordId',
    'anna',
    'PATCH',
    `/api/cases/${ids.case}/follow-ups/nope`,
    { done: true },
    'params/recordId',
  ],
  ['GET /api/workplace', 'anna', 'GET', '/api/workplace?week=next', undefined, 'querystring'],
];

describe('bad input to every case-work route', () => {
  it('answers 400 (404 for a path that does not exist) with a message naming the problem, and stores nothing', async () => {
    const before = await snapshot(t);
    const covered = new Set<string>();
    for (const [route, who, method, url, payload, word] of badRequests()) {
      const http = (who === 'anna' ? anna : clara).http;
      const response = await http(method as 'GET', url, payload);
      const expected = word === 'No route' ? 404 : 400;
      expect(response.statusCode, `${route}: ${response.body}`).toBe(expected);
      const body = response.json();
      expect(body.error, route).toBe(expected === 400 ? 'invalid_request' : 'not_found');
      expect(body.message, route).toContain(word);
      covered.add(route);
    }
    expect(await snapshot(t)).toEqual(before);
    const routes = t.app.routeTable
      .filter(
        (route) =>
          (Array.isArray(route.access) && (route.access as string[]).includes('counsellor')) ||
          route.url.startsWith('/api/calendar/'),
      )
      .map((route) => `${route.method} ${route.url}`);
    expect(routes.filter((route) => !covered.has(route))).toEqual([]);
  });

  it('refuses unknown query parameters on every case-work GET route', async () => {
    const gets = t.app.routeTable.filter(
      (route) =>
        route.method === 'GET' &&
        Array.isArray(route.access) &&
        (route.access as string[]).includes('counsellor'),
    );
    for (const route of gets) {
      const url = route.url
        .replace(
          ':id',
          route.url.includes('exit-phases') || route.url.includes('risk') ? ids.cbCase! : ids.case!,
        )
        .replace(':noteId', ids.note!)
        .replace(':documentId', randomUUID());
      const who = url.includes(ids.cbCase!) ? clara : anna;
      const response = await who.http('GET', `${url}?sort=name`);
      expect(response.statusCode, `${route.url}: ${response.body}`).toBe(400);
      expect(response.json().message, route.url).toContain('querystring');
    }
  });

  it('refuses bodies over the limit with 413 and stores nothing', async () => {
    const before = await snapshot(t);
    const response = await anna.http('POST', '/api/cases/search', { q: 'x'.repeat(20_000) });
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toBe('payload_too_large');
    const huge = await anna.http('POST', `/api/cases/${ids.case}/notes`, {
      kind: 'other',
      body: 'x'.repeat(300_000),
    });
    expect(huge.statusCode).toBe(413);
    expect(await snapshot(t)).toEqual(before);
  });
});

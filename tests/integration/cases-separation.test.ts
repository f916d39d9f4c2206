import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, newCase, snapshot, startTeam, type Staff } from '../support/case-work.ts';
import { fakePdf, uploadForm } from '../support/documents.ts';
import { RECORD_ROUTE_BODIES } from '../support/route-walk.ts';

/** Ids of records of each service, by the route parameter they fill. */
const records: Record<'backup' | 'comeback', Record<string, string>> = { backup: {}, comeback: {} };

const { t, anna, clara } = await startTeam({ anna: 'backup', clara: 'comeback' });
beforeAll(async () => {
  for (const [who, service] of [
    [anna, 'backup'],
    [clara, 'comeback'],
  ] as const) {
    const ids = records[service];
    ids.id = (await newCase(who)).id;
    ids.noteId = expectStatus(
      await who.http('POST', `/api/cases/${ids.id}/notes`, { kind: 'other', body: 'x' }),
      201,
    ).id;
    ids.appointment = expectStatus(
      await who.http('POST', '/api/appointments', {
        start: '2026-12-01T10:00:00Z',
        end: '2026-12-01T11:00:00Z',
        kind: 'other',
        caseId: ids.id,
      }),
      201,
    ).appointment.id;
    ids.followUp = expectStatus(
      await who.http('POST', `/api/cases/${ids.id}/follow-ups`, { dueOn: '2026-12-10', body: 'x' }),
      201,
    ).id;
    ids.documentId = expectStatus(
      await who.http('POST', `/api/cases/${ids.id}/documents`, UPLOAD.payload, UPLOAD.headers),
      201,
    ).id;
  }
  const b = records.backup;
  b.incidentId = expectStatus(
    await anna.http('POST', '/api/incidents', {
      occurredOn: '2026-10-03',
      offenceType: 'arson',
      motives: ['other'],
      district: 'hagen',
      affectedCount: 1,
      affectedMinors: 0,
      reportedToPolice: 'no',
      source: 'press',
      caseIds: [b.id],
    }),
    201,
  ).id;
  b.chronicle = expectStatus(
    await anna.http('PUT', `/api/incidents/${b.incidentId}/chronicle`, CHRONICLE_BODY),
    200,
  ).id;
  b.accompaniment = expectStatus(
    await anna.http('POST', `/api/cases/${b.id}/accompaniments`, {
      kind: 'court_hearing',
      takesPlaceOn: '2026-12-01',
      role: 'witness',
    }),
    201,
  ).id;
  b.claim = expectStatus(
    await anna.http('POST', `/api/cases/${b.id}/compensation-claims`, { status: 'planned' }),
    201,
  ).id;
  records.comeback.assessmentId = expectStatus(
    await clara.http('POST', `/api/cases/${records.comeback.id}/risk-assessments`, {
      level: 'high',
    }),
    201,
  ).id;
});
afterAll(() => t.close());

const UPLOAD = uploadForm(
  { title: 'Bescheid', kind: 'authority' },
  { bytes: fakePdf(2048, 'SEPARATION-MARKER') },
);

const CHRONICLE_BODY = {
  consentBy: 'die betroffene Person',
  consentForm: 'verbal',
  consentOn: '2026-10-05',
  datePrecision: 'month',
  placePrecision: 'district',
  publicText: 'Ein Brandanschlag.',
};

/** A valid body for each state-changing route, so that only the ids can make it fail. */
function bodyFor(method: string, url: string): object | undefined {
  if (method === 'GET') return undefined;
  const bodies: [RegExp, object][] = [
    ...RECORD_ROUTE_BODIES,
    [/\/chronicle$/, CHRONICLE_BODY],
    [/\/documents$/, UPLOAD],
  ];
  const found = bodies.find(([pattern]) => pattern.test(url));
  if (!found) throw new Error(`no body for ${method} ${url}`);
  return found[1];
}

/** The other service's ids for a route's parameters (its records, in its own cases). */
function fill(url: string, ids: Record<string, string>): string {
  return url.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
    if (name === 'recordId' && url.includes('follow-ups')) return ids.followUp!;
    if (name === 'recordId')
      return url.includes('accompaniments') ? ids.accompaniment! : ids.claim!;
    if (name === 'id' && url.startsWith('/api/appointments/')) return ids.appointment!;
    if (name === 'id' && url.startsWith('/api/incidents/')) return ids.incidentId!;
    if (name === 'id' && url.startsWith('/api/chronicle/')) return ids.chronicle!;
    const id = ids[name];
    if (!id) throw new Error(`no ${name} for ${url}`);
    return id;
  });
}

describe('another service’s records', () => {
  it('answer every case-work route with parameters exactly like missing ones, and change nothing', async () => {
    const routes = t.app.routeTable.filter(
      (route) =>
        route.hasParams &&
        Array.isArray(route.access) &&
        (route.access as string[]).includes('counsellor'),
    );
    expect(routes.length).toBeGreaterThan(20);
    const before = await snapshot(t);
    let compared = 0;
    for (const route of routes) {
      const backupOnly = /incidents|accompaniments|compensation-claims|referrals|chronicle/.test(
        route.url,
      );
      const comebackOnly = /exit-phases|risk-assessments/.test(route.url);
      const attempts: [Staff, Record<string, string>][] = [];
      if (!comebackOnly) attempts.push([clara, records.backup]);
      if (!backupOnly) attempts.push([anna, records.comeback]);
      for (const [who, theirs] of attempts) {
        const url = fill(route.url, theirs);
        const missingUrl = route.url.replace(/:[a-zA-Z]+/g, () => randomUUID());
        const body = bodyFor(route.method, route.url);
        const [payload, headers] =
          body === UPLOAD ? [UPLOAD.payload, UPLOAD.headers] : [body, undefined];
        const other = await who.http(route.method as 'GET', url, payload, headers);
        const missing = await who.http(route.method as 'GET', missingUrl, payload, headers);
        expect(other.statusCode, `${route.method} ${url}: ${other.body}`).toBe(404);
        expect(missing.statusCode, `${route.method} ${missingUrl}`).toBe(404);
        expect(other.json(), `${route.method} ${route.url}`).toEqual(missing.json());
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(25);
    expect(await snapshot(t)).toEqual(before);
  });
});

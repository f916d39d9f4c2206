import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, expectStatus, newCase, startTeam, type Staff } from '../support/case-work.ts';

let own: { id: string; caseNumber: string };
let comebackCase: { id: string; caseNumber: string };

const incident = (overrides: Record<string, unknown> = {}) => ({
  occurredOn: '2026-10-03',
  offenceType: 'simple_bodily_harm',
  motives: ['racism_anti_muslim', 'antisemitism'],
  district: 'dortmund',
  affectedCount: 3,
  affectedMinors: 1,
  reportedToPolice: 'yes',
  source: 'affected_person',
  municipality: 'Dortmund-Nord',
  description: 'Beleidigt und geschlagen an der Haltestelle',
  ...overrides,
});

const { t, anna, clara } = await startTeam({ anna: 'backup', clara: 'comeback' });
beforeAll(async () => {
  own = await newCase(anna);
  comebackCase = await newCase(clara);
});
afterAll(() => t.close());

/** Another service's record and a missing one must be indistinguishable. */
async function expectSameAsMissing(
  who: Staff,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  theirs: string,
  missing: string,
  payload?: object,
) {
  const other = await who.http(method as 'GET', theirs, payload);
  const absent = await who.http(method as 'GET', missing, payload);
  expect(other.statusCode, theirs).toBe(404);
  expect(absent.statusCode, missing).toBe(404);
  expect(other.json()).toEqual(absent.json());
}

describe('incidents', () => {
  it('records an incident with the VBRG categories, linked to cases, and shows it back', async () => {
    const second = await newCase(anna);
    const created = expectStatus(
      await anna.http('POST', '/api/incidents', incident({ caseIds: [own.id, second.id] })),
      201,
    );
    expect(created).toMatchObject({
      ...incident(),
      cases: expect.arrayContaining([
        { id: own.id, caseNumber: own.caseNumber },
        { id: second.id, caseNumber: second.caseNumber },
      ]),
    });
    const view = expectStatus(await anna.http('GET', `/api/incidents/${created.id}`), 200);
    expect(view).toEqual(created);
    const forCase = expectStatus(await anna.http('GET', `/api/cases/${own.id}/incidents`), 200);
    expect(forCase.incidents.map((i: { id: string }) => i.id)).toEqual([created.id]);
    expect(forCase.incidents[0]).not.toHaveProperty('description');
  });

  it('lists incidents by period, offence type and district (categories only)', async () => {
    const arson = expectStatus(
      await anna.http(
        'POST',
        '/api/incidents',
        incident({ offenceType: 'arson', district: 'kreis_lippe', occurredOn: '2026-06-01' }),
      ),
      201,
    );
    const list = expectStatus(
      await anna.http('GET', '/api/incidents?offenceType=arson&district=kreis_lippe'),
      200,
    );
    expect(list.incidents.map((i: { id: string }) => i.id)).toEqual([arson.id]);
    expect(list.total).toBe(1);
    expect(list.incidents[0]).not.toHaveProperty('municipality');
    const inSummer = expectStatus(
      await anna.http('GET', '/api/incidents?from=2026-05-01&to=2026-06-30'),
      200,
    );
    expect(inSummer.incidents.map((i: { id: string }) => i.id)).toEqual([arson.id]);
  });

  it('changes an incident', async () => {
    const created = expectStatus(await anna.http('POST', '/api/incidents', incident()), 201);
    const changed = expectStatus(
      await anna.http('PATCH', `/api/incidents/${created.id}`, {
        motives: ['anti_lgbtiq'],
        description: null,
        affectedCount: 1,
        affectedMinors: 0,
      }),
      200,
    );
    expect(changed).toMatchObject({
      motives: ['anti_lgbtiq'],
      description: null,
      municipality: 'Dortmund-Nord',
      affectedCount: 1,
    });
  });

  it('links and unlinks an incident and a case (linking twice is harmless)', async () => {
    const created = expectStatus(await anna.http('POST', '/api/incidents', incident()), 201);
    const other = await newCase(anna);
    const url = `/api/cases/${other.id}/incidents/${created.id}`;
    expectStatus(await anna.http('PUT' as 'POST', url, {}), 204);
    expectStatus(await anna.http('PUT' as 'POST', url, {}), 204);
    const linked = expectStatus(await anna.http('GET', `/api/cases/${other.id}/incidents`), 200);
    expect(linked.incidents.map((i: { id: string }) => i.id)).toEqual([created.id]);
    expectStatus(await anna.http('DELETE', url, {}), 204);
    const gone = expectStatus(await anna.http('DELETE', url, {}), 404);
    expect(gone.message).toBe('This incident is not linked to the case.');
  });

  it.each([
    [{ motives: [] }, 'motives'],
    [{ motives: ['racism_anti_muslim', 'racism_anti_muslim'] }, 'motives'],
    [{ offenceType: 'theft' }, 'offenceType'],
    [{ district: 'berlin' }, 'district'],
    [{ affectedCount: 0 }, 'affectedCount'],
    [{ reportedToPolice: 'maybe' }, 'reportedToPolice'],
    [{ affectedCount: 1, affectedMinors: 2 }, 'affectedMinors cannot exceed affectedCount'],
    [{ occurredOn: '2999-01-01' }, 'occurredOn cannot be in the future'],
    [{ secret: 'x' }, 'additional properties'],
  ])('answers 400 for %j and stores nothing', async (overrides, message) => {
    const before = await countRows(t);
    const error = expectStatus(await anna.http('POST', '/api/incidents', incident(overrides)), 400);
    expect(error.message).toContain(message);
    expect(await countRows(t)).toEqual(before);
  });

  it('does not link an incident to a case of the other service (404, nothing stored)', async () => {
    const before = await countRows(t);
    const response = await anna.http(
      'POST',
      '/api/incidents',
      incident({ caseIds: [comebackCase.id] }),
    );
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'not_found', message: 'No such case.' });
    expect(await countRows(t)).toEqual(before);
  });

  it('answers another service’s incident and case exactly like missing ones', async () => {
    const theirsIncident = expectStatus(await anna.http('POST', '/api/incidents', incident()), 201);
    const id = theirsIncident.id;
    await expectSameAsMissing(
      clara,
      'GET',
      `/api/incidents/${id}`,
      `/api/incidents/${randomUUID()}`,
    );
    await expectSameAsMissing(
      clara,
      'PATCH',
      `/api/incidents/${id}`,
      `/api/incidents/${randomUUID()}`,
      { affectedCount: 2 },
    );
    await expectSameAsMissing(
      clara,
      'GET',
      `/api/cases/${own.id}/incidents`,
      `/api/cases/${randomUUID()}/incidents`,
    );
    await expectSameAsMissing(
      clara,
      'PUT',
      `/api/cases/${own.id}/incidents/${id}`,
      `/api/cases/${randomUUID()}/incidents/${randomUUID()}`,
      {},
    );
    await expectSameAsMissing(
      clara,
      'DELETE',
      `/api/cases/${own.id}/incidents/${id}`,
      `/api/cases/${randomUUID()}/incidents/${randomUUID()}`,
      {},
    );
  });

  it('are BackUp’s: ComeBack counsellors get 403 not_for_service on the lists', async () => {
    for (const [method, url, payload] of [
      ['GET', '/api/incidents', undefined],
      ['POST', '/api/incidents', incident()],
      ['GET', `/api/cases/${comebackCase.id}/incidents`, undefined],
    ] as const) {
      const error = expectStatus(await clara.http(method, url, payload), 403);
      expect(error).toEqual({
        error: 'not_for_service',
        message: 'Incidents are recorded by BackUp only.',
      });
    }
  });
});

describe('accompaniments', () => {
  const accompaniment = {
    kind: 'court_hearing',
    takesPlaceOn: '2026-12-01',
    role: 'joint_plaintiff',
    psychosocialSupport: true,
    court: 'Amtsgericht Dortmund',
    courtFileNumber: '123 Js 456/26',
    outcome: null,
  };

  it('records, lists and changes an accompaniment', async () => {
    const created = expectStatus(
      await anna.http('POST', `/api/cases/${own.id}/accompaniments`, accompaniment),
      201,
    );
    expect(created).toMatchObject(accompaniment);
    const changed = expectStatus(
      await anna.http('PATCH', `/api/cases/${own.id}/accompaniments/${created.id}`, {
        outcome: 'Verurteilung zu 8 Monaten auf Bewährung',
      }),
      200,
    );
    expect(changed).toMatchObject({
      ...accompaniment,
      outcome: 'Verurteilung zu 8 Monaten auf Bewährung',
    });
    const list = expectStatus(await anna.http('GET', `/api/cases/${own.id}/accompaniments`), 200);
    expect(list.accompaniments).toEqual([changed]);
  });

  it('makes the case findable by the exact court file number', async () => {
    const other = await newCase(anna);
    await anna.http('POST', `/api/cases/${other.id}/accompaniments`, {
      ...accompaniment,
      courtFileNumber: '77 Ls 12/26',
    });
    const found = expectStatus(
      await anna.http('POST', '/api/cases/search', { q: ' 77 LS 12/26 ' }),
      200,
    );
    expect(found.cases.map((c: { id: string }) => c.id)).toEqual([other.id]);
    const changed = (await anna.http('GET', `/api/cases/${other.id}/accompaniments`)).json()
      .accompaniments[0];
    await anna.http('PATCH', `/api/cases/${other.id}/accompaniments/${changed.id}`, {
      courtFileNumber: '78 Ls 1/26',
    });
    const old = expectStatus(
      await anna.http('POST', '/api/cases/search', { q: '77 Ls 12/26' }),
      200,
    );
    expect(old.cases).toEqual([]);
    const renamed = expectStatus(
      await anna.http('POST', '/api/cases/search', { q: '78 Ls 1/26' }),
      200,
    );
    expect(renamed.cases.map((c: { id: string }) => c.id)).toEqual([other.id]);
  });

  it('answers 400 for bad input and stores nothing', async () => {
    const before = await countRows(t);
    for (const body of [
      { ...accompaniment, kind: 'picnic' },
      { ...accompaniment, role: 'judge' },
      { ...accompaniment, takesPlaceOn: 'tomorrow' },
      { ...accompaniment, courtFileNumber: 'x'.repeat(101) },
      { ...accompaniment, psychosocialSupport: 'sometimes' },
    ]) {
      expectStatus(await anna.http('POST', `/api/cases/${own.id}/accompaniments`, body), 400);
    }
    expect(await countRows(t)).toEqual(before);
  });

  it('answers another service’s case and an accompaniment of another case like missing ones', async () => {
    await expectSameAsMissing(
      clara,
      'GET',
      `/api/cases/${own.id}/accompaniments`,
      `/api/cases/${randomUUID()}/accompaniments`,
    );
    await expectSameAsMissing(
      clara,
      'POST',
      `/api/cases/${own.id}/accompaniments`,
      `/api/cases/${randomUUID()}/accompaniments`,
      accompaniment,
    );
    const created = expectStatus(
      await anna.http('POST', `/api/cases/${own.id}/accompaniments`, accompaniment),
      201,
    );
    await expectSameAsMissing(
      clara,
      'PATCH',
      `/api/cases/${own.id}/accompaniments/${created.id}`,
      `/api/cases/${randomUUID()}/accompaniments/${randomUUID()}`,
      { outcome: 'x' },
    );
    const elsewhere = await newCase(anna);
    const wrongCase = expectStatus(
      await anna.http('PATCH', `/api/cases/${elsewhere.id}/accompaniments/${created.id}`, {
        outcome: 'x',
      }),
      404,
    );
    expect(wrongCase.message).toBe('No such accompaniment in this case.');
  });

  it('are BackUp’s: 403 not_for_service on a ComeBack case', async () => {
    const error = expectStatus(
      await clara.http('POST', `/api/cases/${comebackCase.id}/accompaniments`, accompaniment),
      403,
    );
    expect(error.error).toBe('not_for_service');
  });
});

describe('compensation claims', () => {
  it('records a claim and follows its status', async () => {
    const created = expectStatus(
      await anna.http('POST', `/api/cases/${own.id}/compensation-claims`, {
        status: 'filed',
        filedOn: '2026-09-01',
        note: 'Antrag beim LWL gestellt',
      }),
      201,
    );
    expect(created).toMatchObject({ status: 'filed', filedOn: '2026-09-01', decidedOn: null });
    const granted = expectStatus(
      await anna.http('PATCH', `/api/cases/${own.id}/compensation-claims/${created.id}`, {
        status: 'granted',
        decidedOn: '2026-11-01',
      }),
      200,
    );
    expect(granted).toMatchObject({
      status: 'granted',
      decidedOn: '2026-11-01',
      note: 'Antrag beim LWL gestellt',
    });
    const list = expectStatus(
      await anna.http('GET', `/api/cases/${own.id}/compensation-claims`),
      200,
    );
    expect(list.claims).toEqual([granted]);
  });

  it('answers 400 for an unknown status or a decision before filing, storing nothing', async () => {
    const before = await countRows(t);
    expectStatus(
      await anna.http('POST', `/api/cases/${own.id}/compensation-claims`, { status: 'won' }),
      400,
    );
    const error = expectStatus(
      await anna.http('POST', `/api/cases/${own.id}/compensation-claims`, {
        status: 'rejected',
        filedOn: '2026-09-01',
        decidedOn: '2026-08-01',
      }),
      400,
    );
    expect(error.message).toBe('decidedOn cannot be before filedOn.');
    expect(await countRows(t)).toEqual(before);
  });

  it('answers another service’s case and claim like missing ones', async () => {
    const created = expectStatus(
      await anna.http('POST', `/api/cases/${own.id}/compensation-claims`, { status: 'planned' }),
      201,
    );
    await expectSameAsMissing(
      clara,
      'GET',
      `/api/cases/${own.id}/compensation-claims`,
      `/api/cases/${randomUUID()}/compensation-claims`,
    );
    await expectSameAsMissing(
      clara,
      'POST',
      `/api/cases/${own.id}/compensation-claims`,
      `/api/cases/${randomUUID()}/compensation-claims`,
      { status: 'planned' },
    );
    await expectSameAsMissing(
      clara,
      'PATCH',
      `/api/cases/${own.id}/compensation-claims/${created.id}`,
      `/api/cases/${randomUUID()}/compensation-claims/${randomUUID()}`,
      { status: 'filed' },
    );
  });
});

describe('referrals', () => {
  const referral = {
    target: 'lawyer',
    referredOn: '2026-11-10',
    consentForm: 'written',
    consentOn: '2026-11-09',
    details: 'Kanzlei für Nebenklage, Termin am 12.11.',
  };

  it('records a referral with the person’s consent', async () => {
    const created = expectStatus(
      await anna.http('POST', `/api/cases/${own.id}/referrals`, referral),
      201,
    );
    expect(created).toMatchObject({
      ...referral,
      createdBy: { id: anna.user.id, username: anna.username },
    });
    const list = expectStatus(await anna.http('GET', `/api/cases/${own.id}/referrals`), 200);
    expect(list.referrals).toEqual([created]);
  });

  it('refuses a referral without consent or with consent given afterwards, storing nothing', async () => {
    const before = await countRows(t);
    const { consentForm: _omitted, ...withoutConsent } = referral;
    void _omitted;
    const missing = expectStatus(
      await anna.http('POST', `/api/cases/${own.id}/referrals`, withoutConsent),
      400,
    );
    expect(missing.message).toContain('consentForm');
    const late = expectStatus(
      await anna.http('POST', `/api/cases/${own.id}/referrals`, {
        ...referral,
        consentOn: '2026-11-11',
      }),
      400,
    );
    expect(late.message).toBe('consentOn cannot be after referredOn: consent comes first.');
    expect(await countRows(t)).toEqual(before);
  });

  it('answers another service’s case like a missing one', async () => {
    await expectSameAsMissing(
      clara,
      'GET',
      `/api/cases/${own.id}/referrals`,
      `/api/cases/${randomUUID()}/referrals`,
    );
    await expectSameAsMissing(
      clara,
      'POST',
      `/api/cases/${own.id}/referrals`,
      `/api/cases/${randomUUID()}/referrals`,
      referral,
    );
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countRows,
  expectStatus,
  newCase,
  newStaff,
  startTeam,
  withReason,
} from '../support/case-work.ts';
import { serviceLoginUrl } from '../../server/database/database-roles.ts';

const { t, anna, ben, clara } = await startTeam(
  { anna: 'backup', ben: 'backup', clara: 'comeback' },
  { at: '2026-11-23T09:00:00Z' },
);
afterAll(() => t.close());

describe('POST /api/cases', () => {
  it('opens a case numbered per service and year, in the caller’s service', async () => {
    const first = await newCase(anna, { person: { pseudonym: 'Amsel' } });
    const second = await newCase(ben);
    const comeback = await newCase(clara);
    expect(first.caseNumber).toMatch(/^BU-2026-\d{4}$/);
    expect(Number(second.caseNumber.slice(-4))).toBe(Number(first.caseNumber.slice(-4)) + 1);
    expect(comeback.caseNumber).toMatch(/^CB-2026-\d{4}$/);
    const view = expectStatus(await anna.http('GET', `/api/cases/${first.id}`), 200);
    expect(view).toMatchObject({
      id: first.id,
      caseNumber: first.caseNumber,
      service: 'backup',
      status: 'open',
      anonymous: false,
      openedOn: '2026-11-23',
      closedOn: null,
      assignedCounsellor: { id: anna.user.id, username: anna.username },
      coCounsellor: null,
      exitPhase: null,
      riskLevel: null,
      nextAppointment: null,
    });
  });

  it('numbers concurrent cases without gaps or duplicates', async () => {
    const created = await Promise.all(Array.from({ length: 12 }, () => newCase(ben)));
    const numbers = created.map((c) => Number(c.caseNumber.slice(-4))).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(12);
    expect(numbers.at(-1)! - numbers[0]!).toBe(11);
  });

  it('stores every person field and gives it back decrypted', async () => {
    const person = {
      pseudonym: 'Kranich',
      name: 'Aylin Demir',
      dateOfBirth: '1990-04-01',
      phone: '+49 170 1234567',
      email: 'aylin@example.org',
      address: 'Musterweg 1, 44135 Dortmund',
      preferredLanguage: 'Türkisch',
      interpreterNeeded: true,
      safeContact: 'Nur telefonisch nach 18 Uhr, keine Briefe',
    };
    const created = await newCase(anna, {
      person,
      summary: 'Angriff an der Haltestelle',
      coCounsellorId: ben.user.id,
      openedOn: '2026-11-02',
    });
    const view = expectStatus(await anna.http('GET', `/api/cases/${created.id}`), 200);
    expect(view.person).toEqual(person);
    expect(view.summary).toBe('Angriff an der Haltestelle');
    expect(view.openedOn).toBe('2026-11-02');
    expect(view.coCounsellor).toEqual({ id: ben.user.id, username: ben.username });
  });

  it('opens a ComeBack case in the first exit phase', async () => {
    const created = await newCase(clara);
    const view = expectStatus(await clara.http('GET', `/api/cases/${created.id}`), 200);
    expect(view.exitPhase).toBe('first_contact');
    expect(view.riskLevel).toBeNull();
  });

  it.each([
    [{ person: {} }, "body/person must have required property 'pseudonym'"],
    [{ person: { pseudonym: '' } }, 'pseudonym'],
    [{ person: { pseudonym: 'x'.repeat(201) } }, 'pseudonym'],
    [{ person: { pseudonym: 'Lerche', shoeSize: 44 } }, 'additional properties'],
    [{ person: { pseudonym: 'Lerche' }, service: 'comeback' }, 'additional properties'],
    [{ person: { pseudonym: 'Lerche', dateOfBirth: '1990-13-01' } }, 'dateOfBirth'],
    [{ person: { pseudonym: 'Lerche\ud800' } }, 'pseudonym'],
    [{ person: { pseudonym: 'Lerche' }, assignedCounsellorId: 'nobody' }, 'assignedCounsellorId'],
  ])('answers 400 for %j and stores nothing', async (body, message) => {
    const before = await countRows(t);
    const response = await anna.http('POST', '/api/cases', body);
    const error = expectStatus(response, 400);
    expect(error.error).toBe('invalid_request');
    expect(error.message).toContain(message);
    expect(await countRows(t)).toEqual(before);
  });

  it.each([
    [
      { person: { pseudonym: 'Lerche', name: 'Real Name' }, anonymous: true },
      'An anonymous case records no name',
    ],
    [{ person: { pseudonym: 'Lerche' }, openedOn: '2026-12-24' }, 'future'],
    [
      { person: { pseudonym: 'Lerche' }, assignedCounsellorId: randomUUID() },
      'assigned counsellor must be an active counsellor',
    ],
    [
      { person: { pseudonym: 'Lerche' }, coCounsellorId: randomUUID() },
      'co-counsellor must be an active counsellor',
    ],
  ])('refuses %j with a clear 400 and stores nothing', async (body, message) => {
    const before = await countRows(t);
    const error = expectStatus(await anna.http('POST', '/api/cases', body), 400);
    expect(error.message).toContain(message);
    expect(await countRows(t)).toEqual(before);
  });

  it('does not assign a case to a counsellor of the other service', async () => {
    const error = expectStatus(
      await anna.http('POST', '/api/cases', {
        person: { pseudonym: 'Lerche' },
        assignedCounsellorId: clara.user.id,
      }),
      400,
    );
    expect(error.message).toContain('assigned counsellor must be an active counsellor');
  });

  it('records an anonymous case without any name', async () => {
    const created = await newCase(anna, { anonymous: true });
    const view = expectStatus(await anna.http('GET', `/api/cases/${created.id}`), 200);
    expect(view.anonymous).toBe(true);
    expect(view.person.name).toBeNull();
  });
});

describe('GET /api/cases/:id', () => {
  it('answers a case of the other service exactly like a missing one', async () => {
    const theirs = await newCase(clara);
    const other = await anna.http('GET', `/api/cases/${theirs.id}`);
    const missing = await anna.http('GET', `/api/cases/${randomUUID()}`);
    expect(other.statusCode).toBe(404);
    expect(other.json()).toEqual(missing.json());
    expect(other.json()).toEqual({ error: 'not_found', message: 'No such case.' });
  });

  it('answers 400 for an id that is not a UUID', async () => {
    const error = expectStatus(await anna.http('GET', '/api/cases/BU-2026-0001'), 400);
    expect(error.message).toContain('params/id');
  });
});

describe('PATCH /api/cases/:id', () => {
  it('changes person fields, re-indexing the name for search', async () => {
    const created = await newCase(anna, { person: { pseudonym: 'Specht', name: 'Erika Muster' } });
    const view = expectStatus(
      await anna.http('PATCH', `/api/cases/${created.id}`, {
        person: { name: 'Erika Mustermann', phone: null, email: 'e@example.org' },
        summary: 'Neu',
      }),
      200,
    );
    expect(view.person).toMatchObject({
      pseudonym: 'Specht',
      name: 'Erika Mustermann',
      phone: null,
      email: 'e@example.org',
    });
    const found = expectStatus(
      await anna.http('POST', '/api/cases/search', { q: 'erika mustermann' }),
      200,
    );
    expect(found.cases.map((c: { id: string }) => c.id)).toEqual([created.id]);
    const old = expectStatus(
      await anna.http('POST', '/api/cases/search', { q: 'Erika Muster' }),
      200,
    );
    expect(old.cases).toEqual([]);
  });

  it('closes with a reason and date, and reopening clears both', async () => {
    const created = await newCase(anna, { openedOn: '2026-11-01' });
    const missingReason = expectStatus(
      await anna.http('PATCH', `/api/cases/${created.id}`, { status: 'closed' }),
      400,
    );
    expect(missingReason.message).toBe('Closing a case needs a closingReason.');
    const closed = expectStatus(
      await anna.http('PATCH', `/api/cases/${created.id}`, {
        status: 'closed',
        closingReason: 'Beratung abgeschlossen',
      }),
      200,
    );
    expect(closed).toMatchObject({
      status: 'closed',
      closedOn: '2026-11-23',
      closingReason: 'Beratung abgeschlossen',
    });
    const reopened = expectStatus(
      await anna.http('PATCH', `/api/cases/${created.id}`, { status: 'open' }),
      200,
    );
    expect(reopened).toMatchObject({ status: 'open', closedOn: null, closingReason: null });
  });

  it('switching to anonymous deletes the recorded name', async () => {
    const created = await newCase(anna, { person: { name: 'Hans Klar' } });
    const view = expectStatus(
      await anna.http('PATCH', `/api/cases/${created.id}`, { anonymous: true }),
      200,
    );
    expect(view.anonymous).toBe(true);
    expect(view.person.name).toBeNull();
    const search = expectStatus(
      await anna.http('POST', '/api/cases/search', { q: 'Hans Klar' }),
      200,
    );
    expect(search.cases).toEqual([]);
  });

  it.each([
    [{}, 'must NOT have fewer than 1 properties'],
    [{ status: 'archived' }, 'status'],
    [{ person: { pseudonym: null } }, 'pseudonym'],
    [{ closingReason: 'x' }, 'closingReason and closedOn belong to closing'],
    [{ coCounsellorId: randomUUID() }, 'co-counsellor'],
  ])('answers 400 for %j and changes nothing', async (body, message) => {
    const created = await newCase(anna, { person: { pseudonym: 'Meise' } });
    const before = expectStatus(await anna.http('GET', `/api/cases/${created.id}`), 200);
    const error = expectStatus(await anna.http('PATCH', `/api/cases/${created.id}`, body), 400);
    expect(error.message).toContain(message);
    const after = expectStatus(await anna.http('GET', `/api/cases/${created.id}`), 200);
    expect(after).toEqual(before);
  });

  it('answers a case of the other service exactly like a missing one, changing nothing', async () => {
    const theirs = await newCase(clara, { person: { pseudonym: 'Unverändert' } });
    const other = await anna.http('PATCH', `/api/cases/${theirs.id}`, { summary: 'übernommen' });
    const missing = await anna.http('PATCH', `/api/cases/${randomUUID()}`, { summary: 'x' });
    expect(other.statusCode).toBe(404);
    expect(other.json()).toEqual(missing.json());
    const view = expectStatus(await clara.http('GET', `/api/cases/${theirs.id}`), 200);
    expect(view.summary).toBeNull();
  });
});

describe('GET /api/cases and POST /api/cases/search', () => {
  let own: { id: string; caseNumber: string };
  beforeAll(async () => {
    own = await newCase(anna, { person: { pseudonym: 'Zaunkönig', name: 'Jürgen Weiß' } });
    await newCase(clara, { person: { pseudonym: 'Zaunkönig', name: 'Jürgen Weiß' } });
  });

  it('lists only the own service’s cases, 50 per page by default, with total', async () => {
    const page = expectStatus(await anna.http('GET', '/api/cases'), 200);
    expect(page.limit).toBe(50);
    expect(page.offset).toBe(0);
    expect(page.total).toBeGreaterThan(5);
    expect(page.cases.every((c: { caseNumber: string }) => c.caseNumber.startsWith('BU-'))).toBe(
      true,
    );
    expect(page.cases[0]).toEqual({
      id: expect.any(String),
      caseNumber: expect.any(String),
      pseudonym: expect.any(String),
      status: expect.any(String),
      openedOn: expect.any(String),
      closedOn: null,
      assignedCounsellor: expect.objectContaining({ id: expect.any(String) }),
      exitPhase: null,
      riskLevel: null,
      nextAppointment: null,
    });
    const second = expectStatus(await anna.http('GET', '/api/cases?limit=2&offset=2'), 200);
    expect(second.cases.map((c: { id: string }) => c.id)).toEqual(
      page.cases.slice(2, 4).map((c: { id: string }) => c.id),
    );
  });

  it('refuses pages larger than 100', async () => {
    const error = expectStatus(await anna.http('GET', '/api/cases?limit=101'), 400);
    expect(error.message).toContain('limit');
  });

  it('filters by status, counsellor and period', async () => {
    // Closing days are taken only up to 30 days before a case's creation (today).
    const closed = await newCase(ben, { openedOn: '2026-01-10' });
    await ben.http('PATCH', `/api/cases/${closed.id}`, {
      status: 'closed',
      closingReason: 'Kontakt abgebrochen',
      closedOn: '2026-10-25',
    });
    const byStatus = expectStatus(await anna.http('GET', '/api/cases?status=closed'), 200);
    expect(byStatus.cases.map((c: { id: string }) => c.id)).toContain(closed.id);
    expect(byStatus.cases.every((c: { status: string }) => c.status === 'closed')).toBe(true);
    const coCounselled = await newCase(anna, { coCounsellorId: ben.user.id });
    const byCounsellor = expectStatus(
      await anna.http('GET', `/api/cases?counsellorId=${ben.user.id}&limit=100`),
      200,
    );
    const ids = byCounsellor.cases.map((c: { id: string }) => c.id);
    expect(ids).toContain(closed.id);
    expect(ids).toContain(coCounselled.id);
    expect(ids).not.toContain(own.id); // assigned to Anna, Ben not involved
    const annaOnly = expectStatus(
      await anna.http('GET', `/api/cases?counsellorId=${anna.user.id}&limit=100`),
      200,
    );
    expect(annaOnly.cases.map((c: { id: string }) => c.id)).not.toContain(closed.id);
    const inFebruary = expectStatus(
      await anna.http('GET', '/api/cases?from=2026-01-15&to=2026-01-31'),
      200,
    );
    expect(inFebruary.cases.map((c: { id: string }) => c.id)).toEqual([closed.id]);
    const afterClosing = expectStatus(
      await anna.http('GET', '/api/cases?from=2026-10-26&to=2026-10-31'),
      200,
    );
    expect(afterClosing.cases).toEqual([]);
  });

  it.each(['Zaunkönig', 'zaunkoenig', ' ZAUNKÖNIG ', 'Jürgen Weiß', 'juergen weiss'])(
    'finds by exact pseudonym or name (%s) in the own service only',
    async (q) => {
      const found = expectStatus(await anna.http('POST', '/api/cases/search', { q }), 200);
      expect(found.cases.map((c: { id: string }) => c.id)).toEqual([own.id]);
      expect(found.cases[0].pseudonym).toBe('Zaunkönig');
      expect(found.total).toBe(1);
    },
  );

  it('finds by case number, and GET ?q= works the same', async () => {
    const byNumber = expectStatus(
      await anna.http('POST', '/api/cases/search', { q: own.caseNumber.toLowerCase() }),
      200,
    );
    expect(byNumber.cases.map((c: { id: string }) => c.id)).toEqual([own.id]);
    const viaGet = expectStatus(
      await anna.http('GET', `/api/cases?q=${encodeURIComponent('Zaunkönig')}`),
      200,
    );
    expect(viaGet.cases.map((c: { id: string }) => c.id)).toEqual([own.id]);
  });

  it('does not find by a part of a real name, nor another service’s case number', async () => {
    const part = expectStatus(await anna.http('POST', '/api/cases/search', { q: 'Weiß' }), 200);
    expect(part.cases).toEqual([]);
    // Part of a pseudonym does find the case (the service's pseudonyms, decrypted per search).
    const pseudonym = expectStatus(
      await anna.http('POST', '/api/cases/search', { q: 'Zaun' }),
      200,
    );
    expect(pseudonym.cases.map((c: { id: string }) => c.id)).toEqual([own.id]);
    const theirs = await newCase(clara);
    const other = expectStatus(
      await anna.http('POST', '/api/cases/search', { q: theirs.caseNumber }),
      200,
    );
    expect(other.cases).toEqual([]);
  });

  it('answers 400 for an empty or overlong query and unknown fields', async () => {
    expectStatus(await anna.http('POST', '/api/cases/search', { q: '' }), 400);
    expectStatus(await anna.http('POST', '/api/cases/search', { q: 'x'.repeat(201) }), 400);
    const error = expectStatus(
      await anna.http('POST', '/api/cases/search', { q: 'x', service: 'comeback' }),
      400,
    );
    expect(error.message).toContain('additional properties');
  });
});

describe('notes', () => {
  let own: { id: string; caseNumber: string };
  beforeAll(async () => {
    own = await newCase(anna);
  });

  it('adds typed notes and lists them newest first with their author', async () => {
    const first = expectStatus(
      await anna.http('POST', `/api/cases/${own.id}/notes`, {
        kind: 'phone_call',
        body: 'Rückruf vereinbart',
      }),
      201,
    );
    t.clock.advance(60_000);
    const second = expectStatus(
      await withReason(ben).http('POST', `/api/cases/${own.id}/notes`, {
        kind: 'counselling_session',
        body: 'Erstgespräch',
      }),
      201,
    );
    expect(first).toMatchObject({
      kind: 'phone_call',
      body: 'Rückruf vereinbart',
      amendsNoteId: null,
      amendedBy: [],
      author: { id: anna.user.id, username: anna.username },
    });
    const list = expectStatus(await anna.http('GET', `/api/cases/${own.id}/notes`), 200);
    expect(list.notes.map((n: { id: string }) => n.id)).toEqual([second.id, first.id]);
    expect(list.total).toBe(2);
  });

  it('corrects a note by an amendment that references it; the original stays', async () => {
    const original = expectStatus(
      await anna.http('POST', `/api/cases/${own.id}/notes`, {
        kind: 'safety_measure',
        body: 'Tür mit Riegel gesichert',
      }),
      201,
    );
    const amendment = expectStatus(
      await withReason(ben).http('POST', `/api/cases/${own.id}/notes/${original.id}/amendments`, {
        body: 'Korrektur: zwei Riegel',
      }),
      201,
    );
    expect(amendment).toMatchObject({ kind: 'safety_measure', amendsNoteId: original.id });
    const list = expectStatus(await anna.http('GET', `/api/cases/${own.id}/notes`), 200);
    const shown = list.notes.find((n: { id: string }) => n.id === original.id);
    expect(shown.body).toBe('Tür mit Riegel gesichert');
    expect(shown.amendedBy).toEqual([amendment.id]);
  });

  it('cannot amend a note of another case or service (404, nothing stored)', async () => {
    const otherCase = await newCase(anna);
    const note = expectStatus(
      await anna.http('POST', `/api/cases/${otherCase.id}/notes`, { kind: 'other', body: 'x' }),
      201,
    );
    const before = await countRows(t);
    const wrongCase = await anna.http('POST', `/api/cases/${own.id}/notes/${note.id}/amendments`, {
      body: 'y',
    });
    expect(wrongCase.statusCode).toBe(404);
    expect(wrongCase.json()).toEqual({ error: 'not_found', message: 'No such note in this case.' });
    const theirCase = await newCase(clara);
    const theirNote = expectStatus(
      await clara.http('POST', `/api/cases/${theirCase.id}/notes`, { kind: 'other', body: 'z' }),
      201,
    );
    const before2 = await countRows(t);
    const other = await anna.http(
      'POST',
      `/api/cases/${theirCase.id}/notes/${theirNote.id}/amendments`,
      { body: 'y' },
    );
    const missing = await anna.http(
      'POST',
      `/api/cases/${randomUUID()}/notes/${randomUUID()}/amendments`,
      { body: 'y' },
    );
    expect(other.statusCode).toBe(404);
    expect(other.json()).toEqual(missing.json());
    expect(before2.case_notes).toBe(before.case_notes! + 1);
    expect(await countRows(t)).toEqual(before2);
  });

  it('answers 400 for a missing kind, an unknown kind or an empty body, storing nothing', async () => {
    const before = await countRows(t);
    for (const body of [
      { body: 'x' },
      { kind: 'gossip', body: 'x' },
      { kind: 'other', body: '' },
      { kind: 'other', body: 'x'.repeat(20_001) },
    ]) {
      const error = expectStatus(await anna.http('POST', `/api/cases/${own.id}/notes`, body), 400);
      expect(error.message).toMatch(/^body.*(kind|body)/);
    }
    expect(await countRows(t)).toEqual(before);
  });

  it('answers another service’s case like a missing one when listing or adding notes', async () => {
    const theirs = await newCase(clara);
    for (const [method, payload] of [
      ['GET', undefined],
      ['POST', { kind: 'other', body: 'x' }],
    ] as const) {
      const other = await anna.http(method, `/api/cases/${theirs.id}/notes`, payload);
      const missing = await anna.http(method, `/api/cases/${randomUUID()}/notes`, payload);
      expect(other.statusCode).toBe(404);
      expect(other.json()).toEqual(missing.json());
    }
  });

  it('cannot be changed or deleted in the database by requests, nor by the owner', async () => {
    const { withClient } = await import('../../server/database/pg-client.ts');
    await expect(
      withClient(serviceLoginUrl(t.database.appUrl, 'backup'), async (client) => {
        await client.query('BEGIN');
        await client.query(`UPDATE case_notes SET kind = 'other'`);
      }),
    ).rejects.toThrow(/permission denied/);
    await expect(
      withClient(t.database.ownerUrl, async (client) => {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('casework.service', 'backup', true)`);
        await client.query('DELETE FROM case_notes');
      }),
    ).rejects.toThrow(/append-only/);
  });
});

describe('GET /api/counsellors', () => {
  it('lists the active counsellors of the own service only', async () => {
    const list = expectStatus(await anna.http('GET', '/api/counsellors'), 200);
    const ids = list.counsellors.map((c: { id: string }) => c.id);
    expect(ids).toContain(anna.user.id);
    expect(ids).toContain(ben.user.id);
    expect(ids).not.toContain(clara.user.id);
  });
});

describe('other roles', () => {
  it('never see case records: team leads, auditors and admins get 403 on every case route', async () => {
    const theirCase = await newCase(anna);
    const others = [
      await newStaff(t, 'team_lead', 'backup'),
      await newStaff(t, 'auditor'),
      await newStaff(t, 'admin'),
    ];
    // Lifting a legal hold is open to team leads too (it answers no case content).
    const caseRoutes = t.app.routeTable.filter(
      (route) =>
        Array.isArray(route.access) &&
        (route.access as string[]).includes('counsellor') &&
        !(route.access as string[]).includes('team_lead'),
    );
    expect(caseRoutes.length).toBeGreaterThan(30);
    for (const route of caseRoutes) {
      const url = route.url.replace(/:[a-zA-Z]+/g, theirCase.id);
      for (const who of others) {
        const response = await who.http(
          route.method as 'GET',
          url,
          route.method === 'GET' ? undefined : {},
        );
        expect(response.statusCode, `${who.user.role} ${route.method} ${route.url}`).toBe(403);
        expect(response.json().error).toBe('forbidden');
      }
    }
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainLink, GENESIS_LINK } from '../../crypto/index.ts';
import { chainedContent } from '../../server/audit/audit-event-record.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { auditEvents, lastAuditSeq } from '../support/access-log-queries.ts';
import {
  expectStatus,
  newCase,
  newCounsellor,
  newStaff,
  type Staff,
  tableDigests,
} from '../support/case-work.ts';
import { startSealedTestApp, type SealedTestApp } from '../support/test-app.ts';
import { serviceLoginUrl } from '../../server/database/database-roles.ts';
import { uploadForm } from '../support/documents.ts';
import { RECORD_ROUTE_BODIES } from '../support/route-walk.ts';

let t: SealedTestApp;
let anna: Staff; // BackUp counsellor, assigned to the case that is erased
let ben: Staff; // BackUp counsellor, reads it with a reason
let lead: Staff; // BackUp team lead
let clara: Staff; // ComeBack counsellor
let cbLead: Staff; // ComeBack team lead
let auditor: Staff;

const planted = new Map<string, string>();
const marker = (what: string) => {
  const value = `Erase${what}Ü${randomUUID().slice(0, 8)}`;
  planted.set(what, value);
  return value;
};
const courtFileNumber = `12 Js ${Math.floor(Math.random() * 9000 + 1000)}/26`;
const person = {
  pseudonym: marker('Pseudonym'),
  name: marker('Name'),
  phone: marker('Phone'),
  address: marker('Address'),
};

/** The case that is erased, and the ids of everything stored about it. */
const x = {} as {
  id: string;
  caseNumber: string;
  noteId: string;
  accompaniment: string;
  claim: string;
  appointment: string;
  incidentOnlyX: string;
  incidentShared: string;
  chronicle: string;
};
/** A case of the same service that shares an incident with it, and must survive. */
let keep: { id: string; caseNumber: string };
let cbCase: { id: string; caseNumber: string };

const CHRONICLE_BODY = {
  consentBy: 'die betroffene Person',
  consentForm: 'written',
  consentOn: '2026-10-05',
  datePrecision: 'month',
  placePrecision: 'district',
  publicText: 'Ein Brandanschlag.',
};

const incident = (caseIds: string[], description: string) => ({
  occurredOn: '2026-10-03',
  offenceType: 'arson',
  motives: ['racism_anti_black'],
  district: 'hagen',
  affectedCount: 2,
  affectedMinors: 0,
  reportedToPolice: 'yes',
  source: 'affected_person',
  description,
  municipality: marker('Municipality'),
  caseIds,
});

/** Every non-null bytea value of the database, as the superuser, with where it is. */
async function allBytes(): Promise<{ where: string; bytes: Buffer }[]> {
  return withClient(t.database.superuserUrl, async (client) => {
    const columns = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type = 'bytea'`,
    );
    const found: { where: string; bytes: Buffer }[] = [];
    for (const { table_name: table, column_name: column } of columns.rows) {
      const rows = await client.query(
        `SELECT "${column}" AS v FROM "${table}" WHERE "${column}" IS NOT NULL`,
      );
      for (const row of rows.rows) found.push({ where: `${table}.${column}`, bytes: row.v });
    }
    return found;
  });
}

/** Every value of every table, as text (for a marker scan), as the superuser. */
async function allText(): Promise<string> {
  return withClient(t.database.superuserUrl, async (client) => {
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const parts: string[] = [];
    for (const { table_name: table } of tables.rows) {
      const rows = await client.query(`SELECT * FROM "${table}"`);
      for (const row of rows.rows) {
        for (const value of Object.values(row)) {
          if (value === null) continue;
          // Bytes as UTF-8 (how plaintext would be stored) and as Latin-1 (any byte run).
          if (Buffer.isBuffer(value)) parts.push(value.toString('utf8'), value.toString('latin1'));
          else parts.push(JSON.stringify(value));
        }
      }
    }
    return parts.join('\n');
  });
}

/** Rows and digest of each statistics table, which erasure must not touch. */
async function statisticsTables(): Promise<Record<string, string>> {
  return withClient(t.database.superuserUrl, (client) =>
    tableDigests(
      client,
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_name LIKE 'stats\\_%' ORDER BY table_name`,
    ),
  );
}

/** The ciphertexts stored for the erased case and its records, read before the erasure. */
async function ciphertextsOfX(): Promise<Buffer[]> {
  return withClient(t.database.superuserUrl, async (client) => {
    const blobs: Buffer[] = [];
    const take = async (sql: string, params: unknown[]) => {
      const rows = await client.query(sql, params);
      for (const row of rows.rows) {
        for (const value of Object.values(row)) if (Buffer.isBuffer(value)) blobs.push(value);
      }
    };
    await take('SELECT * FROM cases WHERE id = $1', [x.id]);
    for (const table of ['case_notes', 'accompaniments', 'compensation_claims', 'referrals']) {
      await take(`SELECT * FROM ${table} WHERE case_id = $1`, [x.id]);
    }
    await take('SELECT * FROM appointments WHERE id = $1', [x.appointment]);
    await take('SELECT * FROM incidents WHERE id = $1', [x.incidentOnlyX]);
    await take('SELECT * FROM chronicle_entries WHERE incident_id = $1', [x.incidentOnlyX]);
    await take('SELECT * FROM legal_holds WHERE case_id = $1', [x.id]);
    await take('SELECT detail FROM audit_events WHERE target_id = $1 AND detail IS NOT NULL', [
      x.id,
    ]);
    await take(`SELECT wrapped_key FROM data_keys WHERE owner_id IN ($1, $2, $3)`, [
      x.id,
      x.appointment,
      x.incidentOnlyX,
    ]);
    // Link chains and digests belong to the access log, which stays.
    return blobs.filter((blob) => blob.length >= 16);
  });
}

beforeAll(async () => {
  // With a checkpoint sealer, as `npm start` runs it, so the access log verifies for real.
  t = await startSealedTestApp();
  await t.app.ready();
  anna = await newCounsellor(t, 'backup');
  ben = await newCounsellor(t, 'backup');
  lead = await newStaff(t, 'team_lead', 'backup');
  clara = await newCounsellor(t, 'comeback');
  cbLead = await newStaff(t, 'team_lead', 'comeback');
  auditor = await newStaff(t, 'auditor');

  const created = await newCase(anna, { person, summary: marker('Summary') });
  x.id = created.id;
  x.caseNumber = created.caseNumber;
  keep = await newCase(anna);
  x.noteId = expectStatus(
    await anna.http('POST', `/api/cases/${x.id}/notes`, {
      kind: 'counselling_session',
      body: marker('Note'),
    }),
    201,
  ).id;
  expectStatus(
    await anna.http('POST', `/api/cases/${x.id}/notes/${x.noteId}/amendments`, {
      body: marker('Amendment'),
    }),
    201,
  );
  x.accompaniment = expectStatus(
    await anna.http('POST', `/api/cases/${x.id}/accompaniments`, {
      kind: 'court_hearing',
      takesPlaceOn: '2026-12-01',
      role: 'joint_plaintiff',
      court: marker('Court'),
      courtFileNumber,
    }),
    201,
  ).id;
  x.claim = expectStatus(
    await anna.http('POST', `/api/cases/${x.id}/compensation-claims`, {
      status: 'filed',
      note: marker('Claim'),
    }),
    201,
  ).id;
  expectStatus(
    await anna.http('POST', `/api/cases/${x.id}/referrals`, {
      target: 'lawyer',
      referredOn: '2026-11-02',
      consentForm: 'written',
      consentOn: '2026-11-01',
      details: marker('Referral'),
    }),
    201,
  );
  x.appointment = expectStatus(
    await anna.http('POST', '/api/appointments', {
      start: '2026-12-03T10:00:00Z',
      end: '2026-12-03T11:00:00Z',
      kind: 'counselling_session',
      caseId: x.id,
      location: marker('Location'),
    }),
    201,
  ).appointment.id;
  x.incidentOnlyX = expectStatus(
    await anna.http('POST', '/api/incidents', incident([x.id], marker('IncidentX'))),
    201,
  ).id;
  x.chronicle = expectStatus(
    await anna.http('PUT', `/api/incidents/${x.incidentOnlyX}/chronicle`, {
      ...CHRONICLE_BODY,
      publicText: marker('ChronicleText'),
    }),
    200,
  ).id;
  x.incidentShared = expectStatus(
    await anna.http('POST', '/api/incidents', incident([x.id, keep.id], 'shared incident')),
    201,
  ).id;
  // A colleague opens it with a reason: the access log keeps the reason, encrypted.
  expectStatus(
    await ben.http('GET', `/api/cases/${x.id}`, undefined, {
      'x-access-reason': encodeURIComponent(marker('AccessReason')),
    }),
    200,
  );

  cbCase = await newCase(clara, { person: { name: marker('CbName') } });
  expectStatus(
    await clara.http('POST', `/api/cases/${cbCase.id}/exit-phases`, {
      phase: 'distancing',
    }),
    201,
  );
  expectStatus(
    await clara.http('POST', `/api/cases/${cbCase.id}/risk-assessments`, {
      level: 'high',
      threatsToPerson: marker('Threat'),
    }),
    201,
  );
});
afterAll(() => t.close());

const erase = (who: Staff, id: string, caseNumber: string, ground = 'art17_request') =>
  who.http('POST', `/api/cases/${id}/erasure`, { ground, confirmCaseNumber: caseNumber });

describe('POST /api/cases/:id/erasure — who may erase', () => {
  it('refuses counsellors (403), even the assigned one, and auditors', async () => {
    expect(expectStatus(await erase(anna, x.id, x.caseNumber), 403).error).toBe('forbidden');
    expect(expectStatus(await erase(auditor, x.id, x.caseNumber), 403).error).toBe('forbidden');
    expectStatus(await anna.http('GET', `/api/cases/${x.id}`), 200);
  });

  it('answers a team lead of the other service exactly like a missing case (404), and records the denial', async () => {
    const before = await lastAuditSeq(t);
    const theirs = await erase(cbLead, x.id, x.caseNumber);
    const missing = await erase(cbLead, randomUUID(), x.caseNumber);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toEqual(missing.json());
    const events = await auditEvents(t, { action: 'case.erase', sinceSeq: before });
    expect(events.map((event) => [event.outcome, event.reason])).toEqual([
      ['denied', 'not_found'],
      ['denied', 'not_found'],
    ]);
    expectStatus(await anna.http('GET', `/api/cases/${x.id}`), 200);
  });

  it('needs the case number again (400) and a known ground', async () => {
    const wrong = expectStatus(await erase(lead, x.id, keep.caseNumber), 400);
    expect(wrong.message).toContain('confirmCaseNumber');
    expectStatus(await erase(lead, x.id, x.caseNumber, 'because'), 400);
    expectStatus(await anna.http('GET', `/api/cases/${x.id}`), 200);
  });

  it('refuses a case on legal hold (409) until the hold is lifted', async () => {
    expectStatus(
      await anna.http('POST', `/api/cases/${x.id}/legal-hold`, { reason: marker('Hold') }),
      200,
    );
    const refused = expectStatus(await erase(lead, x.id, x.caseNumber), 409);
    expect(refused.message).toContain('legal hold');
    expectStatus(await anna.http('GET', `/api/cases/${x.id}`), 200);
    expectStatus(await anna.http('POST', `/api/cases/${x.id}/legal-hold/lift`, {}), 200);
  });
});

describe('an erased case', () => {
  let before: Buffer[];
  let certificate: Record<string, unknown>;
  let eventsBefore: number;
  let statsBefore: Record<string, string>;

  beforeAll(async () => {
    before = await ciphertextsOfX();
    statsBefore = await statisticsTables();
    // A checkpoint signed before the erasure, over events that carry encrypted access reasons.
    expect((await t.sealer.seal()).signed).toBe(true);
    eventsBefore = (await auditEvents(t)).filter(
      (event) => event.caseNumber === x.caseNumber,
    ).length;
    certificate = expectStatus(await erase(lead, x.id, x.caseNumber), 200);
  });

  it('gets a deletion certificate: what, when, by whom, under which rule — no content', async () => {
    expect(certificate).toMatchObject({
      caseNumber: x.caseNumber,
      service: 'backup',
      rule: 'request.art17_request',
      erasedAt: t.clock.now().toISOString(),
      erasedBy: lead.user.username,
      records: {
        case: 1,
        notes: 2,
        accompaniments: 1,
        compensationClaims: 1,
        referrals: 1,
        appointments: 1,
        incidentLinks: 2,
        incidents: 1,
        dataKeysDestroyed: 3,
        accessLogDetailsCleared: 2,
      },
    });
    const [event] = await auditEvents(t, { action: 'case.erase', actorId: lead.user.id }).then(
      (events) => events.filter((e) => e.outcome === 'allowed'),
    );
    expect(event).toMatchObject({
      targetType: 'case',
      targetId: x.id,
      caseNumber: x.caseNumber,
      actorService: 'backup',
    });
    expect(event!.reason).toMatch(/^request\.art17_request\|case:1,notes:2,/);
    expect(JSON.stringify(certificate)).not.toMatch(/Erase/);
  });

  it('leaves the anonymised statistics as they were', async () => {
    expect(Object.keys(statsBefore).length).toBeGreaterThan(0);
    expect(Object.values(statsBefore).some((rows) => !rows.startsWith('0:'))).toBe(true);
    expect(await statisticsTables()).toEqual(statsBefore);
  });

  it('is not found through any route with parameters, for its own service, exactly like a missing case', async () => {
    const routes = t.app.routeTable.filter((route) => route.hasParams);
    const ids: Record<string, string> = {
      noteId: x.noteId,
      incidentId: x.incidentOnlyX,
      assessmentId: randomUUID(),
      documentId: randomUUID(),
    };
    const upload = uploadForm(
      { title: 'y', kind: 'other' },
      { bytes: Buffer.from('Nur Text.\n'), type: 'text/plain' },
    );
    const bodies: [RegExp, object][] = [
      ...RECORD_ROUTE_BODIES,
      [/\/erasure$/, { ground: 'art17_request', confirmCaseNumber: x.caseNumber }],
      [/^\/api\/accounts\/:id\/confirm$/, {}],
      [/\/documents$/, upload.payload],
      [/\/chronicle$/, CHRONICLE_BODY],
    ];
    let checked = 0;
    for (const route of routes) {
      if (/exit-phases|risk-assessments/.test(route.url)) continue; // ComeBack's, below
      const access = route.access as string[];
      const who = access.includes('counsellor') ? anna : access.includes('team_lead') ? lead : null;
      if (!who) continue;
      const fill = (id: string) =>
        route.url.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
          if (name === 'recordId') return url(route.url);
          if (name === 'id' && route.url.startsWith('/api/appointments/')) return x.appointment;
          if (name === 'id' && route.url.startsWith('/api/incidents/')) return x.incidentOnlyX;
          if (name === 'id' && route.url.startsWith('/api/chronicle/')) return x.chronicle;
          return name === 'id' ? id : ids[name]!;
        });
      const url = (pattern: string) =>
        pattern.includes('accompaniments') ? x.accompaniment : x.claim;
      const payload =
        route.method === 'GET' ? undefined : bodies.find(([p]) => p.test(route.url))?.[1];
      if (route.method !== 'GET' && !payload) throw new Error(`no body for ${route.url}`);
      const headers = payload === upload.payload ? upload.headers : {};
      const erased = await who.http(route.method as 'GET', fill(x.id), payload, headers);
      const missingUrl = route.url.replace(/:[a-zA-Z]+/g, () => randomUUID());
      const missing = await who.http(route.method as 'GET', missingUrl, payload, headers);
      expect(erased.statusCode, `${route.method} ${route.url}: ${erased.body}`).toBe(404);
      expect(erased.json(), `${route.method} ${route.url}`).toEqual(missing.json());
      checked += 1;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('is absent from lists and from search by pseudonym, name, case number and court file number', async () => {
    const list = expectStatus(await anna.http('GET', '/api/cases?limit=100'), 200);
    const numbers = list.cases.map((item: { caseNumber: string }) => item.caseNumber);
    expect(numbers).toContain(keep.caseNumber);
    expect(numbers).not.toContain(x.caseNumber);
    for (const q of [person.pseudonym, person.name, x.caseNumber, courtFileNumber]) {
      const found = expectStatus(await anna.http('POST', '/api/cases/search', { q }), 200);
      expect(found.total, q).toBe(0);
    }
    const incidents = expectStatus(await anna.http('GET', '/api/incidents?limit=100'), 200);
    const incidentIds = incidents.incidents.map((item: { id: string }) => item.id);
    expect(incidentIds).toContain(x.incidentShared);
    expect(incidentIds).not.toContain(x.incidentOnlyX);
    const week = expectStatus(
      await anna.http('GET', '/api/appointments?from=2026-11-30T00:00:00Z&to=2026-12-07T00:00:00Z'),
      200,
    );
    expect(week.appointments.map((item: { id: string }) => item.id)).not.toContain(x.appointment);
  });

  it('leaves the other case and the shared incident readable, without a link to it', async () => {
    expectStatus(await anna.http('GET', `/api/cases/${keep.id}`), 200);
    const shared = expectStatus(await anna.http('GET', `/api/incidents/${x.incidentShared}`), 200);
    expect(shared.description).toBe('shared incident');
    expect(shared.cases).toEqual([{ id: keep.id, caseNumber: keep.caseNumber }]);
  });

  it('has no ciphertext left anywhere in the database, and its data keys are destroyed', async () => {
    expect(before.length).toBeGreaterThan(15);
    const now = await allBytes();
    for (const blob of before) {
      const hit = now.find(({ bytes }) => bytes.includes(blob));
      expect(hit?.where, 'a ciphertext of the erased case survived').toBeUndefined();
    }
    await withClient(t.database.superuserUrl, async (client) => {
      const keys = await client.query(
        `SELECT owner_type, wrapped_key, destroyed_at FROM data_keys
          WHERE owner_id IN ($1, $2, $3) ORDER BY owner_type`,
        [x.id, x.appointment, x.incidentOnlyX],
      );
      expect(keys.rows.map((row) => row.owner_type)).toEqual(['appointment', 'case', 'incident']);
      for (const row of keys.rows) {
        expect(row.wrapped_key).toBeNull();
        expect(row.destroyed_at).not.toBeNull();
      }
      for (const table of [
        'case_notes',
        'accompaniments',
        'compensation_claims',
        'referrals',
        'case_incidents',
        'legal_holds',
      ]) {
        const rows = await client.query(`SELECT 1 FROM ${table} WHERE case_id = $1`, [x.id]);
        expect(rows.rowCount, table).toBe(0);
      }
      const cases = await client.query('SELECT 1 FROM cases WHERE id = $1', [x.id]);
      expect(cases.rowCount).toBe(0);
      const tombstone = await client.query('SELECT * FROM erased_cases WHERE id = $1', [x.id]);
      expect(tombstone.rows).toEqual([
        {
          id: x.id,
          service: 'backup',
          case_number: x.caseNumber,
          opened_year: Number(t.clock.now().toISOString().slice(0, 4)),
          closed_year: null,
          erased_on: expect.any(Date),
          rule: 'request.art17_request',
        },
      ]);
    });
  });

  it('leaves no marker of its content in any table (the wrapped keys and ciphertexts are gone)', async () => {
    const text = await allText();
    // Everything typed into the erased case; the municipality is the shared incident's too,
    // and the ComeBack case is erased later.
    const erased = [...planted]
      .filter(([what]) => !['Municipality', 'CbName', 'Threat'].includes(what))
      .map(([what, value]) => ({ what, value }));
    expect(erased.map((entry) => entry.what).sort()).toEqual(
      [
        'AccessReason',
        'Address',
        'Amendment',
        'ChronicleText',
        'Claim',
        'Court',
        'Hold',
        'IncidentX',
        'Location',
        'Name',
        'Note',
        'Phone',
        'Pseudonym',
        'Referral',
        'Summary',
      ].sort(),
    );
    for (const { what, value } of [...erased, { what: 'CourtFile', value: courtFileNumber }]) {
      expect(text.includes(value), what).toBe(false);
    }
    // The scan does read the rows: the case number stays in the tombstone and the access log.
    expect(text).toContain(x.caseNumber);
  });

  it('keeps its access-log trail, which still verifies', async () => {
    const after = (await auditEvents(t)).filter((event) => event.caseNumber === x.caseNumber);
    expect(after.length).toBe(eventsBefore + 1);
    // The chain still holds: every stored link recomputes from the event and its predecessor
    // (clearing an encrypted detail keeps its digest, which is what the link covers).
    const rows = await withClient(t.database.superuserUrl, (client) =>
      client.query('SELECT * FROM audit_events ORDER BY seq'),
    );
    let previous = GENESIS_LINK;
    for (const row of rows.rows) {
      previous = chainLink(
        previous,
        chainedContent({
          id: row.id,
          seq: BigInt(row.seq),
          at: row.at,
          actorId: row.actor_id,
          actorRole: row.actor_role,
          actorService: row.actor_service,
          action: row.action,
          outcome: row.outcome,
          targetType: row.target_type,
          targetId: row.target_id,
          caseNumber: row.case_number,
          reason: row.reason,
          detailDigest: row.detail_digest,
          clientAddress: row.client_address,
          requestId: row.request_id,
        }),
      );
      expect(Buffer.from(previous).equals(row.link), `event ${row.seq}`).toBe(true);
    }
    // The real verifier: the chain and the checkpoints signed before and after the erasure.
    expect((await t.sealer.seal()).signed).toBe(true);
    const verified = expectStatus(await auditor.http('GET', '/api/audit/verify'), 200);
    expect(verified).toMatchObject({ ok: true });
    expect(verified.checked).toBe(rows.rows.length);
    const cleared = rows.rows.filter((row) => row.target_id === x.id && row.detail_digest);
    expect(cleared.length).toBe(2);
    for (const row of cleared) expect(row.detail).toBeNull();
    const log = expectStatus(
      await auditor.http('GET', `/api/audit?caseNumber=${x.caseNumber}&limit=100`),
      200,
    );
    const unassigned = log.events.find(
      (event: { reason: string | null }) => event.reason === 'unassigned',
    );
    expect(unassigned).toMatchObject({ action: 'case.view', accessReasonRecorded: true });
    const read = expectStatus(
      await auditor.http('GET', `/api/audit/events/${unassigned.id}/access-reason`),
      200,
    );
    expect(read).toMatchObject({ state: 'erased', accessReason: null });
  });

  it('cannot be erased twice (404)', async () => {
    expectStatus(await erase(lead, x.id, x.caseNumber), 404);
  });
});

describe('POST /api/erasures (by case number)', () => {
  it('lets a team lead erase a case of their service by its number, and no one else', async () => {
    const target = await newCase(anna);
    const body = (caseNumber: string) => ({ caseNumber, ground: 'consent_withdrawn' });
    expectStatus(await anna.http('POST', '/api/erasures', body(target.caseNumber)), 403);
    const theirs = await cbLead.http('POST', '/api/erasures', body(target.caseNumber));
    const missing = await cbLead.http('POST', '/api/erasures', body('BU-2026-9999'));
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toEqual(missing.json());
    expectStatus(await anna.http('GET', `/api/cases/${target.id}`), 200);
    expectStatus(await lead.http('POST', '/api/erasures', body('not a number')), 400);

    const done = expectStatus(
      await lead.http('POST', '/api/erasures', body(` ${target.caseNumber.toLowerCase()} `)),
      200,
    );
    expect(done).toMatchObject({
      caseNumber: target.caseNumber,
      rule: 'request.consent_withdrawn',
      erasedBy: lead.user.username,
    });
    expectStatus(await anna.http('GET', `/api/cases/${target.id}`), 404);
    const [event] = (await auditEvents(t, { action: 'case.erase', actorId: lead.user.id })).filter(
      (e) => e.caseNumber === target.caseNumber && e.outcome === 'allowed',
    );
    expect(event).toMatchObject({ targetId: target.id, targetType: 'case' });
  });
});

describe('erasing a ComeBack case', () => {
  it('removes its exit phases and risk assessments (append-only for everyone else)', async () => {
    await withClient(t.database.superuserUrl, async (client) => {
      await expect(
        client.query('DELETE FROM exit_phase_changes WHERE case_id = $1', [cbCase.id]),
      ).rejects.toThrow(/append-only/);
    });
    const done = expectStatus(await erase(cbLead, cbCase.id, cbCase.caseNumber), 200);
    expect(done.records).toMatchObject({ exitPhaseChanges: 2, riskAssessments: 1 });
    expectStatus(await clara.http('GET', `/api/cases/${cbCase.id}`), 404);
    expectStatus(await clara.http('GET', `/api/cases/${cbCase.id}/exit-phases`), 404);
    expectStatus(await clara.http('GET', `/api/cases/${cbCase.id}/risk-assessments`), 404);
    await withClient(t.database.superuserUrl, async (client) => {
      for (const table of ['exit_phase_changes', 'risk_assessments']) {
        const rows = await client.query(`SELECT 1 FROM ${table} WHERE case_id = $1`, [cbCase.id]);
        expect(rows.rowCount, table).toBe(0);
      }
    });
  });

  it('cannot be done by the request role directly: it has no DELETE on case records', async () => {
    const other = await newCase(clara);
    await withClient(serviceLoginUrl(t.database.appUrl, 'comeback'), async (client) => {
      await expect(client.query('DELETE FROM cases WHERE id = $1', [other.id])).rejects.toThrow(
        /permission denied/,
      );
      await client.query("SELECT set_config('casework.erasing', $1, false)", [other.id]);
      await expect(
        client.query('DELETE FROM exit_phase_changes WHERE case_id = $1', [other.id]),
      ).rejects.toThrow(/permission denied/);
    });
    expectStatus(await clara.http('GET', `/api/cases/${other.id}`), 200);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseForIndex } from '../../crypto/index.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { auditEvents } from '../support/access-log-queries.ts';
import {
  CASE_WORK_TABLES,
  SERVICE_TABLES,
  expectStatus,
  newCase,
  withReason,
  startTeam,
  type Staff,
} from '../support/case-work.ts';
import { serviceLoginUrl, type CounsellingService } from '../../server/database/database-roles.ts';

/** The byte patterns under which a marker could hide in a column or a log line. */
function encodings(marker: string): { name: string; bytes: Buffer }[] {
  const forms = new Set([
    marker,
    marker.toLowerCase(),
    marker.toUpperCase(),
    normaliseForIndex(marker),
  ]);
  const patterns: { name: string; bytes: Buffer }[] = [];
  for (const form of forms) {
    const utf8 = Buffer.from(form, 'utf8');
    patterns.push({ name: `utf8 ${form}`, bytes: utf8 });
    patterns.push({ name: `utf16le ${form}`, bytes: Buffer.from(form, 'utf16le') });
    patterns.push({ name: `utf16be ${form}`, bytes: Buffer.from(form, 'utf16le').swap16() });
    patterns.push({ name: `hex ${form}`, bytes: Buffer.from(utf8.toString('hex')) });
    patterns.push({ name: `HEX ${form}`, bytes: Buffer.from(utf8.toString('hex').toUpperCase()) });
    patterns.push({ name: `url ${form}`, bytes: Buffer.from(encodeURIComponent(form)) });
    patterns.push({
      name: `form ${form}`,
      bytes: Buffer.from(new URLSearchParams({ q: form }).toString().slice(2)),
    });
    patterns.push({
      name: `json ${form}`,
      bytes: Buffer.from(
        JSON.stringify(form)
          .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
          .slice(1, -1),
      ),
    });
    // Base64 of the marker at any of the three alignments inside a longer base64 text: the
    // characters not touched by the neighbouring bytes.
    for (let offset = 0; offset < 3; offset++) {
      const encoded = Buffer.concat([Buffer.alloc(offset), utf8]).toString('base64');
      const core = encoded.slice(Math.ceil((offset * 4) / 3), -4);
      patterns.push({ name: `base64/${offset} ${form}`, bytes: Buffer.from(core) });
      patterns.push({
        name: `base64url/${offset} ${form}`,
        bytes: Buffer.from(core.replace(/\+/g, '-').replace(/\//g, '_')),
      });
    }
  }
  return patterns;
}

function toBytes(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Date) return Buffer.from(value.toISOString());
  if (typeof value === 'object' && value !== null) return Buffer.from(JSON.stringify(value));
  return Buffer.from(String(value));
}

/** Every row of every table of the database, as the superuser (no row-level security). */
async function everyValue(superuserUrl: string) {
  return withClient(superuserUrl, async (client) => {
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const values: { where: string; bytes: Buffer }[] = [];
    for (const { table_name: table } of tables.rows) {
      const rows = await client.query(`SELECT * FROM "${table}"`);
      for (const row of rows.rows) {
        for (const [column, value] of Object.entries(row)) {
          if (value !== null) values.push({ where: `${table}.${column}`, bytes: toBytes(value) });
        }
      }
    }
    return { tables: tables.rows.map((row) => row.table_name), values };
  });
}

// david is a colleague of clara's.
const { t, anna, ben, clara, ...colleague } = await startTeam(
  { anna: 'backup', ben: 'backup', clara: 'comeback', david: 'comeback' },
  { captureLog: true },
);
const david = withReason(colleague.david, 'Vier-Augen-Prüfung');
afterAll(() => t.close());

describe('plaintext never reaches the database or the log', () => {
  const markers: string[] = [];
  const mark = (field: string) => {
    const marker = `Mkr${field}Ü${randomBytes(5).toString('hex')}`;
    markers.push(marker);
    return marker;
  };
  const dateOfBirth = '1937-02-19';
  let feedToken = '';

  beforeAll(async () => {
    const backupCase = await newCase(anna, {
      person: {
        pseudonym: mark('Pseudonym'),
        name: mark('Name'),
        dateOfBirth,
        phone: mark('Phone'),
        email: `${mark('Email')}@example.org`,
        address: mark('Address'),
        preferredLanguage: mark('Language'),
        interpreterNeeded: true,
        safeContact: mark('SafeContact'),
      },
      summary: mark('Summary'),
      coCounsellorId: ben.user.id,
    });
    expectStatus(
      await anna.http('PATCH', `/api/cases/${backupCase.id}`, {
        person: { name: mark('NewName') },
        status: 'closed',
        closingReason: mark('ClosingReason'),
      }),
      200,
    );
    const note = expectStatus(
      await anna.http('POST', `/api/cases/${backupCase.id}/notes`, {
        kind: 'counselling_session',
        body: mark('NoteBody'),
      }),
      201,
    );
    expectStatus(
      await anna.http('POST', `/api/cases/${backupCase.id}/notes/${note.id}/amendments`, {
        body: mark('Amendment'),
      }),
      201,
    );
    const markedIncident = expectStatus(
      await anna.http('POST', '/api/incidents', {
        occurredOn: '2026-10-03',
        offenceType: 'arson',
        motives: ['antisemitism'],
        district: 'hamm',
        affectedCount: 2,
        affectedMinors: 0,
        reportedToPolice: 'unknown',
        source: 'press',
        municipality: mark('Municipality'),
        description: mark('IncidentDescription'),
        caseIds: [backupCase.id],
      }),
      201,
    );
    expectStatus(
      await anna.http('PUT', `/api/incidents/${markedIncident.id}/chronicle`, {
        consentBy: mark('ConsentBy'),
        consentForm: 'verbal',
        consentOn: '2026-10-05',
        datePrecision: 'month',
        placePrecision: 'municipality',
        place: mark('ChroniclePlace'),
        publicText: mark('PublicText'),
      }),
      200,
    );
    const accompaniment = expectStatus(
      await anna.http('POST', `/api/cases/${backupCase.id}/accompaniments`, {
        kind: 'court_hearing',
        takesPlaceOn: '2026-12-01',
        role: 'witness',
        court: mark('Court'),
        courtFileNumber: mark('FileNumber'),
        outcome: mark('Outcome'),
      }),
      201,
    );
    expectStatus(
      await anna.http('PATCH', `/api/cases/${backupCase.id}/accompaniments/${accompaniment.id}`, {
        outcome: mark('NewOutcome'),
      }),
      200,
    );
    expectStatus(
      await anna.http('POST', `/api/cases/${backupCase.id}/compensation-claims`, {
        status: 'filed',
        note: mark('ClaimNote'),
      }),
      201,
    );
    expectStatus(
      await anna.http('POST', `/api/cases/${backupCase.id}/referrals`, {
        target: 'therapist',
        referredOn: '2026-11-02',
        consentForm: 'verbal',
        consentOn: '2026-11-01',
        details: mark('ReferralDetails'),
      }),
      201,
    );
    expectStatus(
      await anna.http('POST', '/api/appointments', {
        start: '2026-11-24T10:00:00Z',
        end: '2026-11-24T11:00:00Z',
        kind: 'police_interview',
        caseId: backupCase.id,
        location: mark('Location'),
        note: mark('AppointmentNote'),
      }),
      201,
    );

    const comebackCase = await newCase(clara, {
      person: { pseudonym: mark('CbPseudonym'), name: mark('CbName') },
    });
    expectStatus(
      await clara.http('POST', `/api/cases/${comebackCase.id}/exit-phases`, {
        phase: 'closing',
        reason: mark('PhaseReason'),
      }),
      201,
    );
    const risk = expectStatus(
      await clara.http('POST', `/api/cases/${comebackCase.id}/risk-assessments`, {
        level: 'high',
        threatsToPerson: mark('ThreatsTo'),
        threatsFromPerson: mark('ThreatsFrom'),
        safetyMeasures: mark('SafetyMeasures'),
      }),
      201,
    );
    expectStatus(
      await david.http(
        'POST',
        `/api/cases/${comebackCase.id}/risk-assessments/${risk.id}/decision`,
        { decision: 'confirmed' },
      ),
      200,
    );

    // Reads and searches, including the ones a careless server would log or audit.
    for (const marker of markers.slice(0, 3)) {
      expectStatus(await anna.http('POST', '/api/cases/search', { q: marker }), 200);
      expectStatus(await anna.http('GET', `/api/cases?q=${encodeURIComponent(marker)}`), 200);
    }
    expectStatus(await anna.http('GET', `/api/cases/${backupCase.id}`), 200);
    expectStatus(await anna.http('GET', `/api/cases/${backupCase.id}/notes`), 200);
    expectStatus(await clara.http('GET', `/api/cases/${comebackCase.id}/risk-assessments`), 200);
    const feed = expectStatus(await anna.http('POST', '/api/calendar/feed-token', {}), 201);
    feedToken = feed.token;
    expect((await t.app.inject({ method: 'GET', url: feed.path })).statusCode).toBe(200);
    // A 400 echoing nothing and a failed validation must not log the input either.
    expectStatus(
      await anna.http('POST', '/api/cases', { person: { pseudonym: mark('Rejected'), bogus: 1 } }),
      400,
    );
  });

  it('stores no marker in any table, in plaintext or any common encoding', async () => {
    const { tables, values } = await everyValue(t.database.superuserUrl);
    for (const table of CASE_WORK_TABLES) expect(tables).toContain(table);
    expect(values.length).toBeGreaterThan(300);
    const found: string[] = [];
    for (const marker of markers) {
      for (const pattern of encodings(marker)) {
        for (const value of values) {
          if (value.bytes.includes(pattern.bytes)) found.push(`${pattern.name} in ${value.where}`);
        }
      }
    }
    for (const form of [dateOfBirth, '19370219', '19.02.1937']) {
      for (const value of values) {
        if (value.bytes.includes(Buffer.from(form))) found.push(`${form} in ${value.where}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('finds the markers when they are there (the scan itself works)', async () => {
    const planted = markers[0]!;
    const sample = [
      Buffer.from(`xx${planted}yy`),
      Buffer.from(`ab${Buffer.from(`q${planted}`).toString('base64')}cd`),
      Buffer.from(Buffer.from(planted).toString('hex')),
      Buffer.from(encodeURIComponent(`a ${planted}`)),
      Buffer.from(planted, 'utf16le'),
    ];
    for (const bytes of sample) {
      expect(encodings(planted).some((pattern) => bytes.includes(pattern.bytes))).toBe(true);
    }
  });

  it('writes no marker, search term or feed token into the server log', async () => {
    expect(t.logLines.length).toBeGreaterThan(20);
    const log = Buffer.from(t.logLines.join('\n'));
    const found = markers.flatMap((marker) =>
      encodings(marker)
        .filter((pattern) => log.includes(pattern.bytes))
        .map((pattern) => pattern.name),
    );
    expect(found).toEqual([]);
    expect(log.includes(Buffer.from(feedToken))).toBe(false);
    expect(log.includes(Buffer.from(dateOfBirth))).toBe(false);
  });
});

describe('a ciphertext moved to another place never decrypts there', () => {
  /** Runs SQL as the superuser with triggers off: an attacker who owns the database. */
  const tamper = (sql: string, params: unknown[] = []) =>
    withClient(t.database.superuserUrl, async (client: pg.Client) => {
      await client.query(`SET session_replication_role = replica`);
      const result = await client.query(sql, params);
      expect(result.rowCount).toBe(1);
    });

  async function expectLoudFailure(
    who: Staff,
    url: string,
    audited: { action: string; caseNumber?: string },
    secret: string,
  ) {
    const response = await who.http('GET', url);
    expect(response.statusCode).toBe(500);
    expect(response.json().error).toBe('record_unreadable');
    expect(response.json().message).toContain(response.headers['x-request-id'] ?? 'request id');
    expect(response.body).not.toContain(secret);
    const events = await auditEvents(t, { action: audited.action, actorId: who.user.id });
    const last = events.at(-1)!;
    expect(last).toMatchObject({ outcome: 'failed', reason: 'decryption_failed' });
    if (audited.caseNumber) expect(last.caseNumber).toBe(audited.caseNumber);
  }

  it('from another case of the same service (pseudonym)', async () => {
    const source = await newCase(anna, { person: { pseudonym: 'Quelle Geheim' } });
    const target = await newCase(anna, { person: { pseudonym: 'Ziel' } });
    await tamper(
      `UPDATE cases SET pseudonym = (SELECT pseudonym FROM cases WHERE id = $1) WHERE id = $2`,
      [source.id, target.id],
    );
    await expectLoudFailure(
      anna,
      `/api/cases/${target.id}`,
      { action: 'case.view', caseNumber: target.caseNumber },
      'Quelle Geheim',
    );
    await expectLoudFailure(anna, '/api/cases', { action: 'case.list' }, 'Quelle Geheim');
    // The source itself still reads.
    expect((await anna.http('GET', `/api/cases/${source.id}`)).statusCode).toBe(200);
  });

  it('from another field of the same case (phone into name)', async () => {
    const target = await newCase(anna, {
      person: { pseudonym: 'Feldtausch', name: 'Echter Name', phone: '0170 999' },
    });
    await tamper(`UPDATE cases SET real_name = phone WHERE id = $1`, [target.id]);
    await expectLoudFailure(
      anna,
      `/api/cases/${target.id}`,
      { action: 'case.view', caseNumber: target.caseNumber },
      '0170 999',
    );
  });

  it('from the other service (a ComeBack name into a BackUp case)', async () => {
    const source = await newCase(clara, { person: { pseudonym: 'Aussteiger Geheim' } });
    const target = await newCase(ben, { person: { pseudonym: 'Opfer' } });
    await tamper(
      `UPDATE cases SET pseudonym = (SELECT pseudonym FROM cases WHERE id = $1) WHERE id = $2`,
      [source.id, target.id],
    );
    await expectLoudFailure(
      ben,
      `/api/cases/${target.id}`,
      { action: 'case.view', caseNumber: target.caseNumber },
      'Aussteiger Geheim',
    );
  });

  it('from another case’s note, and an appointment’s place from another appointment', async () => {
    const source = await newCase(clara);
    const target = await newCase(clara);
    await clara.http('POST', `/api/cases/${source.id}/notes`, { kind: 'other', body: 'Notiz A' });
    const note = expectStatus(
      await clara.http('POST', `/api/cases/${target.id}/notes`, { kind: 'other', body: 'Notiz B' }),
      201,
    );
    await tamper(
      `UPDATE case_notes SET body = (SELECT body FROM case_notes WHERE case_id = $1) WHERE id = $2`,
      [source.id, note.id],
    );
    await expectLoudFailure(
      clara,
      `/api/cases/${target.id}/notes`,
      { action: 'note.list', caseNumber: target.caseNumber },
      'Notiz A',
    );

    const first = expectStatus(
      await david.http('POST', '/api/appointments', {
        start: '2026-12-01T10:00:00Z',
        end: '2026-12-01T11:00:00Z',
        kind: 'other',
        location: 'Geheimer Ort',
      }),
      201,
    );
    const second = expectStatus(
      await david.http('POST', '/api/appointments', {
        start: '2026-12-02T10:00:00Z',
        end: '2026-12-02T11:00:00Z',
        kind: 'other',
        location: 'Anderer Ort',
      }),
      201,
    );
    await tamper(
      `UPDATE appointments SET location = (SELECT location FROM appointments WHERE id = $1) WHERE id = $2`,
      [first.appointment.id, second.appointment.id],
    );
    await expectLoudFailure(
      david,
      `/api/appointments/${second.appointment.id}`,
      { action: 'appointment.view' },
      'Geheimer Ort',
    );
  });
});

describe('row-level security holds for raw SQL as the request role', () => {
  let comebackCaseId: string;
  beforeAll(async () => {
    const created = await newCase(clara);
    comebackCaseId = created.id;
    await clara.http('POST', `/api/cases/${created.id}/notes`, { kind: 'other', body: 'cb' });
    await clara.http('POST', `/api/cases/${created.id}/risk-assessments`, { level: 'low' });
    await clara.http('POST', '/api/appointments', {
      start: '2026-12-01T10:00:00Z',
      end: '2026-12-01T11:00:00Z',
      kind: 'other',
      caseId: created.id,
    });
    await clara.http('POST', '/api/prevention-contacts', {
      heldOn: '2026-11-01',
      setting: 'online',
      participants: 2,
    });
    await clara.http('POST', '/api/trainings', {
      heldOn: '2026-11-01',
      format: 'lecture',
      audience: 'other',
      participants: 9,
    });
    await clara.http('POST', '/api/calendar/feed-token', {});
  });

  const asRequestRole = <T>(
    service: CounsellingService | null,
    work: (client: pg.Client) => Promise<T>,
  ) =>
    withClient(
      service ? serviceLoginUrl(t.database.appUrl, service) : t.database.appUrl,
      async (client) => {
        await client.query('BEGIN');
        try {
          if (service)
            await client.query(`SELECT set_config('casework.service', $1, true)`, [service]);
          return await work(client);
        } finally {
          await client.query('ROLLBACK');
        }
      },
    );

  it('lets a request change no stored key and no access-log event, not even to clear them', async () => {
    for (const statement of [
      'UPDATE data_keys SET wrapped_key = NULL',
      "UPDATE data_keys SET service_version = service_version WHERE scope = 'system'",
      'UPDATE audit_events SET detail = NULL',
      'DELETE FROM data_keys',
    ]) {
      await expect(
        asRequestRole('backup', (client) => client.query(statement)),
        statement,
      ).rejects.toThrow(/permission denied/);
    }
  });

  it('is enabled and forced on every table with a service column, and those are the service tables', async () => {
    const tables = await withClient(t.database.superuserUrl, (client) =>
      client.query(
        `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = 'r'
            AND EXISTS (SELECT 1 FROM information_schema.columns col
                         WHERE col.table_schema = 'public' AND col.table_name = c.relname
                           AND col.column_name = 'service')`,
      ),
    );
    expect(tables.rows.map((row) => row.relname).sort()).toEqual([...SERVICE_TABLES].sort());
    for (const row of tables.rows) {
      expect(row, row.relname).toMatchObject({
        relrowsecurity: true,
        relforcerowsecurity: true,
        policies: 1,
      });
    }
  });

  it('with the BackUp service set, shows, changes and deletes no ComeBack row', async () => {
    const totals = await withClient(t.database.superuserUrl, async (client) => {
      const counts: Record<string, number> = {};
      for (const table of CASE_WORK_TABLES) {
        const result = await client.query(
          `SELECT count(*)::int AS n FROM ${table} WHERE service = 'comeback'`,
        );
        counts[table] = result.rows[0].n;
      }
      return counts;
    });
    for (const table of CASE_WORK_TABLES) {
      if (
        table !== 'incidents' &&
        table !== 'case_incidents' &&
        ![
          'accompaniments',
          'compensation_claims',
          'referrals',
          'follow_ups',
          'chronicle_entries',
          'chronicle_publications',
        ].includes(table)
      ) {
        expect(totals[table], table).toBeGreaterThan(0);
      }
    }
    await asRequestRole('backup', async (client) => {
      for (const table of CASE_WORK_TABLES) {
        const seen = await client.query(
          `SELECT count(*)::int AS n FROM ${table} WHERE service = 'comeback'`,
        );
        expect(seen.rows[0].n, table).toBe(0);
      }
      const updated = await client.query(
        `UPDATE cases SET status = 'paused' WHERE service = 'comeback'`,
      );
      expect(updated.rowCount).toBe(0);
      const byId = await client.query(`UPDATE cases SET status = 'paused' WHERE id = $1`, [
        comebackCaseId,
      ]);
      expect(byId.rowCount).toBe(0);
      const appointments = await client.query(
        `UPDATE appointments SET status = 'cancelled' WHERE service = 'comeback'`,
      );
      expect(appointments.rowCount).toBe(0);
      const unlinked = await client.query(`DELETE FROM case_incidents WHERE service = 'comeback'`);
      expect(unlinked.rowCount).toBe(0);
    });
    await expect(
      asRequestRole('backup', (client) =>
        client.query(`DELETE FROM cases WHERE id = $1`, [comebackCaseId]),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(
      asRequestRole('backup', (client) =>
        client.query(
          `INSERT INTO prevention_contacts (id, service, held_on, setting, participants, created_by)
           VALUES ($1, 'comeback', '2026-01-01', 'school', 1, $2)`,
          [randomUUID(), clara.user.id],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asRequestRole('backup', (client) =>
        client.query(`UPDATE cases SET service = 'comeback' WHERE service = 'backup'`),
      ),
    ).rejects.toThrow(/row-level security|violates/);
    const still = await withClient(t.database.superuserUrl, (client) =>
      client.query(`SELECT status FROM cases WHERE id = $1`, [comebackCaseId]),
    );
    expect(still.rows[0].status).toBe('open');
  });

  it('with no service set, shows nothing at all', async () => {
    await asRequestRole(null, async (client) => {
      for (const table of CASE_WORK_TABLES) {
        const seen = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
        expect(seen.rows[0].n, table).toBe(0);
      }
      const updated = await client.query(`UPDATE cases SET status = 'paused'`);
      expect(updated.rowCount).toBe(0);
    });
  });
});

import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withClient } from '../../server/database/pg-client.ts';
import type * as FieldCryptoModule from '../../server/keys/field-crypto.ts';
import type * as KeyringModule from '../../server/keys/keyring.ts';
import type { StatsCell, StatsResponse, StatsTable } from '../../server/schemas/stats.schema.ts';
import {
  auditEvents,
  expectStatus,
  lastAuditSeq,
  newCase,
  newCounsellor,
  newStaff,
  startCaseWorkApp,
  type CaseWorkApp,
  type Staff,
} from '../support/case-work.ts';

// Every way into a decrypted record counts here: field decryption and data-key unwrapping.
const decryptions = vi.hoisted(() => ({ fields: 0, dataKeys: 0 }));

vi.mock('../../server/keys/field-crypto.ts', async (importOriginal) => {
  const original = await importOriginal<typeof FieldCryptoModule>();
  return {
    ...original,
    createFieldCrypto: (...args: Parameters<typeof original.createFieldCrypto>) => {
      const fields = original.createFieldCrypto(...args);
      const count =
        <F extends (...a: never[]) => unknown>(fn: F) =>
        (...a: Parameters<F>) => {
          decryptions.fields += 1;
          return fn(...a);
        };
      return {
        ...fields,
        decryptString: count(fields.decryptString.bind(fields)),
        decryptMany: count(fields.decryptMany.bind(fields)),
        decryptEach: count(fields.decryptEach.bind(fields)),
      } as typeof fields;
    },
  };
});

vi.mock('../../server/keys/keyring.ts', async (importOriginal) => {
  const original = await importOriginal<typeof KeyringModule>();
  return {
    ...original,
    createKeyring: (...args: Parameters<typeof original.createKeyring>) => {
      const keyring = original.createKeyring(...args);
      const dataKey = keyring.dataKey.bind(keyring);
      const dataKeys = keyring.dataKeys.bind(keyring);
      keyring.dataKey = (...a) => {
        decryptions.dataKeys += 1;
        return dataKey(...a);
      };
      keyring.dataKeys = (...a) => {
        decryptions.dataKeys += 1;
        return dataKeys(...a);
      };
      return keyring;
    },
  };
});

const K = 5;
let t: CaseWorkApp;
let anna: Staff; // BackUp counsellor
let lea: Staff; // BackUp team lead
let clara: Staff; // ComeBack counsellor
let cole: Staff; // ComeBack team lead
const caseIds: string[] = [];
const caseNumbers: string[] = [];
const incidentIds: string[] = [];

async function incident(overrides: Record<string, unknown>) {
  const body = expectStatus(
    await anna.http('POST', '/api/incidents', {
      occurredOn: '2026-03-10',
      offenceType: 'simple_bodily_harm',
      motives: ['antisemitism'],
      district: 'dortmund',
      affectedCount: 1,
      affectedMinors: 0,
      reportedToPolice: 'yes',
      source: 'press',
      ...overrides,
    }),
    201,
  );
  incidentIds.push(body.id);
  return body.id as string;
}

beforeAll(async () => {
  t = await startCaseWorkApp();
  t.clock.set(new Date('2026-11-23T09:00:00Z'));
  anna = await newCounsellor(t, 'backup');
  clara = await newCounsellor(t, 'comeback');
  lea = await newStaff(t, 'team_lead', 'backup');
  cole = await newStaff(t, 'team_lead', 'comeback');

  // The small category: 3 arsons in Kreis Soest in March, each concerning one case.
  for (let i = 0; i < 3; i += 1) {
    const created = await newCase(anna, { openedOn: '2026-03-11' });
    caseIds.push(created.id);
    caseNumbers.push(created.caseNumber);
    await incident({
      offenceType: 'arson',
      district: 'kreis_soest',
      motives: ['racism_anti_black'],
      affectedCount: 2,
      caseIds: [created.id],
    });
  }
  // Around them, categories big enough to publish.
  for (let i = 0; i < 7; i += 1) await incident({ occurredOn: `2026-03-0${i + 1}` });
  for (let i = 0; i < 6; i += 1) {
    await incident({ occurredOn: '2026-01-15', offenceType: 'coercion_threat', affectedCount: 3 });
  }
  for (let i = 0; i < 8; i += 1) {
    await incident({
      occurredOn: '2026-05-02',
      offenceType: 'property_damage',
      district: 'bochum',
      reportedToPolice: 'no',
      source: 'partners',
      affectedCount: 2,
    });
  }
  for (let i = 0; i < 6; i += 1) {
    const created = await newCase(anna, { openedOn: '2026-02-0' + (i + 1) });
    caseIds.push(created.id);
    caseNumbers.push(created.caseNumber);
  }

  // ComeBack: two cases, one ended by breaking off.
  for (let i = 0; i < 2; i += 1) {
    const created = await newCase(clara, { openedOn: '2026-01-05' });
    caseIds.push(created.id);
    caseNumbers.push(created.caseNumber);
  }
  expectStatus(
    await clara.http('POST', `/api/cases/${caseIds.at(-1)}/exit-phases`, {
      phase: 'breaking_off',
      changedOn: '2026-06-01',
      reason: 'Kein Kontakt mehr',
    }),
    201,
  );
  expectStatus(
    await clara.http('POST', '/api/prevention-contacts', {
      heldOn: '2026-04-01',
      setting: 'school',
      participants: 25,
    }),
    201,
  );
});
afterAll(() => t.close());

const everyCell = (table: StatsTable): StatsCell[] =>
  [...table.rows, table.totals].flatMap((row) => [...row.cells, row.total]);

function expectNoSmallCount(cells: StatsCell[], where: string) {
  for (const cell of cells) {
    expect(cell.suppressed, where).toBe(cell.value === null);
    if (cell.value !== null) {
      expect(cell.value === 0 || cell.value >= K, `${where}: ${cell.value}`).toBe(true);
    }
  }
}

async function view(who: Staff, query: string): Promise<StatsResponse> {
  return expectStatus(await who.http('GET', `/api/stats${query}`), 200);
}

const table = (response: { tables: StatsTable[] }, id: string) =>
  response.tables.find((candidate) => candidate.id === id)!;

describe('GET /api/stats', () => {
  it("answers a team lead with their own service's tables, every count 1..4 suppressed", async () => {
    const views = [
      await view(lea, ''),
      await view(lea, '?granularity=month&year=2026'),
      await view(lea, '?granularity=quarter&year=2026'),
      await view(lea, '?granularity=year&year=2026'),
      await view(lea, '?granularity=year&year=2030'),
      await view(lea, '?granularity=month&year=2025'),
    ];
    for (const response of views) {
      expect(response.service).toBe('backup');
      expect(response.minCellSize).toBe(K);
      for (const stats of response.tables) expectNoSmallCount(everyCell(stats), stats.id);
    }
    const months = views[1]!;
    expect(months.granularity).toBe('month');
    const byOffence = table(months, 'incidents_by_offence');
    expect(byOffence.columns[2]).toBe('2026-03');
    const arson = byOffence.rows.find((row) => row.key === 'arson')!;
    expect(arson.cells[2]).toEqual({ value: null, suppressed: true });
    expect(arson.total).toEqual({ value: null, suppressed: true });
    // With so few incidents secondary suppression hides every month here, but the year's
    // total of all incidents is published.
    expect(byOffence.totals.total).toEqual({ value: 24, suppressed: false });
    expect(table(months, 'incidents_by_district').totals.total).toEqual({
      value: 24,
      suppressed: false,
    });
  });

  it('resists differencing: totals, years, quarters and other breakdowns never isolate the 3', async () => {
    const months = await view(lea, '?granularity=month&year=2026');
    const quarters = await view(lea, '?granularity=quarter&year=2026');
    const years = await view(lea, '?granularity=year&year=2026');
    const report = expectStatus(await lea.http('GET', '/api/stats/report?year=2026'), 200);
    const recovered: string[] = [];
    // One additive relation: if exactly one of its cells is hidden, the reader recovers it.
    const tryDifference = (label: string, parts: StatsCell[], whole: StatsCell) => {
      const hidden = [...parts, whole].filter((cell) => cell.suppressed);
      if (hidden.length === 1) recovered.push(label);
    };
    for (const id of ['incidents_by_offence', 'incidents_by_district', 'incidents_by_source']) {
      const m = table(months, id);
      const q = table(quarters, id);
      const y = table(years, id);
      const r = table(report, id);
      const rows = [...m.rows.map((row) => row.key), 'TOTAL'];
      rows.forEach((key, index) => {
        const pick = (tbl: StatsTable) =>
          key === 'TOTAL' ? tbl.totals : tbl.rows.find((row) => row.key === key)!;
        const mr = pick(m);
        const qr = pick(q);
        // year minus visible months
        tryDifference(`${id}/${key}: year - months`, mr.cells, mr.total);
        // quarter minus its months
        for (let quarter = 0; quarter < 4; quarter += 1) {
          tryDifference(
            `${id}/${key}: Q${quarter + 1} - months`,
            mr.cells.slice(quarter * 3, quarter * 3 + 3),
            qr.cells[quarter]!,
          );
        }
        tryDifference(`${id}/${key}: year - quarters`, qr.cells, qr.total);
        // the five-year view shows the same year cell as the month view's total
        expect(pick(y).cells[4], `${id}/${key}`).toEqual(mr.total);
        expect(pick(r).total, `${id}/${key}`).toEqual(mr.total);
        void index;
      });
      // total minus the visible cells of a column, in every view
      for (const tbl of [m, q, y]) {
        tbl.columns.forEach((column, c) =>
          tryDifference(
            `${id}: total ${column} - rows`,
            tbl.rows.map((row) => row.cells[c]!),
            tbl.totals.cells[c]!,
          ),
        );
        tryDifference(
          `${id}: grand total - rows`,
          tbl.rows.map((row) => row.total),
          tbl.totals.total,
        );
      }
    }
    // One breakdown against another: both share the totals row, so it must agree and hide
    // the same cells.
    const offence = table(months, 'incidents_by_offence');
    const district = table(months, 'incidents_by_district');
    expect(district.totals).toEqual(offence.totals);
    const march = offence.totals.cells[2]!;
    if (!march.suppressed) {
      const visibleOffences = offence.rows.reduce(
        (sum, row) => sum + (row.cells[2]!.value ?? 0),
        0,
      );
      const visibleDistricts = district.rows.reduce(
        (sum, row) => sum + (row.cells[2]!.value ?? 0),
        0,
      );
      // What is hidden in March adds up to at least k in each breakdown.
      expect(march.value! - visibleOffences).toBeGreaterThanOrEqual(K);
      expect(march.value! - visibleDistricts).toBeGreaterThanOrEqual(K);
      expect(offence.rows.filter((row) => row.cells[2]!.suppressed).length).toBeGreaterThanOrEqual(
        2,
      );
      expect(district.rows.filter((row) => row.cells[2]!.suppressed).length).toBeGreaterThanOrEqual(
        2,
      );
    }
    expect(recovered).toEqual([]);
  });

  it('counts without decrypting anything: no field decryption, no data key', async () => {
    decryptions.fields = 0;
    decryptions.dataKeys = 0;
    expectStatus(await lea.http('GET', '/api/stats?granularity=quarter'), 200);
    expectStatus(await lea.http('GET', '/api/stats/report?year=2026'), 200);
    expectStatus(await lea.http('GET', '/api/stats/workload'), 200);
    const csv = await lea.http(
      'GET',
      '/api/stats/export.csv?table=incidents_by_district&year=2026',
    );
    expect(csv.statusCode).toBe(200);
    expectStatus(await cole.http('GET', '/api/stats'), 200);
    expect(decryptions).toEqual({ fields: 0, dataKeys: 0 });
    // The spies work: a counsellor reading a case does decrypt.
    expectStatus(await anna.http('GET', `/api/cases/${caseIds[0]}`), 200);
    expect(decryptions.fields + decryptions.dataKeys).toBeGreaterThan(0);
  });

  it('gives a team lead nothing of the other service', async () => {
    const comeback = await view(cole, '?year=2026');
    expect(comeback.service).toBe('comeback');
    const ids = comeback.tables.map((stats) => stats.id);
    expect(ids).not.toContain('incidents_by_offence');
    expect(ids).toContain('endings_by_reason');
    for (const stats of comeback.tables) expectNoSmallCount(everyCell(stats), stats.id);
    // BackUp has 9 cases opened in 2026; ComeBack sees only its own 2 (suppressed).
    const opened = table(comeback, 'cases_opened_closed').rows.find((row) => row.key === 'opened')!;
    expect(opened.total).toEqual({ value: null, suppressed: true });
    const backup = await view(lea, '?year=2026');
    expect(backup.tables.map((stats) => stats.id)).not.toContain('endings_by_reason');
    const backupOpened = table(backup, 'cases_opened_closed').rows.find((r) => r.key === 'opened')!;
    expect(backupOpened.total).toEqual({ value: 9, suppressed: false });
    const theirs = await cole.http('GET', '/api/stats/export.csv?table=incidents_by_offence');
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().error).toBe('not_found');
  });

  it('refuses counsellors, auditors and admins (403) on every statistics route', async () => {
    const auditor = await newStaff(t, 'auditor');
    const admin = await newStaff(t, 'admin');
    for (const who of [anna, clara, auditor, admin]) {
      for (const url of [
        '/api/stats',
        '/api/stats/workload',
        '/api/stats/report',
        '/api/stats/export.csv?table=incidents_by_offence',
      ]) {
        const response = await who.http('GET', url);
        expect(response.statusCode, url).toBe(403);
        expect(response.json().error).toBe('forbidden');
        expect(response.body).not.toMatch(/"value"/);
      }
    }
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/stats' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('rejects unknown query parameters and bad values (400)', async () => {
    for (const query of ['?granularity=week', '?year=1999', '?service=comeback', '?year=abc']) {
      expect((await lea.http('GET', `/api/stats${query}`)).statusCode, query).toBe(400);
    }
    const bad = await lea.http('GET', '/api/stats/export.csv?table=DROP%20TABLE');
    expect(bad.statusCode).toBe(400);
  });
});

describe('GET /api/stats/export.csv and /api/stats/report', () => {
  it('writes the same suppressed table as CSV for German Excel, every hidden cell as one word, never "<5"', async () => {
    const response = await lea.http(
      'GET',
      '/api/stats/export.csv?table=incidents_by_offence&granularity=month&year=2026',
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toContain('incidents_by_offence');
    expect(response.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = readCsv(response.body);
    expect(lines[0]).toEqual([
      'Tatbestand',
      ...['Jan.', 'Feb.', 'März', 'Apr.', 'Mai', 'Juni', 'Juli', 'Aug.', 'Sept.', 'Okt.', 'Nov.']
        .concat('Dez.')
        .map((month) => `${month} 2026`),
      'Summe',
      'Code',
    ]);
    const arson = lines.find((line) => line.at(-1) === 'arson')!;
    expect(arson[0]).toBe('Brandstiftung');
    expect(arson[3]).toBe('verborgen');
    expect(arson.at(-2)).toBe('verborgen');
    expect(response.body).not.toContain('<');
    expect(lines.at(-1)![0]).toBe('Summe');
    const json = table(await view(lea, '?granularity=month&year=2026'), 'incidents_by_offence');
    expect(lines).toHaveLength(json.rows.length + 2);
  });

  it('never shows a count from 1 to 4 in any CSV or in the annual report', async () => {
    const { tables } = await view(lea, '?year=2026');
    for (const stats of tables) {
      for (const granularity of ['month', 'quarter', 'year']) {
        const csv = await lea.http(
          'GET',
          `/api/stats/export.csv?table=${stats.id}&granularity=${granularity}&year=2026`,
        );
        expect(csv.statusCode).toBe(200);
        const numbers = readCsv(csv.body)
          .slice(1)
          .flatMap((line) => line.slice(1, -1))
          .filter((field) => /^\d+$/.test(field))
          .map(Number);
        expect(
          numbers.filter((n) => n > 0 && n < K),
          `${stats.id} ${granularity}`,
        ).toEqual([]);
      }
    }
    const report = expectStatus(await lea.http('GET', '/api/stats/report?year=2026'), 200);
    expect(report).toMatchObject({ service: 'backup', year: 2026, minCellSize: K });
    expect(table(report, 'incidents_by_offence').columns).toEqual([
      '2026-Q1',
      '2026-Q2',
      '2026-Q3',
      '2026-Q4',
    ]);
    for (const stats of report.tables) expectNoSmallCount(everyCell(stats), stats.id);
  });
});

describe('GET /api/stats/workload', () => {
  it('counts open cases and upcoming appointments per counsellor of the own service', async () => {
    expectStatus(
      await anna.http('POST', '/api/appointments', {
        start: '2026-11-30T10:00:00+01:00',
        end: '2026-11-30T11:00:00+01:00',
        kind: 'counselling_session',
      }),
      201,
    );
    const { counsellors } = expectStatus(await lea.http('GET', '/api/stats/workload'), 200);
    expect(counsellors).toEqual([
      {
        userId: anna.user.id,
        displayName: anna.username,
        openCases: 9,
        upcomingAppointments: 1,
      },
    ]);
    const theirs = expectStatus(await cole.http('GET', '/api/stats/workload'), 200);
    expect(theirs.counsellors.map((c: { userId: string }) => c.userId)).toEqual([clara.user.id]);
  });
});

describe('the access log', () => {
  it('records every statistics call with its action', async () => {
    const since = await lastAuditSeq(t);
    await lea.http('GET', '/api/stats?granularity=quarter&year=2026');
    await lea.http('GET', '/api/stats/export.csv?table=incidents_by_source&year=2026');
    await lea.http('GET', '/api/stats/report?year=2026');
    await lea.http('GET', '/api/stats/workload');
    await anna.http('GET', '/api/stats');
    const events = await auditEvents(t, { sinceSeq: since });
    expect(
      events
        .map((e) => [e.action, e.outcome, e.actorId, e.reason])
        .filter(([a]) => String(a).startsWith('stats.') || a === 'access.denied'),
    ).toEqual([
      ['stats.view', 'allowed', lea.user.id, 'quarter:2026'],
      ['stats.export', 'allowed', lea.user.id, 'incidents_by_source:month:2026'],
      ['stats.report', 'allowed', lea.user.id, 'year:2026'],
      ['stats.workload', 'allowed', lea.user.id, 'counts'],
      ['access.denied', 'denied', anna.user.id, expect.any(String)],
    ]);
  });
});

describe('the facts tables in a database dump', () => {
  const dump = () =>
    withClient(t.database.superuserUrl, async (client) => {
      const columns = await client.query(
        `SELECT table_name, column_name FROM information_schema.columns
          WHERE table_name LIKE 'stats\\_%' ORDER BY 1, 2`,
      );
      const rows: string[] = [];
      for (const name of ['stats_incident_facts', 'stats_case_facts', 'stats_activity_facts']) {
        const result = await client.query(
          `SELECT x::text AS row, encode(key, 'hex') AS key FROM ${name} x`,
        );
        rows.push(...result.rows.map((row) => `${row.row} ${row.key}`));
      }
      const counts = await client.query(
        `SELECT (SELECT count(*)::int FROM stats_incident_facts) AS incidents,
                (SELECT count(*)::int FROM incidents) AS source_incidents,
                (SELECT count(*)::int FROM stats_case_facts) AS cases,
                (SELECT count(*)::int FROM cases) AS source_cases`,
      );
      return {
        columns: columns.rows as { table_name: string; column_name: string }[],
        rows,
        counts: counts.rows[0],
      };
    });

  it('holds no id, case number, timestamp or foreign key of a case or record', async () => {
    const { columns, rows } = await dump();
    expect(new Set(columns.map((c) => c.table_name))).toEqual(
      new Set(['stats_incident_facts', 'stats_case_facts', 'stats_activity_facts']),
    );
    for (const { column_name } of columns) {
      expect(column_name).not.toMatch(/(^|_)id$|created|updated|case|number|_at$|_on$/);
    }
    const identifiers = [...caseIds, ...caseNumbers, ...incidentIds];
    const compact = identifiers.map((id) => id.replace(/-/g, '').toLowerCase());
    for (const row of rows) {
      for (const id of [...identifiers, ...compact]) expect(row).not.toContain(id.toLowerCase());
    }
    const foreignKeys = await withClient(t.database.superuserUrl, (client) =>
      client.query(
        `SELECT conname FROM pg_constraint WHERE contype = 'f'
            AND conrelid::regclass::text LIKE 'stats\\_%'`,
      ),
    );
    expect(foreignKeys.rows).toEqual([]);
  });

  it('keeps one fact per record: an edit replaces it, it does not add one', async () => {
    const before = (await dump()).counts;
    expect(before.incidents).toBe(before.source_incidents);
    expect(before.cases).toBe(before.source_cases);
    expectStatus(
      await anna.http('PATCH', `/api/incidents/${incidentIds[5]}`, { offenceType: 'arson' }),
      200,
    );
    const after = (await dump()).counts;
    expect(after.incidents).toBe(before.incidents);
    const arsons = await withClient(t.database.superuserUrl, (client) =>
      client.query(
        `SELECT count(*)::int AS n FROM stats_incident_facts WHERE offence_type = 'arson'`,
      ),
    );
    expect(arsons.rows[0].n).toBe(4);
    const quarters = await view(lea, '?granularity=quarter&year=2026');
    const arson = table(quarters, 'incidents_by_offence').rows.find((row) => row.key === 'arson')!;
    expect(arson.total).toEqual({ value: null, suppressed: true }); // 4: still hidden
  });
});

describe('the facts the services keep', () => {
  const facts = (sql: string) =>
    withClient(t.database.superuserUrl, async (client) => (await client.query(sql)).rows);

  it('records exit phases, endings with their duration, prevention and contacts on write', async () => {
    expect(
      await facts(
        `SELECT activity, kind, month, participants FROM stats_activity_facts
          WHERE service = 'comeback' ORDER BY activity, kind`,
      ),
    ).toEqual([
      { activity: 'exit_phase', kind: 'breaking_off', month: 202606, participants: null },
      { activity: 'exit_phase', kind: 'first_contact', month: 202601, participants: null },
      { activity: 'exit_phase', kind: 'first_contact', month: 202601, participants: null },
      { activity: 'prevention', kind: 'school', month: 202604, participants: 25 },
    ]);
    expect(
      await facts(
        `SELECT opened_month, ended_month, ending::text, duration_range FROM stats_case_facts
          WHERE service = 'comeback' ORDER BY ended_month NULLS LAST`,
      ),
    ).toEqual([
      { opened_month: 202601, ended_month: 202606, ending: 'breaking_off', duration_range: '3-6m' },
      { opened_month: 202601, ended_month: null, ending: null, duration_range: null },
    ]);
    expectStatus(
      await anna.http('POST', `/api/cases/${caseIds[0]}/notes`, {
        kind: 'phone_call',
        body: 'Rückruf wegen des Termins',
      }),
      201,
    );
    expect(
      await facts(
        `SELECT activity, kind, month FROM stats_activity_facts WHERE service = 'backup'`,
      ),
    ).toEqual([{ activity: 'contact', kind: 'phone_call', month: 202611 }]); // the test clock's month
  });

  it('keeps the facts of a case that is erased', async () => {
    const erased = caseIds.at(-2)!; // ComeBack, still open
    const before = await facts(`SELECT count(*)::int AS n FROM stats_case_facts`);
    await withClient(t.database.superuserUrl, async (client) => {
      await client.query(`ALTER TABLE exit_phase_changes DISABLE TRIGGER USER`);
      await client.query(`DELETE FROM exit_phase_changes WHERE case_id = $1`, [erased]);
      await client.query(`ALTER TABLE exit_phase_changes ENABLE TRIGGER USER`);
      await client.query(`DELETE FROM cases WHERE id = $1`, [erased]);
    });
    expect(await facts(`SELECT count(*)::int AS n FROM stats_case_facts`)).toEqual(before);
    const comeback = await view(cole, '?granularity=year&year=2026');
    const opened = table(comeback, 'cases_opened_closed').rows.find((r) => r.key === 'opened')!;
    expect(opened.cells[4]).toEqual({ value: null, suppressed: true }); // still 2, hidden
    expect(
      await facts(`SELECT count(*)::int AS n FROM stats_case_facts WHERE service = 'comeback'`),
    ).toEqual([{ n: 2 }]);
  });
});

describe('rebuilding the facts (casework stats rebuild)', () => {
  const keys = () =>
    withClient(t.database.superuserUrl, async (client) => {
      const rows = await client.query(
        `SELECT encode(key, 'hex') AS key, month, offence_type::text AS offence FROM stats_incident_facts
         UNION ALL SELECT encode(key, 'hex'), opened_month, NULL FROM stats_case_facts WHERE service = 'backup'
         UNION ALL SELECT encode(key, 'hex'), month, kind FROM stats_activity_facts WHERE service = 'backup'
         ORDER BY 1`,
      );
      return rows.rows;
    });

  it('makes the same facts, under the same keys, from the records alone', async () => {
    const before = await keys();
    expect(before.length).toBeGreaterThan(30);
    await withClient(t.database.superuserUrl, async (client) => {
      await client.query(`DELETE FROM stats_incident_facts`);
      await client.query(`DELETE FROM stats_case_facts WHERE service = 'backup'`);
      await client.query(`DELETE FROM stats_activity_facts WHERE service = 'backup'`);
    });
    const since = await lastAuditSeq(t);
    const count = await t.app.caseWork.stats.rebuildFacts(
      { actor: null, clientAddress: null, requestId: 'test' },
      'backup',
    );
    expect(count).toBeGreaterThanOrEqual(before.length);
    expect(await keys()).toEqual(before);
    const events = await auditEvents(t, { action: 'stats.rebuild', sinceSeq: since });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: 'allowed', targetId: 'backup' });
    // Idempotent.
    await t.app.caseWork.stats.rebuildFacts(
      { actor: null, clientAddress: null, requestId: 'test' },
      'backup',
    );
    expect(await keys()).toEqual(before);
  });
});

/** A CSV export as German office software reads it: UTF-8 with a BOM, `;` between fields. */
function readCsv(text: string): string[][] {
  return parse(text, { bom: true, delimiter: ';' });
}

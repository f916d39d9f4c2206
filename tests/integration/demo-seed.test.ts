import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseForIndex } from '../../crypto/index.ts';
import { createDemoSeed } from '../../server/container.ts';
import { withClient } from '../../server/database/pg-client.ts';
import {
  closeDatabase,
  createDatabase,
  type Database,
} from '../../server/database/prisma-client.ts';
import { AppError } from '../../server/errors/app-error.ts';
import type { RequestContext } from '../../server/services/actor.ts';
import {
  APPOINTMENT_NOTES,
  APPOINTMENT_PLACES,
  BACKUP_NOTES,
  BACKUP_SUMMARIES,
  CLAIM_STORIES,
  CLOSING_REASONS,
  COMEBACK_NOTES,
  COMEBACK_SUMMARIES,
  DEMO_ACCOUNTS,
  EXIT_PATHS,
  INCIDENT_STORIES,
  LEGAL_HOLD_REASON,
  NOTE_AMENDMENT,
  REFERRALS,
  RISK_TEXTS,
} from '../../server/services/demo/demo-data.ts';
import {
  DEMO_SIZE,
  type DemoAccount,
  type DemoSeedResult,
} from '../../server/services/demo/demo-seed.service.ts';
import { asUser, sessionCookie } from '../support/accounts.ts';
import { countRows, expectStatus, snapshot, type Http } from '../support/case-work.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const CLI: RequestContext = { actor: null, clientAddress: null, requestId: 'test:demo-seed' };
const FIRST_ADMIN = { username: 'erste.admin', password: 'Leuchtturm Brezel Gewitter Akkordeon' };

function seederFor(t: TestApp, db: Database) {
  return createDemoSeed(t.app, db, t.clock);
}

let loginAddress = 0;
/** Signs in through POST /api/auth/login; each attempt from its own address (rate limit). */
async function login(t: TestApp, username: string, password: string, totp?: string) {
  loginAddress += 1;
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: `10.0.${Math.floor(loginAddress / 250)}.${loginAddress % 250}`,
    payload: { username, password, ...(totp === undefined ? {} : { totp }) },
  });
}

const codeAt = (t: TestApp, secret: string) =>
  generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });

/** Every non-null value of every table, as the superuser sees it (no row-level security). */
async function everyValue(superuserUrl: string) {
  return withClient(superuserUrl, async (client) => {
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const values: { where: string; bytes: Buffer }[] = [];
    for (const { table_name: table } of tables.rows) {
      for (const row of (await client.query(`SELECT * FROM "${table}"`)).rows) {
        for (const [column, value] of Object.entries(row)) {
          if (value === null) continue;
          const bytes = Buffer.isBuffer(value)
            ? value
            : Buffer.from(
                value instanceof Date
                  ? value.toISOString()
                  : typeof value === 'object'
                    ? JSON.stringify(value)
                    : String(value),
              );
          values.push({ where: `${table}.${column}`, bytes });
        }
      }
    }
    return values;
  });
}

/** The forms a plaintext could be stored in: as given, lower case, blind-index normalised. */
function forms(text: string): Buffer[] {
  return [...new Set([text, text.toLowerCase(), normaliseForIndex(text)])].map((form) =>
    Buffer.from(form, 'utf8'),
  );
}

describe('casework demo seed', () => {
  let t: TestApp;
  let db: Database;
  let result: DemoSeedResult;
  const progress: [number, number][] = [];
  const account = (username: string): DemoAccount =>
    result.accounts.find((candidate) => candidate.username === username)!;

  beforeAll(async () => {
    t = await startTestApp();
    db = createDatabase({ url: t.database.appUrl, poolMax: 2 });
    // A fresh installation as `npm start` leaves it once the first administrator exists.
    await t.app.services.accounts.create(CLI, { ...FIRST_ADMIN, role: 'admin' });
    result = await seederFor(t, db).seed(CLI, (done, total) => progress.push([done, total]));
  });
  afterAll(async () => {
    if (db) await closeDatabase(db);
    await t?.close();
  });

  it('reports progress from 0 to every step, in order', () => {
    const total = progress[0]![1];
    expect(total).toBeGreaterThan(300);
    expect(progress[0]).toEqual([0, total]);
    expect(progress.at(-1)).toEqual([total, total]);
    expect(progress.map(([done]) => done)).toEqual(Array.from({ length: total + 1 }, (_, i) => i));
  });

  it('stores the planned records in each service', async () => {
    const rows = await withClient(t.database.superuserUrl, async (client) => {
      const count = async (sql: string) => (await client.query(sql)).rows as object[];
      return {
        cases: await count(
          `SELECT service::text, count(*)::int AS n, count(*) FILTER (WHERE status = 'closed')::int AS closed
             FROM cases GROUP BY service ORDER BY service`,
        ),
        incidents: await count(
          `SELECT service::text, count(*)::int AS n, count(DISTINCT district)::int AS districts
             FROM incidents GROUP BY service`,
        ),
        prevention: await count(
          `SELECT service::text, count(*)::int AS n FROM prevention_contacts GROUP BY service`,
        ),
        trainings: await count(
          `SELECT service::text, count(*)::int AS n FROM multiplier_trainings GROUP BY service`,
        ),
        appointments: await count(
          `SELECT service::text, count(*)::int AS n FROM appointments GROUP BY service ORDER BY service`,
        ),
        risks: await count(
          `SELECT decision::text, count(*)::int AS n FROM risk_assessments GROUP BY decision ORDER BY decision`,
        ),
        phasedCases: await count(
          `SELECT count(DISTINCT case_id)::int AS n FROM exit_phase_changes WHERE phase <> 'first_contact'`,
        ),
      };
    });
    expect(rows.cases).toEqual([
      { service: 'backup', n: DEMO_SIZE.backupCases, closed: expect.any(Number) },
      { service: 'comeback', n: DEMO_SIZE.comebackCases, closed: expect.any(Number) },
    ]);
    for (const row of rows.cases as { closed: number }[]) expect(row.closed).toBeGreaterThan(0);
    expect(rows.incidents).toEqual([
      {
        service: 'backup',
        n: DEMO_SIZE.backupCases + DEMO_SIZE.monitoringIncidents,
        districts: expect.any(Number),
      },
    ]);
    expect((rows.incidents[0] as { districts: number }).districts).toBeGreaterThanOrEqual(15);
    expect(rows.prevention).toEqual([{ service: 'comeback', n: DEMO_SIZE.preventionContacts }]);
    expect(rows.trainings).toEqual([{ service: 'comeback', n: DEMO_SIZE.trainings }]);
    // Ten per counsellor and a team meeting per service.
    expect(rows.appointments).toEqual([
      { service: 'backup', n: 21 },
      { service: 'comeback', n: 21 },
    ]);
    expect(rows.risks).toEqual([
      { decision: 'confirmed', n: 12 },
      { decision: 'pending', n: 2 },
    ]);
    expect((rows.phasedCases[0] as { n: number }).n).toBe(DEMO_SIZE.comebackCases);

    // The statistics facts are written by the same services, as in real use.
    const statsTables = await withClient(t.database.superuserUrl, async (client) => {
      const tables = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_name LIKE 'stats\\_%' ORDER BY table_name`,
      );
      const rowsPer: Record<string, number> = {};
      for (const { table_name: table } of tables.rows) {
        rowsPer[table] = (
          await client.query(`SELECT count(*)::int AS n FROM "${table}"`)
        ).rows[0].n;
      }
      return rowsPer;
    });
    for (const [table, n] of Object.entries(statsTables)) expect(n, table).toBeGreaterThan(0);

    const holds = await withClient(
      t.database.superuserUrl,
      async (client) => (await client.query(`SELECT service::text, reason FROM legal_holds`)).rows,
    );
    expect(holds).toEqual([{ service: 'backup', reason: expect.any(Buffer) }]);

    const counts = await countRows(t);
    expect(counts.case_incidents).toBe(DEMO_SIZE.backupCases);
    expect(counts.case_notes).toBeGreaterThanOrEqual(
      2 * (DEMO_SIZE.backupCases + DEMO_SIZE.comebackCases),
    );
    expect(counts.accompaniments).toBeGreaterThanOrEqual(12);
    expect(counts.compensation_claims).toBeGreaterThan(0);
    expect(counts.referrals).toBeGreaterThan(0);
  });

  it('creates one account per role, two counsellors per service, all with a second factor', async () => {
    const users = await withClient(
      t.database.superuserUrl,
      async (client) =>
        (
          await client.query(
            `SELECT username, role::text, service_code::text AS service,
                  totp_enrolled_at IS NOT NULL AS totp, must_change_password
             FROM users ORDER BY username`,
          )
        ).rows,
    );
    expect(users).toEqual(
      [
        ...DEMO_ACCOUNTS.map((demo) => ({
          username: demo.username,
          role: demo.role,
          service: demo.service,
          totp: true,
          must_change_password: false,
        })),
        {
          username: FIRST_ADMIN.username,
          role: 'admin',
          service: null,
          totp: false,
          must_change_password: false,
        },
      ].sort((a, b) => a.username.localeCompare(b.username)),
    );
    expect(result.accounts.map((a) => a.username)).toEqual(DEMO_ACCOUNTS.map((a) => a.username));
    const passwords = new Set(result.accounts.map((a) => a.password));
    expect(passwords.size).toBe(DEMO_ACCOUNTS.length);
    for (const demo of result.accounts) {
      expect(demo.password.length).toBeGreaterThanOrEqual(20);
      expect(demo.otpauthUrl).toContain(`secret=${demo.totpSecret}`);
    }
  });

  it('seeds through the services: every step is an access-log event of a demo account', async () => {
    const events = await withClient(
      t.database.superuserUrl,
      async (client) =>
        (
          await client.query(
            `SELECT e.action, e.outcome, u.username
             FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id
            ORDER BY e.seq`,
          )
        ).rows as { action: string; outcome: string; username: string | null }[],
    );
    const of = (action: string) => events.filter((event) => event.action === action);
    expect(of('admin.user_create')).toHaveLength(DEMO_ACCOUNTS.length + 1);
    expect(of('auth.totp_confirm')).toHaveLength(DEMO_ACCOUNTS.length);
    expect(of('case.create')).toHaveLength(DEMO_SIZE.backupCases + DEMO_SIZE.comebackCases);
    expect(of('incident.create')).toHaveLength(
      DEMO_SIZE.backupCases + DEMO_SIZE.monitoringIncidents,
    );
    expect(of('risk.confirm')).toHaveLength(12);
    expect(events.filter((event) => event.outcome !== 'allowed')).toEqual([]);
    const caseWorkActors = new Set(
      events
        .filter((event) => /^(case|note|incident|risk|exit_phase|appointment)\./.test(event.action))
        .map((event) => event.username),
    );
    expect([...caseWorkActors].sort()).toEqual([
      'demo-backup-1',
      'demo-backup-2',
      'demo-comeback-1',
      'demo-comeback-2',
    ]);
  });

  describe('with the demo accounts', () => {
    const sessions = new Map<string, Http>();

    beforeAll(async () => {
      // Enrolment used the current time step; sign-in takes the next one (replay protection).
      t.clock.advance(30_000);
      for (const demo of result.accounts) {
        const response = await login(
          t,
          demo.username,
          demo.password,
          await codeAt(t, demo.totpSecret),
        );
        expect(response.statusCode, response.body).toBe(200);
        sessions.set(
          demo.username,
          asUser(t.app, {
            cookie: sessionCookie(response),
            csrfToken: response.json().csrfToken,
            response,
          }),
        );
      }
    });

    it('signs every demo account in with password and TOTP code, in its role', async () => {
      for (const demo of result.accounts) {
        const me = expectStatus(await sessions.get(demo.username)!('GET', '/api/auth/me'), 200);
        expect(me.user).toMatchObject({
          username: demo.username,
          role: demo.role,
          service: demo.service,
        });
      }
    });

    it('still requires the second factor and the right password', async () => {
      const demo = account('demo-backup-1');
      const withoutCode = await login(t, demo.username, demo.password);
      expect(withoutCode.statusCode).toBe(401);
      expect(withoutCode.json().error).toBe('totp_required');
      t.clock.advance(30_000);
      const wrongPassword = await login(
        t,
        demo.username,
        `${demo.password}x`,
        await codeAt(t, demo.totpSecret),
      );
      expect(wrongPassword.statusCode).toBe(401);
      expect(wrongPassword.json().error).toBe('invalid_credentials');
      const otherSecret = account('demo-backup-2').totpSecret;
      const wrongCode = await login(t, demo.username, demo.password, await codeAt(t, otherSecret));
      expect(wrongCode.statusCode).toBe(401);
    });

    it('shows each counsellor the seeded cases of their own service only', async () => {
      for (const [username, prefix, total] of [
        ['demo-backup-1', 'BU-', DEMO_SIZE.backupCases],
        ['demo-comeback-2', 'CB-', DEMO_SIZE.comebackCases],
      ] as const) {
        const list = expectStatus(
          await sessions.get(username)!('GET', '/api/cases?limit=100'),
          200,
        );
        expect(list.total).toBe(total);
        for (const item of list.cases) {
          expect(item.caseNumber.startsWith(prefix)).toBe(true);
          expect(item.pseudonym).toMatch(/^Demo \S+ \d{2}$/);
        }
      }
      expect((await sessions.get('demo-backup-lead')!('GET', '/api/cases')).statusCode).toBe(403);
    });

    it('stores no demo plaintext in any table: every sensitive column is ciphertext', async () => {
      // What the counsellors read back, decrypted, through the API: the people (searched for
      // in every form a blind index could use) ...
      const people: string[] = [];
      const shown: string[] = [];
      const reason = encodeURIComponent('Demo-Test: Prüfung der Verschlüsselung');
      for (const username of ['demo-backup-1', 'demo-comeback-1']) {
        const http = sessions.get(username)!;
        const list = expectStatus(await http('GET', '/api/cases?limit=100'), 200);
        for (const item of list.cases as { id: string }[]) {
          const view = expectStatus(
            await http('GET', `/api/cases/${item.id}`, undefined, { 'x-access-reason': reason }),
            200,
          );
          people.push(
            ...Object.values(view.person as Record<string, unknown>).filter(
              (value): value is string => typeof value === 'string',
            ),
          );
          if (view.summary) shown.push(view.summary);
          const notes = expectStatus(
            await http('GET', `/api/cases/${item.id}/notes`, undefined, {
              'x-access-reason': reason,
            }),
            200,
          );
          shown.push(...notes.notes.map((note: { body: string }) => note.body));
          if (username === 'demo-backup-1') {
            const acc = expectStatus(
              await http('GET', `/api/cases/${item.id}/accompaniments`, undefined, {
                'x-access-reason': reason,
              }),
              200,
            );
            for (const record of acc.accompaniments) {
              for (const text of [record.court, record.courtFileNumber, record.outcome]) {
                if (text) shown.push(text);
              }
            }
          }
        }
      }
      const incidents = expectStatus(
        await sessions.get('demo-backup-2')!('GET', '/api/incidents?limit=100'),
        200,
      );
      for (const summary of incidents.incidents as { id: string }[]) {
        const incident = expectStatus(
          // An incident of a colleague's case opens with a reason, like the case itself.
          await sessions.get('demo-backup-2')!('GET', `/api/incidents/${summary.id}`, undefined, {
            'x-access-reason': reason,
          }),
          200,
        );
        for (const text of [incident.municipality, incident.description]) {
          if (text) shown.push(text);
        }
      }
      // The scan is only worth something if the demo holds invented names and addresses.
      expect(people.filter((text) => text.endsWith('(Demo)')).length).toBeGreaterThan(20);
      expect(people.some((text) => text.includes('(Demo-Adresse)'))).toBe(true);
      expect(shown.some((text) => /^Demo \d{2} Ds \d{3}\/\d{2}$/.test(text))).toBe(true);

      // ... and every text the demo content can store.
      const content = [
        ...BACKUP_SUMMARIES,
        ...COMEBACK_SUMMARIES,
        ...BACKUP_NOTES.map((note) => note.body),
        ...COMEBACK_NOTES.map((note) => note.body),
        NOTE_AMENDMENT,
        LEGAL_HOLD_REASON,
        ...Object.values(INCIDENT_STORIES).flat(),
        ...CLAIM_STORIES.map((claim) => claim.note),
        ...REFERRALS.map((referral) => referral.details),
        ...CLOSING_REASONS,
        ...EXIT_PATHS.flatMap((path) => (path.reason ? [path.reason] : [])),
        ...Object.values(RISK_TEXTS).flatMap((risk) => [
          risk.toPerson,
          risk.measures,
          ...(risk.fromPerson ? [risk.fromPerson] : []),
        ]),
        ...Object.values(APPOINTMENT_PLACES).flat(),
        ...Object.values(APPOINTMENT_NOTES),
      ];
      // ... and the other texts exactly as written (a municipality such as "Minden" is part of
      // the clear district category "kreis_minden_luebbecke" in lower case, by design).
      const plaintexts = [
        ...[...new Set(people)].map((text) => ({ text, forms: forms(text) })),
        ...[...new Set([...shown, ...content])].map((text) => ({
          text,
          forms: [Buffer.from(text)],
        })),
      ].filter(({ text }) => text.length >= 6);
      expect(plaintexts.length).toBeGreaterThan(250);

      const values = await everyValue(t.database.superuserUrl);
      const found: string[] = [];
      for (const { text, forms: patterns } of plaintexts) {
        for (const form of patterns) {
          for (const value of values) {
            if (value.bytes.includes(form)) found.push(`${JSON.stringify(text)} in ${value.where}`);
          }
        }
      }
      expect(found).toEqual([]);
      // The scan sees clear columns: the staff user names are there, as they should be.
      expect(values.some((value) => value.bytes.includes(Buffer.from('demo-comeback-2')))).toBe(
        true,
      );
    });
  });

  it('refuses a second run, with a clear message, and changes nothing', async () => {
    const before = await snapshot(t);
    const users = (await t.app.services.accounts.list()).length;
    const error = await seederFor(t, db)
      .seed(CLI)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('conflict');
    expect((error as AppError).message).toMatch(
      /^demo seed refused: the demo data is there already/,
    );
    expect(await snapshot(t)).toEqual(before);
    expect((await t.app.services.accounts.list()).length).toBe(users);
  });
});

describe('casework demo seed on an installation in use', () => {
  let t: TestApp;
  let db: Database;
  beforeAll(async () => {
    t = await startTestApp();
    db = createDatabase({ url: t.database.appUrl, poolMax: 2 });
  });
  afterAll(async () => {
    if (db) await closeDatabase(db);
    await t?.close();
  });

  const refusal = () =>
    seederFor(t, db)
      .seed(CLI)
      .then(
        () => 'seeded',
        (error: unknown) => (error as Error).message,
      );

  it('refuses a database with a case-work record even when no other account exists', async () => {
    const { user: admin } = await t.app.services.accounts.create(CLI, {
      ...FIRST_ADMIN,
      role: 'admin',
    });
    // Only possible by hand or from elsewhere: the records are counted, not inferred.
    await withClient(t.database.superuserUrl, (client) =>
      client.query(
        `INSERT INTO prevention_contacts (id, service, held_on, setting, participants, created_by)
         VALUES ($1, 'comeback', '2026-10-01', 'school', 12, $2)`,
        [randomUUID(), admin.id],
      ),
    );
    expect(await refusal()).toBe(
      'demo seed refused: this installation holds data (1 prevention contact(s)). Demo data goes only into a fresh installation: no case-work records and no account but the first administrator.',
    );
    await withClient(t.database.superuserUrl, (client) =>
      client.query('DELETE FROM prevention_contacts'),
    );
  });

  it('refuses a database with an account besides the first administrator', async () => {
    await t.app.services.accounts.create(CLI, {
      username: 'berater.eins',
      role: 'counsellor',
      service: 'backup',
      password: 'Wanderdüne Kompass Holunder Mittag',
    });
    expect(await refusal()).toMatch(
      /^demo seed refused: this installation holds data \(2 account\(s\)\)/,
    );
    expect((await countRows(t)).cases).toBe(0);
    expect((await t.app.services.accounts.list()).map((user) => user.username).sort()).toEqual([
      'berater.eins',
      FIRST_ADMIN.username,
    ]);
  });
});

import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type pg from 'pg';
import { expect } from 'vitest';
import { withClient } from '../../server/database/pg-client.ts';
import type { Role, ServiceCode } from '../../server/generated/prisma/enums.ts';
import { asUser, newUser, signIn, type TestUser } from './accounts.ts';
import { startTestApp, type TestApp } from './test-app.ts';

// Older imports of the access-log queries from here keep working.
export { auditEvents, lastAuditSeq } from './access-log-queries.ts';

/** Every table case work adds; each belongs to one service and has row-level security. */
export const CASE_WORK_TABLES = [
  'case_counters',
  'cases',
  'case_notes',
  'incidents',
  'case_incidents',
  'accompaniments',
  'compensation_claims',
  'referrals',
  'exit_phase_changes',
  'risk_assessments',
  'prevention_contacts',
  'multiplier_trainings',
  'appointments',
  'calendar_feeds',
  'follow_ups',
  'chronicle_entries',
  'chronicle_publications',
] as const;

/** Every table that belongs to one service: case work, lifecycle and statistics facts. */
export const SERVICE_TABLES = [
  ...CASE_WORK_TABLES,
  'legal_holds',
  'erased_cases',
  'documents',
  'document_chunks',
  'stats_case_facts',
  'stats_incident_facts',
  'stats_activity_facts',
] as const;

/** The app as case-work tests start it: {@link startTestApp}, optionally logging into memory. */
export type CaseWorkApp = TestApp;

export const startCaseWorkApp = (options: { captureLog?: boolean } = {}) => startTestApp(options);

export type Http = ReturnType<typeof asUser>;

export interface Staff extends TestUser {
  http: Http;
}

/** A signed-in user (TOTP enrolled, as the policy requires) with an inject helper. */
export async function newStaff(
  t: Pick<TestApp, 'app' | 'clock'>,
  role: Role,
  service?: ServiceCode,
): Promise<Staff> {
  const user = await newUser(t.app, t.clock, { role, service, totp: true });
  const session = await signIn(t.app, t.clock, user);
  return { ...user, http: asUser(t.app, session) };
}

/**
 * The same user acting on a colleague's case: every request carries a reason
 * (`x-access-reason`), as the server asks for one on cases not assigned to them.
 */
export function withReason(who: Staff, reason = 'Vertretung im Team'): Staff {
  const header = { 'x-access-reason': encodeURIComponent(reason) };
  return {
    ...who,
    http: (method, url, payload, headers = {}) =>
      who.http(method, url, payload, { ...header, ...headers }),
  };
}

export const newCounsellor = (t: Pick<TestApp, 'app' | 'clock'>, service: ServiceCode) =>
  newStaff(t, 'counsellor', service);

/** Who a test signs in: a counsellor of a service, a team lead of one, an auditor or an admin. */
export type StaffSpec = ServiceCode | `team_lead:${ServiceCode}` | 'auditor' | 'admin';

/**
 * The app on a fresh database (see startTestApp) and its staff, signed in one after the other
 * in the roster's order; with `at`, the clock is set there first. `'backup'` is a BackUp
 * counsellor, `'team_lead:comeback'` ComeBack's team lead.
 */
export async function startTeam<const R extends Record<string, StaffSpec>>(
  roster: R,
  options: { at?: string; captureLog?: boolean } = {},
): Promise<{ t: TestApp } & { [K in keyof R]: Staff }> {
  const t = await startTestApp({ captureLog: options.captureLog });
  if (options.at) t.clock.set(new Date(options.at));
  const staff: Record<string, Staff> = {};
  for (const [name, spec] of Object.entries(roster)) {
    const [role, service] = spec.includes(':')
      ? (spec.split(':') as [Role, ServiceCode])
      : spec === 'backup' || spec === 'comeback'
        ? (['counsellor', spec] as const)
        : ([spec as Role] as const);
    staff[name] = await newStaff(t, role, service);
  }
  return { t, ...staff } as { t: TestApp } & { [K in keyof R]: Staff };
}

/** Expects a status, and returns the JSON body (with the response text in the message). */
export function expectStatus(response: LightMyRequestResponse, status: number) {
  expect(response.statusCode, response.body).toBe(status);
  return response.body === '' ? undefined : response.json();
}

/** A case through the API; returns its id and number. */
export async function newCase(
  who: Staff,
  body: Record<string, unknown> = {},
): Promise<{ id: string; caseNumber: string }> {
  const { person, ...rest } = body as { person?: Record<string, unknown> };
  return expectStatus(
    await who.http('POST', '/api/cases', {
      person: { pseudonym: `Falke ${Math.random().toString(36).slice(2, 8)}`, ...person },
      ...rest,
    }),
    201,
  );
}

/**
 * A case closed through the API (today, the only kind of closing day it takes years back)
 * and then moved back in the database as if the server had recorded its closing on
 * `closedOn`: how a case closed years ago looks to retention.
 */
export async function closedLongAgo(
  t: TestApp,
  who: Staff,
  openedOn: string,
  closedOn: string,
): Promise<{ id: string; caseNumber: string }> {
  const created = await newCase(who, { openedOn });
  expectStatus(
    await who.http('PATCH', `/api/cases/${created.id}`, {
      status: 'closed',
      closingReason: 'abgeschlossen',
    }),
    200,
  );
  await withClient(t.database.superuserUrl, (client) =>
    client.query(
      `UPDATE cases SET closed_on = $2::date,
              closed_at = ($2::date + time '12:00') AT TIME ZONE 'Europe/Berlin'
        WHERE id = $1`,
      [created.id, closedOn],
    ),
  );
  return created;
}

/** Rows per service table, read as the superuser (row-level security does not apply). */
export async function countRows(t: TestApp): Promise<Record<string, number>> {
  return withClient(t.database.superuserUrl, async (client) => {
    const counts: Record<string, number> = {};
    for (const table of SERVICE_TABLES) {
      const result = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
      counts[table] = result.rows[0].n;
    }
    return counts;
  });
}

/**
 * A digest of every row of every service table (case work, legal holds, tombstones,
 * statistics facts) and of the data keys: equal digests, nothing was stored or changed.
 */
export async function snapshot(t: TestApp): Promise<Record<string, string>> {
  return withClient(t.database.superuserUrl, (client) =>
    tableDigests(client, [...SERVICE_TABLES, 'data_keys']),
  );
}

/**
 * `rows:md5` of each table's rows in a stable order, or of each table `tables` lists when it
 * is a query answering `table_name`s; read through `client` (the superuser sees every row).
 */
export async function tableDigests(
  client: pg.Client,
  tables: readonly string[] | string,
): Promise<Record<string, string>> {
  const names =
    typeof tables === 'string'
      ? (await client.query<{ table_name: string }>(tables)).rows.map((row) => row.table_name)
      : tables;
  const digests: Record<string, string> = {};
  for (const table of names) {
    const result = await client.query(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS digest
         FROM "${table}" x`,
    );
    digests[table] = `${result.rows[0].n}:${result.rows[0].digest}`;
  }
  return digests;
}

export type { FastifyInstance };

/** Approves a chronicle entry as `who` saw it a moment ago (the approval names that version). */
export async function approveChronicle(who: Staff, id: string) {
  const seen = expectStatus(await who.http('GET', `/api/chronicle/${id}`), 200);
  return who.http('POST', `/api/chronicle/${id}/approval`, { seenUpdatedAt: seen.updatedAt });
}

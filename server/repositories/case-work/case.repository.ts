import { detailDigest } from '../../../crypto/index.ts';
import { randomUUID } from 'node:crypto';
import { normaliseForIndex } from '../../../crypto/index.ts';
import type { DbClient } from '../../database/db-client.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import type {
  AppointmentKind,
  CaseStatus,
  ExitPhase,
  RiskLevel,
  ServiceCode,
} from '../../generated/prisma/enums.ts';
import type { FieldCrypto, FieldLocation } from '../../keys/field-crypto.ts';
import {
  fromDateColumn,
  fromOptionalDateColumn,
  openEach,
  openFields,
  ownerOf,
  sealFields,
  toDateColumn,
  type Opened,
  type Page,
  type SealedSpec,
} from './sealed-fields.ts';

const TABLE = 'cases';

/** The encrypted columns of a case: everything about the person, the summary, the reason. */
export const CASE_SEALED = {
  pseudonym: { column: 'pseudonym', as: 'string' },
  realName: { column: 'real_name', as: 'string' },
  dateOfBirth: { column: 'date_of_birth', as: 'string' },
  phone: { column: 'phone', as: 'string' },
  email: { column: 'email', as: 'string' },
  address: { column: 'address', as: 'string' },
  preferredLanguage: { column: 'preferred_language', as: 'string' },
  interpreterNeeded: { column: 'interpreter_needed', as: 'boolean' },
  safeContact: { column: 'safe_contact', as: 'string' },
  summary: { column: 'summary', as: 'string' },
  closingReason: { column: 'closing_reason', as: 'string' },
} as const satisfies SealedSpec;

export type CaseSealedValues = {
  -readonly [K in keyof typeof CASE_SEALED]?: (typeof CASE_SEALED)[K]['as'] extends 'boolean'
    ? boolean | null
    : string | null;
};

const PSEUDONYM_INDEX = 'case.pseudonym';
const REAL_NAME_INDEX = 'case.real_name';
const CASE_PREFIX: Record<ServiceCode, string> = { backup: 'BU', comeback: 'CB' };
const CASE_NUMBER = /^(BU|CB)-\d{4}-\d{4,}$/;
/**
 * A search never decrypts more candidates than this: a 10-bit bucket holds about N / 1,024
 * unrelated rows, so this is reached only beyond about two million cases per service.
 */
const MAX_SEARCH_CANDIDATES = 2_000;
/** Shorter search terms are matched exactly only: two letters would match half the service. */
export const PARTIAL_SEARCH_MIN_LENGTH = 3;
/** Pseudonyms decrypted per statement of a partial search (one data-key query each). */
const PARTIAL_SEARCH_BATCH = 1_000;
/** A term that can be part of a case number: digits, at least one, and dashes or letters. */
const CASE_NUMBER_PART = /^[A-Z]{0,2}-?[\d-]*\d[\d-]*$/;
/**
 * Lists count their matches up to here. Row-level security checks every row it counts, so an
 * exact count of 50,000 cases would cost more than the page itself.
 */
export const LIST_COUNT_CAP = 1_000;

export interface StaffRef {
  id: string;
  username: string;
}

export interface NextAppointment {
  id: string;
  kind: AppointmentKind;
  startsAt: Date;
  endsAt: Date;
}

export interface CaseHeader {
  id: string;
  service: ServiceCode;
  caseNumber: string;
  status: CaseStatus;
  anonymous: boolean;
  openedOn: string;
  closedOn: string | null;
  exitPhase: ExitPhase | null;
  riskLevel: RiskLevel | null;
  /** Who the case is assigned to: a colleague opening it must give a reason. */
  assignedCounsellorId: string;
  coCounsellorId: string | null;
  /** When the server created the row: the bound for back-dating the case's days. */
  createdAt: Date;
}

export interface CaseRecord extends CaseHeader {
  assignedCounsellor: StaffRef;
  coCounsellor: StaffRef | null;
  nextAppointment: NextAppointment | null;
  sealed: Opened<typeof CASE_SEALED> & { pseudonym: string };
  updatedAt: Date;
}

/** Who works on a case without giving a reason. */
export type CaseCounsellors = Pick<CaseHeader, 'assignedCounsellorId' | 'coCounsellorId'>;

/** A search hit found by its real name alone. */
export interface RealNameHit extends CaseCounsellors {
  id: string;
  caseNumber: string;
}

export interface CaseListRow {
  id: string;
  caseNumber: string;
  status: CaseStatus;
  openedOn: string;
  closedOn: string | null;
  pseudonym: string;
  assignedCounsellor: StaffRef;
  exitPhase: ExitPhase | null;
  riskLevel: RiskLevel | null;
  nextAppointment: NextAppointment | null;
}

export interface CaseFilter {
  status?: CaseStatus;
  /** Assigned or co-counsellor. */
  counsellorId?: string;
  /** Cases active in the period: opened on or before `to`, not closed before `from`. */
  from?: string;
  to?: string;
}

export interface NewCase {
  service: ServiceCode;
  year: number;
  anonymous: boolean;
  openedOn: string;
  assignedCounsellorId: string;
  coCounsellorId: string | null;
  exitPhase: ExitPhase | null;
  createdById: string;
  sealed: CaseSealedValues & { pseudonym: string };
}

export interface CaseChanges {
  status?: CaseStatus;
  openedOn?: string;
  closedOn?: string | null;
  /** When the server recorded the closing (null on reopening): retention counts from here. */
  closedAt?: Date | null;
  anonymous?: boolean;
  assignedCounsellorId?: string;
  coCounsellorId?: string | null;
  exitPhase?: ExitPhase;
  riskLevel?: RiskLevel | null;
  sealed?: CaseSealedValues;
}

// The hot reads (list, view) are single SQL statements joining the counsellors and the next
// appointment: each statement through Prisma costs about a millisecond of its own here, so one
// statement instead of four or five matters. They run on the service-scoped client like every
// other query, so row-level security applies to all tables they touch.

interface HeaderRow {
  id: string;
  service: ServiceCode;
  case_number: string;
  status: CaseStatus;
  anonymous: boolean;
  opened_on: Date;
  closed_on: Date | null;
  exit_phase: ExitPhase | null;
  risk_level: RiskLevel | null;
  header_assigned_id: string;
  header_co_id: string | null;
  created_at: Date;
}

interface NextRow {
  next_id: string | null;
  next_kind: AppointmentKind | null;
  next_starts_at: Date | null;
  next_ends_at: Date | null;
}

interface ListRow extends HeaderRow, NextRow {
  s1: unknown;
  s2: unknown;
  pseudonym: Uint8Array;
  counsellor_id: string;
  counsellor_username: string;
  total: number;
}

/** The columns a case list can be sorted by (each with the case id as the last tie-breaker). */
export const CASE_SORTS = ['openedOn', 'caseNumber', 'status', 'counsellor'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

export interface CaseOrder {
  sort: CaseSort;
  descending: boolean;
  /** Continue after this row (a cursor from `nextCursor`), instead of an offset. */
  after?: CaseCursor;
}

/** Where a page ended: the sort keys of its last row, then its id. */
export type CaseCursor = string[];

// What a cursor value must look like before it reaches SQL (a bad cast would be a 500).
const DAY = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !isNaN(Date.parse(value));
const INSTANT = (value: string) =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && !isNaN(Date.parse(value));
const ANY_TEXT = () => true;
const STATUS = (value: string) => ['open', 'paused', 'closed'].includes(value);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const SORT_KEYS: Record<
  CaseSort,
  { sql: Prisma.Sql; cast: Prisma.Sql; valid: (value: string) => boolean }[]
> = {
  openedOn: [
    { sql: Prisma.sql`c.opened_on`, cast: Prisma.sql`date`, valid: DAY },
    { sql: Prisma.sql`c.created_at`, cast: Prisma.sql`timestamptz`, valid: INSTANT },
  ],
  caseNumber: [{ sql: Prisma.sql`c.case_number`, cast: Prisma.sql`text`, valid: ANY_TEXT }],
  status: [{ sql: Prisma.sql`c.status`, cast: Prisma.sql`case_status`, valid: STATUS }],
  counsellor: [{ sql: Prisma.sql`u.username`, cast: Prisma.sql`text`, valid: ANY_TEXT }],
};

export const DEFAULT_ORDER: CaseOrder = { sort: 'openedOn', descending: true };

/** A cursor as the client carries it: opaque text. Null when it is not one of ours. */
export function decodeCaseCursor(sort: CaseSort, text: string): CaseCursor | null {
  try {
    const values: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    const keys = SORT_KEYS[sort];
    if (
      !Array.isArray(values) ||
      values.length !== keys.length + 1 ||
      !values.every((value) => typeof value === 'string' && value.length <= 200)
    ) {
      return null;
    }
    const strings = values as string[];
    return keys.every((key, i) => key.valid(strings[i]!)) && UUID.test(strings[keys.length]!)
      ? strings
      : null;
  } catch {
    return null;
  }
}

function encodeCursor(sort: CaseSort, row: { s1: unknown; s2: unknown; id: string }): string {
  const keys = [row.s1, row.s2]
    .slice(0, SORT_KEYS[sort].length)
    .map((value, i) =>
      value instanceof Date
        ? sort === 'openedOn' && i === 0
          ? fromDateColumn(value)
          : value.toISOString()
        : String(value),
    );
  return Buffer.from(JSON.stringify([...keys, row.id]), 'utf8').toString('base64url');
}

export interface CasePage {
  rows: CaseListRow[];
  /** The cursor of the next page, null on the last page. */
  nextCursor: string | null;
  /** Matching cases, counted up to LIST_COUNT_CAP. */
  total: number;
  totalCapped: boolean;
}

const HEADER_COLUMNS = Prisma.sql`c.id, c.service::text AS service, c.case_number,
  c.status::text AS status, c.anonymous, c.opened_on, c.closed_on,
  c.exit_phase::text AS exit_phase, c.risk_level::text AS risk_level,
  c.assigned_counsellor_id::text AS header_assigned_id, c.co_counsellor_id::text AS header_co_id,
  c.created_at`;

/** The case's next scheduled appointment (a lateral join on `c`). */
const nextAppointmentJoin = (now: Date) => Prisma.sql`
  LEFT JOIN LATERAL (
    SELECT a.id AS next_id, a.kind::text AS next_kind, a.starts_at AS next_starts_at,
           a.ends_at AS next_ends_at
      FROM appointments a
     WHERE a.case_id = c.id AND a.status = 'scheduled' AND a.starts_at >= ${now}
     ORDER BY a.starts_at
     LIMIT 1) next ON true`;

function toHeader(row: HeaderRow): CaseHeader {
  return {
    id: row.id,
    service: row.service,
    caseNumber: row.case_number,
    status: row.status,
    anonymous: row.anonymous,
    openedOn: fromDateColumn(row.opened_on),
    closedOn: fromOptionalDateColumn(row.closed_on),
    exitPhase: row.exit_phase,
    riskLevel: row.risk_level,
    assignedCounsellorId: row.header_assigned_id,
    coCounsellorId: row.header_co_id,
    createdAt: row.created_at,
  };
}

function toNext(row: NextRow): NextAppointment | null {
  return row.next_id === null
    ? null
    : {
        id: row.next_id,
        kind: row.next_kind!,
        startsAt: row.next_starts_at!,
        endsAt: row.next_ends_at!,
      };
}

function filterSql(service: ServiceCode, filter: CaseFilter): Prisma.Sql {
  const conditions = [Prisma.sql`c.service = ${service}::service_code`];
  if (filter.status) conditions.push(Prisma.sql`c.status = ${filter.status}::case_status`);
  if (filter.counsellorId) {
    conditions.push(
      Prisma.sql`(c.assigned_counsellor_id = ${filter.counsellorId}::uuid OR c.co_counsellor_id = ${filter.counsellorId}::uuid)`,
    );
  }
  if (filter.to) conditions.push(Prisma.sql`c.opened_on <= ${filter.to}::date`);
  if (filter.from) {
    conditions.push(Prisma.sql`(c.closed_on IS NULL OR c.closed_on >= ${filter.from}::date)`);
  }
  return Prisma.join(conditions, ' AND ');
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

export function formatCaseNumber(service: ServiceCode, year: number, number: number): string {
  return `${CASE_PREFIX[service]}-${year}-${String(number).padStart(4, '0')}`;
}

/** Cases. Every method takes the caller's service and runs on a service-scoped client. */
export function createCaseRepository(fields: FieldCrypto) {
  const caseOwner = (service: ServiceCode, id: string) => ownerOf(service, 'case', id);

  /** One page of cases matching `where`, newest first, with the number of all matches. */
  async function listPage(
    service: ServiceCode,
    where: Prisma.Sql,
    page: Page,
    now: Date,
    client: DbClient,
    order: CaseOrder = DEFAULT_ORDER,
  ): Promise<CasePage> {
    const keys = SORT_KEYS[order.sort];
    const direction = order.descending ? Prisma.sql`DESC` : Prisma.sql`ASC`;
    const innerOrder = Prisma.join(
      [...keys.map((key) => key.sql), Prisma.sql`c.id`].map(
        (sql) => Prisma.sql`${sql} ${direction}`,
      ),
      ', ',
    );
    const outerOrder = Prisma.join(
      [Prisma.sql`c.s1`, ...(keys.length > 1 ? [Prisma.sql`c.s2`] : []), Prisma.sql`c.id`].map(
        (sql) => Prisma.sql`${sql} ${direction}`,
      ),
      ', ',
    );
    // Keyset paging: rows strictly after the cursor's row in this order.
    const keyset = order.after
      ? Prisma.sql`AND (${Prisma.join(
          [...keys.map((key) => key.sql), Prisma.sql`c.id`],
          ', ',
        )}) ${order.descending ? Prisma.sql`<` : Prisma.sql`>`} (${Prisma.join(
          [
            ...keys.map((key, i) => Prisma.sql`${order.after![i]}::${key.cast}`),
            Prisma.sql`${order.after[keys.length]}::uuid`,
          ],
          ', ',
        )})`
      : Prisma.empty;
    // The page is chosen first (an index scan in list order), and only its 50 rows are
    // joined with their counsellor and next appointment.
    const rows = await client.$queryRaw<ListRow[]>`
      SELECT c.*, u.id AS counsellor_id, u.username AS counsellor_username, next.*,
             (SELECT count(*)::int FROM (SELECT FROM cases c WHERE ${where} LIMIT ${LIST_COUNT_CAP + 1}) n) AS total
        FROM (SELECT ${HEADER_COLUMNS}, c.pseudonym, c.assigned_counsellor_id,
                     ${keys[0]!.sql} AS s1, ${keys[1]?.sql ?? Prisma.sql`NULL`} AS s2
                FROM cases c
                JOIN users u ON u.id = c.assigned_counsellor_id
               WHERE ${where} ${keyset}
               ORDER BY ${innerOrder}
               LIMIT ${page.limit} OFFSET ${page.offset}) c
        JOIN users u ON u.id = c.assigned_counsellor_id
        ${nextAppointmentJoin(now)}
       ORDER BY ${outerOrder}`;
    const last = rows.at(-1);
    const opened = await openEach(
      fields,
      TABLE,
      { pseudonym: CASE_SEALED.pseudonym },
      rows.map((row) => ({ owner: caseOwner(service, row.id), row })),
      client,
    );
    return {
      rows: rows.map((row, i) => ({
        id: row.id,
        caseNumber: row.case_number,
        status: row.status,
        openedOn: fromDateColumn(row.opened_on),
        closedOn: fromOptionalDateColumn(row.closed_on),
        pseudonym: opened[i]!.pseudonym!,
        assignedCounsellor: { id: row.counsellor_id, username: row.counsellor_username },
        exitPhase: row.exit_phase,
        riskLevel: row.risk_level,
        nextAppointment: toNext(row),
      })),
      nextCursor: last && rows.length === page.limit ? encodeCursor(order.sort, last) : null,
      ...capped(
        rows[0]?.total ?? (page.offset > 0 || order.after ? await count(where, client) : 0),
      ),
    };
  }

  async function count(where: Prisma.Sql, client: DbClient): Promise<number> {
    const rows = await client.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM (SELECT FROM cases c WHERE ${where} LIMIT ${LIST_COUNT_CAP + 1}) n`;
    return rows[0]!.n;
  }

  /**
   * Cases whose number contains the term, or whose pseudonym contains it (both normalised as
   * search compares them). Nothing searchable is stored for this: the service's pseudonyms
   * are decrypted here, in batches, for this one request, and dropped (SECURITY.md, Partial
   * search). Real names are never matched in part.
   */
  async function partialMatches(
    service: ServiceCode,
    where: Prisma.Sql,
    text: string,
    client: DbClient,
  ): Promise<string[]> {
    const wanted = normaliseForIndex(text);
    if (wanted.length < PARTIAL_SEARCH_MIN_LENGTH) return [];
    const found: string[] = [];
    const numberPart = text.trim().toUpperCase();
    if (CASE_NUMBER_PART.test(numberPart)) {
      const byNumber = await client.$queryRaw<{ id: string }[]>`
        SELECT c.id FROM cases c
         WHERE ${where} AND strpos(c.case_number, ${numberPart}) > 0`;
      found.push(...byNumber.map((row) => row.id));
    }
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const batch = await client.$queryRaw<{ id: string; pseudonym: Uint8Array }[]>`
        SELECT c.id, c.pseudonym FROM cases c
         WHERE ${where} AND c.id > ${after}::uuid
         ORDER BY c.id
         LIMIT ${PARTIAL_SEARCH_BATCH}`;
      if (batch.length === 0) break;
      const opened = await openEach(
        fields,
        TABLE,
        { pseudonym: CASE_SEALED.pseudonym },
        batch.map((row) => ({ owner: caseOwner(service, row.id), row })),
        client,
      );
      batch.forEach((row, i) => {
        if (normaliseForIndex(opened[i]!.pseudonym!).includes(wanted)) found.push(row.id);
      });
      if (batch.length < PARTIAL_SEARCH_BATCH) break;
      after = batch[batch.length - 1]!.id;
    }
    return [...new Set(found)];
  }

  function capped(total: number) {
    return { total: Math.min(total, LIST_COUNT_CAP), totalCapped: total > LIST_COUNT_CAP };
  }

  async function personIndexes(service: ServiceCode, sealed: CaseSealedValues) {
    const pseudonym =
      typeof sealed.pseudonym === 'string'
        ? await fields.blindIndex(service, PSEUDONYM_INDEX, sealed.pseudonym)
        : undefined;
    const realName =
      sealed.realName === undefined
        ? undefined
        : sealed.realName === null
          ? null
          : await fields.blindIndex(service, REAL_NAME_INDEX, sealed.realName);
    return { pseudonym, realName };
  }

  /**
   * Conditions matching a value's blind index under every key version held: rows not yet
   * re-indexed after a rotation still match.
   */
  async function indexMatches(
    service: ServiceCode,
    field: 'pseudonym' | 'realName',
    value: string,
  ): Promise<Prisma.Sql[]> {
    const [name, column] =
      field === 'pseudonym'
        ? [PSEUDONYM_INDEX, Prisma.raw('c.pseudonym_bidx')]
        : [REAL_NAME_INDEX, Prisma.raw('c.real_name_bidx')];
    return (await fields.blindIndexes(service, name, value)).map(
      (index) =>
        Prisma.sql`(${column} = ${index.value} AND c.bidx_key_version = ${index.keyVersion})`,
    );
  }

  /** The stored pseudonym and real name of a case, decrypted. */
  async function storedNames(service: ServiceCode, id: string, client: DbClient) {
    const rows = await client.$queryRaw<
      { id: string; pseudonym: Uint8Array; realName: Uint8Array | null }[]
    >`
      SELECT c.id, c.pseudonym, c.real_name AS "realName" FROM cases c
       WHERE c.id = ${id}::uuid AND c.service = ${service}::service_code`;
    if (!rows[0]) throw new Error('case vanished during update');
    return openFields(
      fields,
      caseOwner(service, id),
      TABLE,
      { pseudonym: CASE_SEALED.pseudonym, realName: CASE_SEALED.realName },
      rows[0],
      client,
    );
  }

  async function caseRow(
    input: NewCase,
    id: string,
    number: number,
    sealed: { [K in keyof typeof CASE_SEALED]?: Uint8Array<ArrayBuffer> | null },
  ): Promise<Prisma.CaseCreateManyInput> {
    const indexes = await personIndexes(input.service, input.sealed);
    return {
      id,
      service: input.service,
      caseNumber: formatCaseNumber(input.service, input.year, number),
      anonymous: input.anonymous,
      openedOn: toDateColumn(input.openedOn),
      assignedCounsellorId: input.assignedCounsellorId,
      coCounsellorId: input.coCounsellorId,
      exitPhase: input.exitPhase,
      createdById: input.createdById,
      ...sealed,
      pseudonym: sealed.pseudonym!,
      pseudonymIndex: indexes.pseudonym!.value,
      realNameIndex: indexes.realName?.value ?? null,
      indexKeyVersion: indexes.pseudonym!.keyVersion,
    };
  }

  return {
    /**
     * A counsellor's reason for opening a case not assigned to them, encrypted under the case's
     * key and bound to the access-log event it belongs to (erasing the case erases it).
     */
    async sealAccessReason(
      service: ServiceCode,
      caseId: string,
      eventId: string,
      reason: string,
      client: DbClient,
    ) {
      const ciphertext = await fields.encrypt(
        { scope: service, ownerType: 'case', ownerId: caseId },
        { table: 'audit_events', column: 'detail', recordId: eventId },
        reason,
        client,
      );
      return { ciphertext, digest: detailDigest(ciphertext) };
    },

    /**
     * Reserves `count` consecutive numbers of a service and year atomically (one row per
     * service and year, locked by the upsert until the transaction ends) and returns the first.
     */
    async reserveCaseNumbers(
      service: ServiceCode,
      year: number,
      count: number,
      client: DbClient,
    ): Promise<number> {
      const rows = await client.$queryRaw<{ last_number: number }[]>`
        INSERT INTO case_counters (service, year, last_number)
        VALUES (${service}::service_code, ${year}, ${count})
        ON CONFLICT (service, year)
        DO UPDATE SET last_number = case_counters.last_number + ${count}
        RETURNING last_number`;
      return rows[0]!.last_number - count + 1;
    },

    async create(input: NewCase, client: DbClient): Promise<{ id: string; caseNumber: string }> {
      const id = randomUUID();
      const number = await this.reserveCaseNumbers(input.service, input.year, 1, client);
      const sealed = await sealFields(
        fields,
        caseOwner(input.service, id),
        TABLE,
        id,
        CASE_SEALED,
        input.sealed,
        client,
      );
      const row = await caseRow(input, id, number, sealed);
      await client.case.create({ data: row, select: { id: true } });
      return { id, caseNumber: row.caseNumber };
    },

    /**
     * Many new cases of one service and year at once (imports, demo data, the benchmark):
     * the same encryption and indexes as `create`, with one insert for all data keys and one
     * for all cases.
     */
    async createMany(
      inputs: readonly NewCase[],
      client: DbClient,
    ): Promise<{ id: string; caseNumber: string }[]> {
      const [first] = inputs;
      if (!first) return [];
      if (inputs.some((input) => input.service !== first.service || input.year !== first.year)) {
        throw new TypeError('createMany takes cases of one service and year');
      }
      const ids = inputs.map(() => randomUUID());
      const sealed = await fields.encryptForNewOwners(
        inputs.map((input, i) => ({
          owner: caseOwner(input.service, ids[i]!),
          fields: Object.fromEntries(
            Object.entries(CASE_SEALED).map(([name, { column }]) => [
              name,
              {
                location: { table: TABLE, column, recordId: ids[i]! } satisfies FieldLocation,
                value: input.sealed[name as keyof CaseSealedValues],
              },
            ]),
          ),
        })),
        client,
      );
      const number = await this.reserveCaseNumbers(
        first.service,
        first.year,
        inputs.length,
        client,
      );
      const rows = await Promise.all(
        inputs.map((input, i) => caseRow(input, ids[i]!, number + i, sealed[i]!)),
      );
      await client.case.createMany({ data: rows });
      return rows.map((row) => ({ id: row.id!, caseNumber: row.caseNumber }));
    },

    async findHeader(service: ServiceCode, id: string, client: DbClient) {
      const rows = await client.$queryRaw<HeaderRow[]>`
        SELECT ${HEADER_COLUMNS} FROM cases c
         WHERE c.id = ${id}::uuid AND c.service = ${service}::service_code`;
      return rows[0] ? toHeader(rows[0]) : null;
    },

    /**
     * Number and counsellors of the given cases of the service (others are simply missing),
     * for views of records of many cases.
     */
    async caseRefs(
      service: ServiceCode,
      ids: readonly string[],
      client: DbClient,
    ): Promise<Map<string, CaseCounsellors & { caseNumber: string }>> {
      if (ids.length === 0) return new Map();
      const rows = await client.case.findMany({
        where: { service, id: { in: [...new Set(ids)] } },
        select: { id: true, caseNumber: true, assignedCounsellorId: true, coCounsellorId: true },
      });
      return new Map(rows.map(({ id, ...ref }) => [id, ref]));
    },

    /**
     * The whole case, decrypted, with its counsellors and next appointment. `onFound` runs
     * before decryption, so a failure can name the case in the access log.
     */
    async findById(
      service: ServiceCode,
      id: string,
      now: Date,
      client: DbClient,
      onFound?: (header: CaseHeader) => void,
    ): Promise<CaseRecord | null> {
      const rows = await client.$queryRaw<
        (HeaderRow &
          NextRow & { [K in keyof typeof CASE_SEALED]: Uint8Array | null } & {
            assigned_id: string;
            assigned_username: string;
            co_id: string | null;
            co_username: string | null;
            updated_at: Date;
          })[]
      >`
        SELECT ${HEADER_COLUMNS}, c.pseudonym, c.real_name AS "realName",
               c.date_of_birth AS "dateOfBirth", c.phone, c.email, c.address,
               c.preferred_language AS "preferredLanguage",
               c.interpreter_needed AS "interpreterNeeded", c.safe_contact AS "safeContact",
               c.summary, c.closing_reason AS "closingReason", c.updated_at,
               a.id AS assigned_id, a.username AS assigned_username,
               co.id AS co_id, co.username AS co_username, next.*
          FROM cases c
          JOIN users a ON a.id = c.assigned_counsellor_id
          LEFT JOIN users co ON co.id = c.co_counsellor_id
          ${nextAppointmentJoin(now)}
         WHERE c.id = ${id}::uuid AND c.service = ${service}::service_code`;
      const row = rows[0];
      if (!row) return null;
      const header = toHeader(row);
      onFound?.(header);
      const sealed = await openFields(
        fields,
        caseOwner(service, row.id),
        TABLE,
        CASE_SEALED,
        row,
        client,
      );
      return {
        ...header,
        assignedCounsellor: { id: row.assigned_id, username: row.assigned_username },
        coCounsellor: row.co_id ? { id: row.co_id, username: row.co_username! } : null,
        nextAppointment: toNext(row),
        sealed: { ...sealed, pseudonym: sealed.pseudonym! },
        updatedAt: row.updated_at,
      };
    },

    list(
      service: ServiceCode,
      filter: CaseFilter,
      page: Page,
      now: Date,
      client: DbClient,
      order: CaseOrder = DEFAULT_ORDER,
    ) {
      return listPage(service, filterSql(service, filter), page, now, client, order);
    },

    /**
     * Exact-match search without plaintext in the database: a case number directly; a
     * pseudonym or name through its blind index (blind-index-widths.ts), whose false positives are dropped
     * after decrypting and comparing the normalised values; plus cases found elsewhere
     * (`alsoCaseIds`, e.g. by court file number).
     */
    async search(
      service: ServiceCode,
      query: {
        text: string;
        alsoCaseIds: readonly string[];
        /** Whether a hit by real name alone counts for this case (the access rule). */
        realNameCounts: (counsellors: CaseCounsellors) => boolean;
      },
      filter: CaseFilter,
      page: Page,
      now: Date,
      client: DbClient,
      order: CaseOrder = DEFAULT_ORDER,
    ): Promise<CasePage & { realNameOnly: RealNameHit[] }> {
      const where = filterSql(service, filter);
      const caseNumber = query.text.trim().toUpperCase();
      if (CASE_NUMBER.test(caseNumber)) {
        const found = await listPage(
          service,
          Prisma.sql`${where} AND c.case_number = ${caseNumber}`,
          page,
          now,
          client,
          order,
        );
        return { ...found, realNameOnly: [] };
      }
      const wanted = normaliseForIndex(query.text);
      if (wanted === '') {
        return { rows: [], nextCursor: null, total: 0, totalCapped: false, realNameOnly: [] };
      }
      const indexMatch = Prisma.join(
        [
          ...(await indexMatches(service, 'pseudonym', query.text)),
          ...(await indexMatches(service, 'realName', query.text)),
        ],
        ' OR ',
      );
      const also = [...new Set(query.alsoCaseIds)];
      const candidates = await client.$queryRaw<
        {
          id: string;
          caseNumber: string;
          assignedCounsellorId: string;
          coCounsellorId: string | null;
          pseudonym: Uint8Array;
          realName: Uint8Array | null;
        }[]
      >`
        SELECT c.id, c.case_number AS "caseNumber",
               c.assigned_counsellor_id::text AS "assignedCounsellorId",
               c.co_counsellor_id::text AS "coCounsellorId",
               c.pseudonym, c.real_name AS "realName"
          FROM cases c
         WHERE ${where}
           AND (${indexMatch} OR c.id = ANY(${also}::uuid[]))
         LIMIT ${MAX_SEARCH_CANDIDATES}`;
      const names = await openEach(
        fields,
        TABLE,
        { pseudonym: CASE_SEALED.pseudonym, realName: CASE_SEALED.realName },
        candidates.map((row) => ({ owner: caseOwner(service, row.id), row })),
        client,
      );
      const alsoSet = new Set(also);
      const matches: string[] = await partialMatches(service, where, query.text, client);
      const realNameOnly: RealNameHit[] = [];
      candidates.forEach((row, i) => {
        const opened = names[i]!;
        if (alsoSet.has(row.id) || normaliseForIndex(opened.pseudonym!) === wanted) {
          matches.push(row.id);
        } else if (
          opened.realName !== null &&
          normaliseForIndex(opened.realName) === wanted &&
          query.realNameCounts(row)
        ) {
          matches.push(row.id);
          realNameOnly.push({
            id: row.id,
            caseNumber: row.caseNumber,
            assignedCounsellorId: row.assignedCounsellorId,
            coCounsellorId: row.coCounsellorId,
          });
        }
      });
      const found = await listPage(
        service,
        Prisma.sql`${where} AND c.id = ANY(${matches}::uuid[])`,
        page,
        now,
        client,
      );
      return { ...found, realNameOnly };
    },

    /**
     * Whether another case of the service goes by the same pseudonym (compared as the search
     * compares: normalised), found through the pseudonym's blind index and confirmed by
     * decrypting the few candidates.
     */
    async pseudonymInUse(
      service: ServiceCode,
      pseudonym: string,
      exceptId: string | null,
      client: DbClient,
    ): Promise<boolean> {
      const wanted = normaliseForIndex(pseudonym);
      const indexMatch = Prisma.join(await indexMatches(service, 'pseudonym', pseudonym), ' OR ');
      const candidates = await client.$queryRaw<{ id: string; pseudonym: Uint8Array }[]>`
        SELECT c.id, c.pseudonym FROM cases c
         WHERE c.service = ${service}::service_code AND (${indexMatch})
           AND c.id IS DISTINCT FROM ${exceptId}::uuid
         LIMIT ${MAX_SEARCH_CANDIDATES}`;
      const opened = await openEach(
        fields,
        TABLE,
        { pseudonym: CASE_SEALED.pseudonym },
        candidates.map((row) => ({ owner: caseOwner(service, row.id), row })),
        client,
      );
      return opened.some((row) => normaliseForIndex(row.pseudonym!) === wanted);
    },

    async update(
      service: ServiceCode,
      id: string,
      changes: CaseChanges,
      client: DbClient,
    ): Promise<void> {
      const sealedValues = changes.sealed ?? {};
      const sealed = await sealFields(
        fields,
        caseOwner(service, id),
        TABLE,
        id,
        CASE_SEALED,
        sealedValues,
        client,
      );
      if (sealed.pseudonym === null) throw new TypeError('a case always has a pseudonym');
      const data: Prisma.CaseUncheckedUpdateInput = {
        status: changes.status,
        openedOn: changes.openedOn === undefined ? undefined : toDateColumn(changes.openedOn),
        closedOn:
          changes.closedOn === undefined
            ? undefined
            : changes.closedOn === null
              ? null
              : toDateColumn(changes.closedOn),
        closedAt: changes.closedAt,
        anonymous: changes.anonymous,
        assignedCounsellorId: changes.assignedCounsellorId,
        coCounsellorId: changes.coCounsellorId,
        exitPhase: changes.exitPhase,
        riskLevel: changes.riskLevel,
        ...sealed,
        pseudonym: sealed.pseudonym,
      };
      if (sealedValues.pseudonym !== undefined || sealedValues.realName !== undefined) {
        // One key version labels both indexes, so both are written under the current key
        // together; the one not changed is recomputed from its stored value.
        const indexes = await personIndexes(service, {
          ...(await storedNames(service, id, client)),
          ...definedOnly({ pseudonym: sealedValues.pseudonym, realName: sealedValues.realName }),
        });
        data.pseudonymIndex = indexes.pseudonym!.value;
        data.realNameIndex = indexes.realName?.value ?? null;
        data.indexKeyVersion = indexes.pseudonym!.keyVersion;
      }
      const updated = await client.case.updateMany({ where: { id, service }, data });
      if (updated.count !== 1) throw new Error('case vanished during update');
    },
  };
}

export type CaseRepository = ReturnType<typeof createCaseRepository>;

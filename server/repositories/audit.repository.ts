import { randomUUID } from 'node:crypto';
import { chainLink, GENESIS_LINK, KeyShreddedError } from '../../crypto/index.ts';
import { chainedContent, type AuditRow } from '../audit/audit-event-record.ts';
import type { Clock } from '../clock.ts';
import type { AnomalyThresholds } from '../config/config.schema.ts';
import type { DbClient } from '../database/db-client.ts';
import { sqlPool, type Database } from '../database/prisma-client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { inServiceScope, TRANSACTION_LIMITS } from '../database/service-scope.ts';
import type { FieldCrypto } from '../keys/field-crypto.ts';

export type AuditOutcome = 'allowed' | 'denied' | 'failed';

/** An access-log entry. Never case content, never a search term, never a password. */
export interface AuditEntry {
  /** Generated here unless a detail had to be bound to it first. */
  id?: string;
  actorId: string | null;
  actorRole: string | null;
  actorService: string | null;
  action: string;
  outcome: AuditOutcome;
  targetType?: string | null;
  targetId?: string | null;
  caseNumber?: string | null;
  reason?: string | null;
  /** A detail that could say something about a person, already encrypted under its case key. */
  detail?: { ciphertext: Uint8Array<ArrayBuffer>; digest: Uint8Array<ArrayBuffer> } | null;
  clientAddress: string | null;
  requestId: string | null;
}

export interface AuditFilter {
  actorId?: string;
  action?: string;
  outcome?: AuditOutcome;
  caseNumber?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  /** Keyset pagination: events older than this sequence number. */
  beforeSeq?: bigint;
  limit: number;
}

export interface AnomalyRow {
  kind: 'many_cases' | 'off_hours' | 'repeated_denials' | 'unassigned_read' | 'account_change';
  actorId: string | null;
  count: number;
  firstAt: Date;
  lastAt: Date;
  caseNumber: string | null;
}

/**
 * Account events that could hand someone a credential: each one is flagged for the auditors,
 * so that an admin's request and its confirmation are always looked at.
 */
export const ACCOUNT_CHANGES = [
  'admin.user_create',
  'admin.password_reset',
  'admin.totp_reset',
  'account.activation_confirm',
] as const;

// Any constant: serialises appends so that concurrent requests cannot fork the chain. Held
// until the writing transaction commits (pg_advisory_xact_lock).
const CHAIN_LOCK = 72_707_370;

const ROW_SELECT = {
  id: true,
  seq: true,
  at: true,
  actorId: true,
  actorRole: true,
  actorService: true,
  action: true,
  outcome: true,
  targetType: true,
  targetId: true,
  caseNumber: true,
  reason: true,
  detailDigest: true,
  clientAddress: true,
  requestId: true,
  link: true,
} as const;

const STREAM_BATCH = 5_000;

// Column order of StreamedRow; `at` as epoch milliseconds (the column holds milliseconds), which
// spares parsing a timestamp text per row.
const STREAM_SELECT = `SELECT id, seq, (extract(epoch FROM at) * 1000)::float8, actor_id, actor_role,
         actor_service, action, outcome, target_type, target_id, case_number, reason,
         detail_digest, client_address, request_id, link
    FROM audit_events ORDER BY seq`;

type StreamedRow = [
  id: string,
  seq: string,
  atMillis: number,
  actorId: string | null,
  actorRole: string | null,
  actorService: string | null,
  action: string,
  outcome: string,
  targetType: string | null,
  targetId: string | null,
  caseNumber: string | null,
  reason: string | null,
  detailDigest: Buffer | null,
  clientAddress: string | null,
  requestId: string | null,
  link: Buffer,
];

function fromStreamed(row: StreamedRow): AuditRow {
  return {
    id: row[0],
    seq: BigInt(row[1]),
    at: new Date(row[2]),
    actorId: row[3],
    actorRole: row[4],
    actorService: row[5],
    action: row[6],
    outcome: row[7],
    targetType: row[8],
    targetId: row[9],
    caseNumber: row[10],
    reason: row[11],
    detailDigest: row[12],
    clientAddress: row[13],
    requestId: row[14],
    link: row[15],
  };
}

/**
 * Events that showed a case: about it (its number) or listing it (lists and searches keep the
 * numbers they showed, comma-separated, as their target). Case numbers contain no comma.
 */
function showingCase(caseNumber: string): Prisma.AuditEventWhereInput[] {
  return [
    { caseNumber },
    { targetId: caseNumber },
    { targetId: { startsWith: `${caseNumber},` } },
    { targetId: { endsWith: `,${caseNumber}` } },
    { targetId: { contains: `,${caseNumber},` } },
  ];
}

const isTransaction = (client: DbClient): client is Prisma.TransactionClient =>
  !('$transaction' in client);

/** The access log: append-only and hash-chained (SECURITY.md, access log). */
/**
 * `fields` is absent in the sealer process, which holds no data keys and never reads details.
 */
export function createAuditRepository(db: Database, clock: Clock, fields?: FieldCrypto) {
  /**
   * The access reason of one event, decrypted under the key of the case the event concerns
   * (in that service's scope). An event about an appointment or incident carries its case
   * only as the case number, so the case is found by that. Never throws: an erased case
   * answers `erased`, anything else that keeps the text closed answers `unreadable`.
   */
  async function accessReason(row: {
    id: string;
    detail: Uint8Array | null;
    detailDigest: Uint8Array | null;
    actorService: string | null;
    targetType: string | null;
    targetId: string | null;
    caseNumber: string | null;
  }): Promise<{ state: 'none' | 'readable' | 'erased' | 'unreadable'; text: string | null }> {
    // Erasing the case clears the detail but keeps its digest (the chain covers it).
    if (!row.detail) return { state: row.detailDigest ? 'erased' : 'none', text: null };
    if (!fields || (row.actorService !== 'backup' && row.actorService !== 'comeback')) {
      return { state: 'unreadable', text: null };
    }
    const scope = row.actorService;
    try {
      const text = await inServiceScope(db, scope, async (client) => {
        const caseId =
          row.targetType === 'case' && row.targetId
            ? row.targetId
            : row.caseNumber
              ? (
                  await client.case.findFirst({
                    where: { caseNumber: row.caseNumber, service: scope },
                    select: { id: true },
                  })
                )?.id
              : undefined;
        if (!caseId) return null;
        return fields.decryptString(
          { scope, ownerType: 'case', ownerId: caseId },
          { table: 'audit_events', column: 'detail', recordId: row.id },
          row.detail!,
          client,
        );
      });
      return text === null ? { state: 'erased', text: null } : { state: 'readable', text };
    } catch (error) {
      if (error instanceof KeyShreddedError) return { state: 'erased', text: null };
      return { state: 'unreadable', text: null };
    }
  }

  async function appendInTransaction(tx: Prisma.TransactionClient, entry: AuditEntry) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`;
    const last = await tx.auditEvent.findFirst({
      orderBy: { seq: 'desc' },
      select: { seq: true, link: true },
    });
    const row: Omit<AuditRow, 'link'> = {
      id: entry.id ?? randomUUID(),
      seq: (last?.seq ?? 0n) + 1n,
      at: clock.now(),
      actorId: entry.actorId,
      actorRole: entry.actorRole,
      actorService: entry.actorService,
      action: entry.action,
      outcome: entry.outcome,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      caseNumber: entry.caseNumber ?? null,
      reason: entry.reason ?? null,
      detailDigest: entry.detail?.digest ?? null,
      clientAddress: entry.clientAddress,
      requestId: entry.requestId,
    };
    const link = Uint8Array.from(chainLink(last?.link ?? GENESIS_LINK, chainedContent(row)));
    await tx.auditEvent.create({
      data: {
        ...row,
        detailDigest: row.detailDigest ? Uint8Array.from(row.detailDigest) : null,
        detail: entry.detail?.ciphertext ?? null,
        link,
      },
    });
  }

  return {
    /**
     * Appends in the caller's transaction (a write and its event commit together or not at
     * all), or in a transaction of its own.
     */
    async append(entry: AuditEntry, client: DbClient = db): Promise<void> {
      if (isTransaction(client)) return appendInTransaction(client, entry);
      await db.$transaction((tx) => appendInTransaction(tx, entry), TRANSACTION_LIMITS);
    },

    async list(filter: AuditFilter, client: DbClient = db) {
      const rows = await client.auditEvent.findMany({
        where: {
          actorId: filter.actorId,
          action: filter.action,
          outcome: filter.outcome,
          targetId: filter.targetId,
          ...(filter.caseNumber ? { OR: showingCase(filter.caseNumber) } : {}),
          at: { gte: filter.from, lt: filter.to },
          seq: filter.beforeSeq === undefined ? undefined : { lt: filter.beforeSeq },
        },
        orderBy: { seq: 'desc' },
        take: filter.limit,
        select: ROW_SELECT,
      });
      // Lists never decrypt: auditors read a free-text reason one event at a time.
      return rows.map((row) => ({ ...row, accessReasonRecorded: row.detailDigest !== null }));
    },

    /** One event and its access reason, for an auditor's explicit (and logged) request. */
    async readAccessReason(id: string) {
      const row = await db.auditEvent.findUnique({
        where: { id },
        select: {
          id: true,
          seq: true,
          detail: true,
          detailDigest: true,
          actorService: true,
          targetType: true,
          targetId: true,
          caseNumber: true,
        },
      });
      return row
        ? { seq: row.seq, caseNumber: row.caseNumber, ...(await accessReason(row)) }
        : null;
    },

    /** Events in chain order after `afterSeq`, for verification and export. */
    async range(afterSeq: bigint, limit: number): Promise<AuditRow[]> {
      return db.auditEvent.findMany({
        where: { seq: { gt: afterSeq } },
        orderBy: { seq: 'asc' },
        take: limit,
        select: ROW_SELECT,
      });
    },

    /**
     * Every event in chain order, in batches of `batchSize`, read through one cursor in one
     * snapshot: the pg driver straight, because Prisma's row mapping cost more than hashing the
     * chain. The next batch can be fetched while the caller checks this one.
     */
    async *stream(batchSize = STREAM_BATCH): AsyncGenerator<AuditRow[]> {
      const client = await sqlPool(db).connect();
      let open = false;
      let broken: Error | undefined;
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        open = true;
        await client.query(`DECLARE audit_stream NO SCROLL CURSOR FOR ${STREAM_SELECT}`);
        const fetch = { text: `FETCH ${Number(batchSize)} FROM audit_stream`, rowMode: 'array' };
        for (;;) {
          const { rows } = await client.query<StreamedRow>(fetch);
          if (rows.length > 0) yield rows.map(fromStreamed);
          if (rows.length < batchSize) break;
        }
      } catch (error) {
        broken = error instanceof Error ? error : new Error(String(error));
        throw error;
      } finally {
        // Also reached when the caller stops early (a bad event): the cursor ends with the
        // transaction, and a connection in an unknown state is not returned to the pool.
        if (open && !broken)
          await client.query('ROLLBACK').catch((error: Error) => (broken = error));
        client.release(broken);
      }
    },

    /**
     * Patterns auditors should look at (thresholds configurable), computed in SQL over the
     * period: many distinct cases opened by one user within an hour, access outside working
     * hours or at weekends, repeated denials within a day, reads of cases not assigned to the
     * reader, and every account creation, credential reset and confirmation. Counts and case
     * numbers only.
     */
    async anomalies(
      period: { from: Date; to: Date },
      thresholds: AnomalyThresholds,
    ): Promise<AnomalyRow[]> {
      const { from, to } = period;
      const zone = thresholds.timeZone;
      const rows = await db.$queryRaw<AnomalyRow[]>`
        SELECT 'many_cases' AS kind, actor_id AS "actorId",
               count(DISTINCT coalesce(case_number, target_id))::int AS count,
               min(at) AS "firstAt", max(at) AS "lastAt", NULL AS "caseNumber"
          FROM audit_events
         WHERE (case_number IS NOT NULL OR target_type = 'case')
           AND actor_id IS NOT NULL AND outcome = 'allowed' AND at >= ${from} AND at < ${to}
         GROUP BY actor_id, date_trunc('hour', at)
        HAVING count(DISTINCT coalesce(case_number, target_id)) >= ${thresholds.casesPerHour}
        UNION ALL
        SELECT 'off_hours', actor_id, count(*)::int, min(at), max(at), NULL
          FROM audit_events
         WHERE actor_id IS NOT NULL AND at >= ${from} AND at < ${to}
           AND (extract(hour FROM at AT TIME ZONE ${zone}) < ${thresholds.workingHours.from}
                OR extract(hour FROM at AT TIME ZONE ${zone}) >= ${thresholds.workingHours.to}
                OR extract(isodow FROM at AT TIME ZONE ${zone}) >= 6)
         GROUP BY actor_id, (at AT TIME ZONE ${zone})::date
        UNION ALL
        SELECT 'repeated_denials', actor_id, count(*)::int, min(at), max(at), NULL
          FROM audit_events
         WHERE outcome = 'denied' AND actor_id IS NOT NULL AND at >= ${from} AND at < ${to}
         GROUP BY actor_id, (at AT TIME ZONE ${zone})::date
        HAVING count(*) >= ${thresholds.denialsPerDay}
        UNION ALL
        SELECT 'unassigned_read', actor_id, 1, at, at, case_number
          FROM audit_events
         WHERE outcome = 'allowed' AND '|' || reason || '|' LIKE '%|unassigned|%'
           AND at >= ${from} AND at < ${to}
        UNION ALL
        SELECT 'account_change', actor_id, 1, at, at, NULL
          FROM audit_events
         WHERE action IN (${Prisma.join([...ACCOUNT_CHANGES])}) AND outcome = 'allowed'
           AND at >= ${from} AND at < ${to}
         ORDER BY 4 DESC
         LIMIT 500`;
      return rows;
    },

    async linkAt(seq: bigint): Promise<Uint8Array | null> {
      const row = await db.auditEvent.findUnique({ where: { seq }, select: { link: true } });
      return row?.link ?? null;
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;

import type { CheckpointVerifier } from '../../../crypto/index.ts';
import { verifyAccessLog, type VerificationReport } from '../../audit/access-log-verifier.ts';
import { checkpointLine, eventLine, headerLine } from '../../audit/export-format.ts';
import type { Clock } from '../../clock.ts';
import type { AnomalyThresholds } from '../../config/config.schema.ts';
import { AppError } from '../../errors/app-error.ts';
import type { AuditFilter, AuditRepository } from '../../repositories/audit.repository.ts';
import type { CheckpointRepository } from '../../repositories/checkpoint.repository.ts';
import type { UserRepository } from '../../repositories/user.repository.ts';
import type { AccessReasonView, AuditEventView, AuditQuery } from '../../schemas/audit.schema.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditLog } from '../audit-log.ts';

const EXPORT_LIMIT = 100_000;
const CHECKPOINT_WAIT_MS = 10_000;

export type AuditSearch = Omit<AuditQuery, 'limit' | 'before'>;

/** The auditor's workspace: search, verification, checkpoints, export. Each use is audited. */
export function createAccessLogService(deps: {
  audits: AuditRepository;
  checkpoints: CheckpointRepository;
  users: UserRepository;
  audit: AuditLog;
  clock: Clock;
  /** Read from the sealer's public key file; verification needs nothing else. */
  verifier: () => Promise<CheckpointVerifier | undefined>;
  anomalyThresholds: AnomalyThresholds;
}) {
  const { audits, checkpoints, users, audit } = deps;

  async function toFilter(
    search: AuditSearch,
    limit: number,
    before?: number,
  ): Promise<AuditFilter | null> {
    let actorId: string | undefined;
    if (search.actor) {
      const user = /^[0-9a-f-]{36}$/.test(search.actor)
        ? await users.findById(search.actor)
        : await users.findByUsername(search.actor.toLowerCase());
      if (!user) return null; // an unknown actor has no events
      actorId = user.id;
    }
    return {
      actorId,
      action: search.action,
      outcome: search.outcome,
      caseNumber: search.caseNumber,
      from: search.from ? new Date(search.from) : undefined,
      to: search.to ? new Date(search.to) : undefined,
      beforeSeq: before === undefined ? undefined : BigInt(before),
      limit,
    };
  }

  const actorNames = (rows: readonly { actorId: string | null }[]) =>
    users.usernames(rows.flatMap((row) => (row.actorId ? [row.actorId] : [])));

  async function views(
    rows: Awaited<ReturnType<AuditRepository['list']>>,
  ): Promise<AuditEventView[]> {
    const names = await actorNames(rows);
    return rows.map((row) => ({
      id: row.id,
      seq: Number(row.seq),
      at: row.at.toISOString(),
      actorId: row.actorId,
      actorUsername: row.actorId ? (names.get(row.actorId) ?? null) : null,
      actorRole: row.actorRole,
      actorService: row.actorService,
      action: row.action,
      outcome: row.outcome as AuditEventView['outcome'],
      targetType: row.targetType,
      targetId: row.targetId,
      caseNumber: row.caseNumber,
      reason: row.reason,
      accessReasonRecorded: row.accessReasonRecorded,
      clientAddress: row.clientAddress,
      requestId: row.requestId,
    }));
  }

  async function verifyNow(): Promise<VerificationReport> {
    const verifier = await deps.verifier();
    if (!verifier) {
      throw new AppError(
        'service_unavailable',
        'The access-log public key is not available (CASEWORK_AUDIT_PUBLIC_KEY_FILE).',
      );
    }
    return verifyAccessLog(
      { batches: audits.stream(), checkpoints: await checkpoints.all() },
      verifier,
    );
  }

  return {
    async search(context: RequestContext, query: AuditQuery) {
      const filter = await toFilter(query, query.limit, query.before);
      const rows = filter ? await audits.list(filter) : [];
      await audit.record(context, {
        action: 'audit.search',
        outcome: 'allowed',
        reason: `${rows.length} events`,
      });
      const last = rows.at(-1);
      return {
        events: await views(rows),
        nextBefore: rows.length === query.limit && last ? Number(last.seq) : null,
      };
    },

    /**
     * The free text of one event, on the auditor's explicit request: the request is itself
     * an event naming the event read, so bulk reading shows up in the log.
     */
    async accessReason(context: RequestContext, id: string): Promise<AccessReasonView> {
      const found = await audits.readAccessReason(id);
      await audit.record(context, {
        action: 'audit.access_reason_view',
        outcome: found ? 'allowed' : 'denied',
        targetType: 'audit_event',
        targetId: id,
        caseNumber: found?.caseNumber ?? undefined,
        reason: found?.state ?? 'not_found',
      });
      if (!found) throw new AppError('not_found', 'No such access-log event.');
      return {
        id,
        seq: Number(found.seq),
        caseNumber: found.caseNumber,
        state: found.state,
        accessReason: found.text,
      };
    },

    async verify(context: RequestContext): Promise<VerificationReport> {
      const report = await verifyNow();
      await audit.record(context, {
        action: 'audit.verify',
        outcome: report.ok ? 'allowed' : 'failed',
        reason: report.ok
          ? `${report.checked} events`
          : `first bad event ${report.firstBadSeq ?? '?'}`,
      });
      return report;
    },

    verifyNow,

    /** Asks the sealer for a checkpoint and waits for it (or says it is not running). */
    async checkpoint(context: RequestContext) {
      const before = await checkpoints.latest();
      await audit.record(context, { action: 'audit.checkpoint_request', outcome: 'allowed' });
      await checkpoints.requestCheckpoint();
      const deadline = Date.now() + CHECKPOINT_WAIT_MS;
      while (Date.now() < deadline) {
        const latest = await checkpoints.latest();
        if (latest && latest.size > (before?.size ?? 0)) {
          return { size: latest.size, at: latest.createdAt.toISOString(), note: latest.note };
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new AppError(
        'service_unavailable',
        'The checkpoint sealer did not answer. Is it running?',
      );
    },

    async publicKey(): Promise<string> {
      const verifier = await deps.verifier();
      if (!verifier) throw new AppError('not_found', 'No access-log public key is configured.');
      const { formatVerifierKey } = await import('../../../crypto/index.ts');
      return formatVerifierKey(verifier);
    },

    async anomalies(context: RequestContext, period: { from?: string; to?: string }) {
      const to = period.to ? new Date(period.to) : deps.clock.now();
      const from = period.from ? new Date(period.from) : new Date(to.getTime() - 30 * 86_400_000);
      const rows = await audits.anomalies({ from, to }, deps.anomalyThresholds);
      const names = await actorNames(rows);
      await audit.record(context, {
        action: 'audit.anomalies',
        outcome: 'allowed',
        reason: `${rows.length} flags`,
      });
      return {
        thresholds: deps.anomalyThresholds,
        flags: rows.map((row) => ({
          kind: row.kind,
          actorId: row.actorId,
          actorUsername: row.actorId ? (names.get(row.actorId) ?? null) : null,
          count: row.count,
          firstAt: row.firstAt.toISOString(),
          lastAt: row.lastAt.toISOString(),
          caseNumber: row.caseNumber,
        })),
      };
    },

    /**
     * The whole log and its checkpoints in the export format, written line by line in batches
     * (a million events never sit in memory at once). The export is itself an event.
     */
    async exportChain(
      context: RequestContext,
      write: (line: string) => Promise<void>,
      progress?: (done: number) => void,
    ) {
      await audit.record(context, { action: 'audit.export', outcome: 'allowed', reason: 'chain' });
      await write(headerLine(deps.clock.now()));
      let after = 0n;
      for (;;) {
        const rows = await audits.range(after, 5_000);
        for (const row of rows) await write(eventLine(row));
        if (rows.length === 0) break;
        after = rows.at(-1)!.seq;
        progress?.(Number(after));
      }
      for (const checkpoint of await checkpoints.all()) await write(checkpointLine(checkpoint));
      return Number(after);
    },

    async export(context: RequestContext, search: AuditSearch, format: 'csv' | 'json') {
      const filter = await toFilter(search, EXPORT_LIMIT);
      const events = filter ? await views(await audits.list(filter)) : [];
      await audit.record(context, {
        action: 'audit.export',
        outcome: 'allowed',
        reason: `${format}, ${events.length} events`,
      });
      return format === 'json' ? JSON.stringify({ events }, null, 2) : toCsv(events);
    },
  };
}

export type AccessLogService = ReturnType<typeof createAccessLogService>;

const CSV_COLUMNS: (keyof AuditEventView)[] = [
  'seq',
  'at',
  'actorUsername',
  'actorRole',
  'actorService',
  'action',
  'outcome',
  'targetType',
  'targetId',
  'caseNumber',
  'reason',
  'accessReasonRecorded',
  'clientAddress',
  'requestId',
];

/** RFC 4180, with a leading quote against spreadsheet formula injection (=, +, -, @). */
export function toCsv(events: AuditEventView[]): string {
  const cell = (value: unknown) => {
    let text = value === null || value === undefined ? '' : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [
    CSV_COLUMNS.join(','),
    ...events.map((event) => CSV_COLUMNS.map((column) => cell(event[column])).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

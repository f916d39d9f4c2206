import { randomUUID } from 'node:crypto';
import type { DbClient } from '../database/db-client.ts';
import type { Database } from '../database/prisma-client.ts';

export type AuditOutcome = 'allowed' | 'denied' | 'failed';

/** An access-log entry. Never case content, never a search term, never a password. */
export interface AuditEntry {
  actorId: string | null;
  actorRole: string | null;
  actorService: string | null;
  action: string;
  outcome: AuditOutcome;
  targetType?: string | null;
  targetId?: string | null;
  reason?: string | null;
  clientAddress: string | null;
  requestId: string | null;
}

export interface StoredAuditEvent extends Required<AuditEntry> {
  id: string;
  at: Date;
}

export function createAuditRepository(db: Database) {
  return {
    async append(entry: AuditEntry, client: DbClient = db): Promise<void> {
      await client.auditEvent.create({
        data: {
          id: randomUUID(),
          actorId: entry.actorId,
          actorRole: entry.actorRole,
          actorService: entry.actorService,
          action: entry.action,
          outcome: entry.outcome,
          targetType: entry.targetType ?? null,
          targetId: entry.targetId ?? null,
          reason: entry.reason ?? null,
          clientAddress: entry.clientAddress,
          requestId: entry.requestId,
        },
      });
    },

    async list(
      filter: { actorId?: string; action?: string; from?: Date; to?: Date; limit: number },
      client: DbClient = db,
    ): Promise<StoredAuditEvent[]> {
      const rows = await client.auditEvent.findMany({
        where: {
          actorId: filter.actorId,
          action: filter.action,
          at: { gte: filter.from, lt: filter.to },
        },
        orderBy: { at: 'desc' },
        take: filter.limit,
      });
      return rows.map((row) => ({ ...row, outcome: row.outcome as AuditOutcome }));
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;

import type { AuditEvent } from '../../crypto/index.ts';

/** An access-log row as stored, in the shape the chain hashes. */
export interface AuditRow {
  id: string;
  seq: bigint;
  at: Date;
  actorId: string | null;
  actorRole: string | null;
  actorService: string | null;
  action: string;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
  caseNumber: string | null;
  reason: string | null;
  /** BLAKE2b of the encrypted detail: the chain keeps it when erasure clears the detail. */
  detailDigest: Uint8Array | null;
  clientAddress: string | null;
  requestId: string | null;
  link: Uint8Array;
}

/**
 * The canonical content of an event: every stored column except the link itself. Version 1;
 * a new column means a new version, never a silent change of what the hash covers.
 */
export function chainedContent(row: Omit<AuditRow, 'link'>): AuditEvent {
  return {
    v: 1,
    id: row.id,
    seq: Number(row.seq),
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorRole: row.actorRole,
    actorService: row.actorService,
    action: row.action,
    outcome: row.outcome,
    targetType: row.targetType,
    targetId: row.targetId,
    caseNumber: row.caseNumber,
    reason: row.reason,
    detailDigest: row.detailDigest ? Buffer.from(row.detailDigest).toString('base64') : null,
    clientAddress: row.clientAddress,
    requestId: row.requestId,
  };
}

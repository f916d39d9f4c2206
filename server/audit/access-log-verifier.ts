import {
  CheckpointError,
  verifyChain,
  verifyCheckpoint,
  type ChainHead,
  type CheckpointVerifier,
} from '../../crypto/index.ts';
import type { AuditRepository } from '../repositories/audit.repository.ts';
import type { StoredCheckpoint } from '../repositories/checkpoint.repository.ts';
import { chainedContent, type AuditRow } from './audit-event-record.ts';

export const ACCESS_LOG_ORIGIN = 'casework/access-log';

export type VerificationReport =
  | { ok: true; checked: number; lastCheckpoint: { size: number; at: string } | null }
  | {
      ok: false;
      checked: number;
      firstBadEventId?: string;
      firstBadSeq?: number;
      reason: string;
      lastCheckpoint: { size: number; at: string } | null;
    };

/** Checks the signatures of stored checkpoints; a forged one is a failure, not a skip. */
export function verifiedHeads(
  checkpoints: readonly StoredCheckpoint[],
  verifier: CheckpointVerifier,
): { heads: ChainHead[]; forged?: StoredCheckpoint } {
  const heads: ChainHead[] = [];
  for (const checkpoint of checkpoints) {
    try {
      const verified = verifyCheckpoint(checkpoint.note, verifier, { origin: ACCESS_LOG_ORIGIN });
      if (verified.size !== checkpoint.size) return { heads, forged: checkpoint };
      heads.push(verified);
    } catch (error) {
      if (error instanceof CheckpointError) return { heads, forged: checkpoint };
      throw error;
    }
  }
  return { heads };
}

/**
 * Recomputes the whole chain from a stream of batches in chain order and compares it with the
 * signed checkpoint heads; reports the first event that is not proven good. Needs only the
 * public key. The next batch is requested before this one is hashed, so reading and hashing
 * overlap.
 */
export async function verifyAccessLog(
  source: {
    batches: AsyncIterable<readonly AuditRow[]>;
    checkpoints: StoredCheckpoint[];
  },
  verifier: CheckpointVerifier,
): Promise<VerificationReport> {
  const last = source.checkpoints.at(-1);
  const lastCheckpoint = last ? { size: last.size, at: last.createdAt.toISOString() } : null;
  const { heads, forged } = verifiedHeads(source.checkpoints, verifier);
  if (forged) {
    return {
      ok: false,
      checked: 0,
      reason: `checkpoint at size ${forged.size} has no valid signature`,
      lastCheckpoint,
    };
  }
  const batches = source.batches[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<readonly AuditRow[]>> = batches.next();
  let start: ChainHead | undefined;
  let checked = 0;
  try {
    for (;;) {
      const next = await pending;
      if (!next.done) pending = batches.next();
      const rows = next.done ? [] : next.value;
      const expectedSeq = BigInt(checked + 1);
      const gap = rows.findIndex((row, index) => row.seq !== expectedSeq + BigInt(index));
      const entries = (gap === -1 ? rows : rows.slice(0, gap)).map((row) => ({
        event: chainedContent(row),
        link: row.link,
      }));
      const isLast = next.done === true || gap !== -1;
      const result = verifyChain(entries, {
        start,
        // Heads beyond this batch are checked by later batches; at the end, all must be reached.
        checkpoints: heads.filter((head) => head.size <= checked + entries.length || isLast),
      });
      if (!result.ok) {
        const bad = rows[result.firstBadIndex - checked];
        return {
          ok: false,
          checked: result.firstBadIndex,
          reason: result.reason,
          firstBadEventId: bad?.id,
          firstBadSeq: bad ? Number(bad.seq) : result.firstBadIndex + 1,
          lastCheckpoint,
        };
      }
      if (gap !== -1) {
        const bad = rows[gap]!;
        return {
          ok: false,
          checked: result.size,
          reason: 'sequence_gap',
          firstBadEventId: bad.id,
          firstBadSeq: Number(bad.seq),
          lastCheckpoint,
        };
      }
      checked = result.size;
      start = { size: result.size, head: result.head };
      if (isLast) return { ok: true, checked, lastCheckpoint };
    }
  } finally {
    // Stopped early: let a batch still in flight settle, then close the stream (its cursor).
    await pending.catch(() => undefined);
    await batches.return?.();
  }
}

/** One batch for a log already in memory (an export file). */
export async function* inMemory(rows: readonly AuditRow[]): AsyncGenerator<readonly AuditRow[]> {
  yield rows;
}

export type { AuditRepository };

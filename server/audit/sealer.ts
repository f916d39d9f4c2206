import { signCheckpoint, type CheckpointSigner } from '../../crypto/index.ts';
import type { Clock } from '../clock.ts';
import type { AuditRepository } from '../repositories/audit.repository.ts';
import type { CheckpointRepository } from '../repositories/checkpoint.repository.ts';
import { ACCESS_LOG_ORIGIN, verifyAccessLog } from './access-log-verifier.ts';

export class AccessLogInconsistent extends Error {
  override name = 'AccessLogInconsistent';
}

/**
 * Signs the current head of the access log — but only after verifying the whole log against
 * every earlier checkpoint, so a checkpoint is never signed for a log that was rewritten.
 * Runs in the sealer process, which alone holds the signing key.
 */
export async function sealCheckpoint(deps: {
  audits: AuditRepository;
  checkpoints: CheckpointRepository;
  signer: CheckpointSigner;
  clock: Clock;
}): Promise<{ size: number; signed: boolean }> {
  const stored = await deps.checkpoints.all();
  let head: { size: number; head: Uint8Array } | undefined;
  const report = await verifyAccessLog(
    {
      checkpoints: stored,
      batches: (async function* () {
        for await (const rows of deps.audits.stream()) {
          const lastRow = rows.at(-1);
          if (lastRow) head = { size: Number(lastRow.seq), head: lastRow.link };
          yield rows;
        }
      })(),
    },
    deps.signer,
  );
  if (!report.ok) {
    throw new AccessLogInconsistent(
      `not signing: the access log is inconsistent at event ${report.firstBadSeq ?? '?'} (${report.reason})`,
    );
  }
  const previous = stored.at(-1);
  if (!head || head.size === previous?.size) return { size: previous?.size ?? 0, signed: false };
  const note = signCheckpoint(deps.signer, {
    origin: ACCESS_LOG_ORIGIN,
    size: head.size,
    head: head.head,
  });
  await deps.checkpoints.insert(head.size, note, deps.clock.now());
  return { size: head.size, signed: true };
}

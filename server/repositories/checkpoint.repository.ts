import { CHECKPOINT_CHANNEL } from '../audit/checkpoint-channel.ts';
import type { Database } from '../database/prisma-client.ts';

export interface StoredCheckpoint {
  size: number;
  note: string;
  createdAt: Date;
}

/** Signed checkpoints of the access log (written by the sealer, read by verifiers). */
export function createCheckpointRepository(db: Database) {
  const toCheckpoint = (row: {
    size: bigint;
    note: string;
    createdAt: Date;
  }): StoredCheckpoint => ({
    size: Number(row.size),
    note: row.note,
    createdAt: row.createdAt,
  });
  return {
    async latest(): Promise<StoredCheckpoint | null> {
      const row = await db.auditCheckpoint.findFirst({ orderBy: { size: 'desc' } });
      return row ? toCheckpoint(row) : null;
    },
    async all(): Promise<StoredCheckpoint[]> {
      return (await db.auditCheckpoint.findMany({ orderBy: { size: 'asc' } })).map(toCheckpoint);
    },
    /** Asks the sealer process for a checkpoint now. */
    async requestCheckpoint(): Promise<void> {
      await db.$executeRawUnsafe(`SELECT pg_notify('${CHECKPOINT_CHANNEL}', '')`);
    },
    async insert(size: number, note: string, at: Date): Promise<void> {
      await db.auditCheckpoint.createMany({
        data: [{ size: BigInt(size), note, createdAt: at }],
        skipDuplicates: true,
      });
    },
  };
}

export type CheckpointRepository = ReturnType<typeof createCheckpointRepository>;

import { BackupFileError } from '../../../crypto/database-backup-stream.ts';
import { masterKeyId, type KeyScope } from '../../../crypto/index.ts';
import type { Clock } from '../../clock.ts';
import {
  dumpDatabase,
  restoreDatabase,
  type TablePart,
} from '../../repositories/database-backup/database-image.repository.ts';
import {
  finishRestoreSchema,
  prepareRestoreTarget,
} from '../../repositories/database-backup/restore-target.repository.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditLog } from '../audit-log.ts';
import {
  readBackupFile,
  writeBackupFile,
  type BackupMessage,
  type BackupMeta,
} from './database-backup-file.ts';

/** A progress display (a cli-progress bar at the terminal, nothing in tests). */
export interface Progress {
  start(total: number): void;
  update(done: number): void;
  stop(): void;
}

export const noProgress: Progress = { start() {}, update() {}, stop() {} };

/** What `backup verify` checks in the restored copy (wired by the caller). */
export interface RestoredChecks {
  serviceKeyVersions(scope: KeyScope): Promise<number>;
  unwrapDataKeys(scope: KeyScope, limit: number): Promise<number>;
  openCases(service: 'backup' | 'comeback', limit: number): Promise<number>;
  verifyAccessLog(): Promise<{ ok: boolean; checked: number; reason?: string }>;
}

export interface VerifyReport {
  rows: number;
  serviceKeyVersions: number;
  dataKeysUnwrapped: number;
  casesDecrypted: number;
  accessLog: { ok: boolean; checked: number; reason?: string };
  ok: boolean;
}

/** A database nothing else uses, for `backup verify`; dropped afterwards. */
export interface ScratchDatabase {
  ownerUrl: string;
  appUrl: string;
  drop(): Promise<void>;
}

export function createDatabaseBackupService(deps: {
  masterKey: Uint8Array;
  clock: Clock;
  audit: AuditLog | null;
}) {
  const { masterKey } = deps;

  /** Restores `file` into the (migrated-on-demand, empty) database behind `ownerUrl`. */
  async function restoreInto(
    ownerUrl: string,
    file: string,
    progress: Progress,
  ): Promise<{ rows: number; meta: BackupMeta; newerSchema: boolean; migrated: string[] }> {
    const messages = readBackupFile(file, masterKey);
    const next = async (): Promise<BackupMessage> => {
      const step = await messages.next();
      if (step.done) throw new BackupFileError('truncated', 'the backup file is truncated');
      return step.value;
    };
    try {
      const first = await next();
      if (first.kind !== 'meta')
        throw new BackupFileError('corrupted', 'the backup file is corrupted');
      const meta = first.meta;
      const target = await prepareRestoreTarget(ownerUrl, meta.migrations);
      progress.start(meta.rows);
      let done = 0;
      let current: TablePart | null = null;
      const rows = await restoreDatabase(
        ownerUrl,
        {
          async nextPart() {
            const message = await next();
            if (message.kind === 'part') {
              current = message.part;
              return current;
            }
            if (message.kind !== 'end') {
              throw new BackupFileError(
                'corrupted',
                'the backup file is corrupted (unexpected content)',
              );
            }
            // Only a file read to its authenticated end may be committed.
            const rest = await messages.next();
            if (!rest.done)
              throw new BackupFileError('corrupted', 'the backup file has data after its end');
            if (message.rows !== meta.rows) {
              throw new BackupFileError(
                'corrupted',
                'the backup file is corrupted (row totals differ)',
              );
            }
            return null;
          },
          async *partData() {
            for (;;) {
              const message = await next();
              if (message.kind === 'data') {
                yield message.data;
                continue;
              }
              if (message.kind !== 'partEnd' || message.rows !== current?.rows) {
                throw new BackupFileError(
                  'corrupted',
                  'the backup file is corrupted (a table ends wrong)',
                );
              }
              return;
            }
          },
        },
        {
          replace: target.replace,
          onRows(count) {
            done += count;
            progress.update(done);
          },
        },
      );
      const migrated = await finishRestoreSchema(ownerUrl);
      return { rows, meta, newerSchema: target.newerSchema, migrated };
    } finally {
      progress.stop();
      await messages.return(undefined);
    }
  }

  return {
    /**
     * Writes a backup (docs/api.md, `backup create`): every table from one snapshot, encrypted
     * under a key derived from the master key (the master key itself is not in the file).
     */
    async create(
      context: RequestContext,
      ownerUrl: string,
      file: string,
      progress: Progress = noProgress,
    ): Promise<{ rows: number; bytes: number; masterKeyId: string }> {
      let rows = 0;
      let done = 0;
      try {
        const bytes = await writeBackupFile(file, masterKey, async (out) => {
          await dumpDatabase(
            ownerUrl,
            async (found) => {
              rows = found.parts.reduce((sum, part) => sum + part.rows, 0);
              progress.start(rows);
              await out.meta({
                format: 'casework-backup',
                version: 1,
                createdAt: deps.clock.now().toISOString(),
                migrations: found.migrations,
                parts: found.parts,
                rows,
              });
            },
            {
              startPart: (part) => out.part(part),
              async data(chunk) {
                let lines = 0;
                for (const byte of chunk) if (byte === 10) lines++;
                done += lines;
                progress.update(done);
                await out.data(chunk);
              },
              endPart: (_part, count) => out.partEnd(count),
            },
          );
          await out.end(rows);
        });
        await deps.audit?.record(context, {
          action: 'backup.create',
          outcome: 'allowed',
          reason: `${rows} rows`,
        });
        return { rows, bytes, masterKeyId: masterKeyId(masterKey) };
      } finally {
        progress.stop();
      }
    },

    /** Restores a backup into an empty database (docs/api.md, `backup restore`). */
    async restore(context: RequestContext, ownerUrl: string, file: string, progress = noProgress) {
      const result = await restoreInto(ownerUrl, file, progress);
      await deps.audit?.record(context, {
        action: 'backup.restore',
        outcome: 'allowed',
        reason: `${result.rows} rows`,
      });
      return result;
    },

    /**
     * Proves a backup restores and decrypts (docs/api.md, `backup verify`): restores it into a
     * scratch database, unwraps every service key and a sample of data keys, decrypts a
     * sample of cases and verifies the access log's hash chain and checkpoints there.
     */
    async verify(
      file: string,
      scratch: ScratchDatabase,
      checks: (appUrl: string) => Promise<RestoredChecks & { close(): Promise<void> }>,
      progress: Progress = noProgress,
      sample = 200,
    ): Promise<VerifyReport> {
      try {
        const { rows } = await restoreInto(scratch.ownerUrl, file, progress);
        const restored = await checks(scratch.appUrl);
        try {
          let serviceKeyVersions = 0;
          let dataKeysUnwrapped = 0;
          for (const scope of ['system', 'backup', 'comeback'] as const) {
            serviceKeyVersions += await restored.serviceKeyVersions(scope);
            dataKeysUnwrapped += await restored.unwrapDataKeys(scope, sample);
          }
          let casesDecrypted = 0;
          for (const service of ['backup', 'comeback'] as const) {
            casesDecrypted += await restored.openCases(service, Math.ceil(sample / 4));
          }
          const accessLog = await restored.verifyAccessLog();
          return {
            rows,
            serviceKeyVersions,
            dataKeysUnwrapped,
            casesDecrypted,
            accessLog,
            ok: accessLog.ok,
          };
        } finally {
          await restored.close();
        }
      } finally {
        await scratch.drop();
      }
    },
  };
}

export type DatabaseBackupService = ReturnType<typeof createDatabaseBackupService>;

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { KEY_SCOPES } from '../../crypto/index.ts';
import { systemClock } from '../clock.ts';
import { createDatabaseBackup, createRestoredChecks } from '../container.ts';
import {
  APP_LOGIN_ROLE,
  ensureDatabase,
  ensureRoles,
  OWNER_ROLE,
  roleUrl,
} from '../database/database-roles.ts';
import { startEmbeddedPostgres } from '../database/embedded-postgres.ts';
import { withClient } from '../database/pg-client.ts';
import type { ScratchDatabase } from '../services/database-backup/database-backup.service.ts';
import { progressBar, withMaintenance } from './maintenance.ts';
import { cliContext } from './open-app.ts';

/** A PostgreSQL cluster of its own in a temporary directory: production is never touched. */
async function scratchCluster(): Promise<ScratchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-verify-'));
  fs.chmodSync(dir, 0o711);
  const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), log: () => {} });
  const drop = async () => {
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const passwords = {
      owner: crypto.randomUUID(),
      app: crypto.randomUUID(),
      sealer: crypto.randomUUID(),
    };
    await withClient(cluster.superuserUrl(), async (client) => {
      await ensureRoles(client, passwords);
      await ensureDatabase(client, 'verify');
    });
    return {
      ownerUrl: roleUrl(cluster.port, OWNER_ROLE, passwords.owner, 'verify'),
      appUrl: roleUrl(cluster.port, APP_LOGIN_ROLE, passwords.app, 'verify'),
      drop,
    };
  } catch (error) {
    await drop();
    throw error;
  }
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function backupCommands(): Command {
  const backup = new Command('backup').description('encrypted backups: create, restore, verify');

  backup
    .command('create')
    .description('write an encrypted backup of the whole database (one consistent snapshot)')
    .requiredOption('--out <file>', 'the backup file to write (must not exist yet)')
    .action(async (options: { out: string }) => {
      await withMaintenance(async (maintenance) => {
        const service = createDatabaseBackup({
          masterKey: maintenance.masterKey,
          clock: systemClock,
          audit: maintenance.audit(),
        });
        const result = await service.create(
          cliContext('backup-create'),
          maintenance.ownerUrl,
          options.out,
          progressBar('backup', 'rows'),
        );
        console.log(
          `wrote ${options.out}: ${result.rows} rows, ${megabytes(result.bytes)}, encrypted under a key derived from master key ${result.masterKeyId}; keep the master key apart from the file`,
        );
      });
    });

  backup
    .command('restore')
    .description('restore a backup into an EMPTY database (runs migrations first)')
    .requiredOption('--file <file>', 'the backup file')
    .action(async (options: { file: string }) => {
      await withMaintenance(
        async (maintenance) => {
          const service = createDatabaseBackup({
            masterKey: maintenance.masterKey,
            clock: systemClock,
            audit: maintenance.audit(),
          });
          const result = await service.restore(
            cliContext('backup-restore'),
            maintenance.ownerUrl,
            options.file,
            progressBar('restore', 'rows'),
          );
          console.log(
            `restored ${result.rows} rows from ${options.file} (made ${result.meta.createdAt})${result.migrated.length ? `; then applied ${result.migrated.length} newer migrations` : ''}`,
          );
        },
        { database: 'as-is' },
      );
    });

  backup
    .command('verify')
    .description(
      'restore a backup into a throwaway database and check that it decrypts and its access log verifies',
    )
    .requiredOption('--file <file>', 'the backup file')
    .option('--sample <n>', 'data keys per scope to unwrap', (v) => Number.parseInt(v, 10), 200)
    .action(async (options: { file: string; sample: number }) => {
      // Production's database is not opened at all: the file, the master key and the verifier
      // key are all it takes (so it can run on a separate restore-test host too).
      await withMaintenance(
        async (maintenance) => {
          const service = createDatabaseBackup({
            masterKey: maintenance.masterKey,
            clock: systemClock,
            audit: null,
          });
          const report = await service.verify(
            options.file,
            await scratchCluster(),
            createRestoredChecks(
              maintenance.masterKey,
              maintenance.config.audit.publicKeyFile,
              systemClock,
            ),
            progressBar('verify', 'rows'),
            options.sample,
          );
          const scopes = KEY_SCOPES.length;
          console.log(
            [
              `restored ${report.rows} rows into a throwaway database`,
              `unwrapped ${report.serviceKeyVersions} service key versions (${scopes} scopes) and ${report.dataKeysUnwrapped} sampled data keys`,
              `decrypted ${report.casesDecrypted} sampled cases`,
              report.accessLog.ok
                ? `access log intact: ${report.accessLog.checked} events verified`
                : `access log NOT intact: ${report.accessLog.reason}`,
              report.ok ? 'backup OK' : 'backup NOT OK',
            ].join('\n'),
          );
          if (!report.ok) process.exitCode = 1;
        },
        { database: 'none' },
      );
    });

  return backup;
}

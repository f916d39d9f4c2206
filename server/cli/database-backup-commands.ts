import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { KEY_SCOPES, unwrapServiceRootKey } from '../../crypto/index.ts';
import { verifyAccessLog } from '../audit/access-log-verifier.ts';
import { readVerifier } from '../audit/signing-key.ts';
import { systemClock } from '../clock.ts';
import {
  APP_LOGIN_ROLE,
  ensureDatabase,
  ensureRoles,
  OWNER_ROLE,
  roleUrl,
} from '../database/database-roles.ts';
import { startEmbeddedPostgres } from '../database/embedded-postgres.ts';
import { withClient } from '../database/pg-client.ts';
import { closeDatabase, createDatabase } from '../database/prisma-client.ts';
import { createFieldCrypto } from '../keys/field-crypto.ts';
import { createKeyring } from '../keys/keyring.ts';
import { createRestoredSampleRepository } from '../repositories/database-backup/restored-sample.repository.ts';
import { createAuditRepository } from '../repositories/audit.repository.ts';
import { createCaseRepository } from '../repositories/case-work/case.repository.ts';
import { createCheckpointRepository } from '../repositories/checkpoint.repository.ts';
import { createKeyRepository } from '../repositories/key.repository.ts';
import {
  createDatabaseBackupService,
  type RestoredChecks,
  type ScratchDatabase,
} from '../services/database-backup/database-backup.service.ts';
import { progressBar, withMaintenance } from './maintenance.ts';
import { cliContext } from './open-app.ts';

/**
 * The checks `backup verify` runs on the restored copy, through the same keyring and
 * repositories as the server (on the copy's request role, so row-level security applies).
 */
export function restoredChecks(
  masterKey: Uint8Array,
  publicKeyFile: string,
): (appUrl: string) => Promise<RestoredChecks & { close(): Promise<void> }> {
  return async (appUrl) => {
    const db = createDatabase({ url: appUrl, poolMax: 2 });
    const keys = createKeyRepository(db);
    const keyring = createKeyring(masterKey, keys);
    const fields = createFieldCrypto(keyring);
    const samples = createRestoredSampleRepository(db, keyring);
    const cases = createCaseRepository(fields);
    return {
      async serviceKeyVersions(scope) {
        // What the backup holds, unwrapped one by one (the keyring would create a first
        // version where none is stored, and count that).
        const stored = await keys.serviceKeys(scope);
        for (const key of stored) {
          unwrapServiceRootKey(masterKey, { scope, version: key.version }, key.wrappedKey).fill(0);
        }
        return stored.length;
      },
      unwrapDataKeys: (scope, limit) => samples.unwrapDataKeys(scope, limit),
      openCases: (service, limit) => samples.openCases(service, limit, cases),
      async verifyAccessLog() {
        const verifier = await readVerifier(publicKeyFile);
        if (!verifier) {
          return {
            ok: false,
            checked: 0,
            reason: `the access-log public key ${publicKeyFile} cannot be read (CASEWORK_AUDIT_PUBLIC_KEY_FILE)`,
          };
        }
        const report = await verifyAccessLog(
          {
            batches: createAuditRepository(db, systemClock).stream(),
            checkpoints: await createCheckpointRepository(db).all(),
          },
          verifier,
        );
        return report.ok
          ? { ok: true, checked: report.checked }
          : { ok: false, checked: report.checked, reason: report.reason };
      },
      close: () => closeDatabase(db),
    };
  };
}

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
        const service = createDatabaseBackupService({
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
          const service = createDatabaseBackupService({
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
          const service = createDatabaseBackupService({
            masterKey: maintenance.masterKey,
            clock: systemClock,
            audit: null,
          });
          const report = await service.verify(
            options.file,
            await scratchCluster(),
            restoredChecks(maintenance.masterKey, maintenance.config.audit.publicKeyFile),
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

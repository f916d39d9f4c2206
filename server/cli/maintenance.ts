import { Presets, SingleBar } from 'cli-progress';
import { initCrypto } from '../../crypto/index.ts';
import { systemClock } from '../clock.ts';
import type { Config } from '../config/config.schema.ts';
import { loadConfig } from '../config/load-config.ts';
import { openDatabase } from '../database/open-database.ts';
import { closeDatabase, createDatabase, type Database } from '../database/prisma-client.ts';
import { startEmbeddedDatabase } from '../database/embedded-setup.ts';
import { loadMasterKey } from '../keys/master-key.ts';
import { createCommandAuditLog } from '../container.ts';
import type { AuditLog } from '../services/audit-log.ts';
import type { Progress } from '../services/database-backup/database-backup.service.ts';

/** What a maintenance command (keys, backup) works with: both roles' URLs and the master key. */
export interface Maintenance {
  config: Config;
  masterKey: Uint8Array;
  /** The owner role: maintenance reads and changes what the request role may not. */
  ownerUrl: string;
  appUrl: string;
  /** Access-log events of the command, written through the request role like the server's. */
  audit(): AuditLog;
  /** A Prisma client on the owner role, closed with the command. */
  ownerDb(): Database;
}

/**
 * Opens the configured database (attaching to a running server's embedded cluster) for a
 * maintenance command: migrated (`migrate`), as it is (`as-is`, restore), or not at all
 * (`none`, verify: it needs only the master key and the verifier key).
 */
export async function withMaintenance<T>(
  work: (maintenance: Maintenance) => Promise<T>,
  options: { database: 'migrate' | 'as-is' | 'none' } = { database: 'migrate' },
): Promise<T> {
  const config = loadConfig();
  await initCrypto();
  const masterKey = await loadMasterKey(config.masterKey, (message) => console.error(message));
  const database =
    options.database === 'migrate'
      ? await openDatabase(config, { log: () => {}, attachToRunning: true })
      : options.database === 'as-is'
        ? await openUnmigrated(config)
        : { url: '', migrationUrl: '', close: async () => {} };
  const clients: Database[] = [];
  const open = (url: string) => {
    const db = createDatabase({ url, poolMax: 4 });
    clients.push(db);
    return db;
  };
  let audit: AuditLog | undefined;
  let ownerDb: Database | undefined;
  try {
    return await work({
      config,
      masterKey,
      ownerUrl: database.migrationUrl,
      appUrl: database.url,
      audit: () =>
        (audit ??= createCommandAuditLog(
          open(database.url),
          systemClock,
          config.audit.clientAddress,
        )),
      ownerDb: () => (ownerDb ??= open(database.migrationUrl)),
    });
  } finally {
    for (const db of clients) await closeDatabase(db);
    await database.close();
    masterKey.fill(0);
  }
}

async function openUnmigrated(config: Config) {
  if (config.database.url) {
    return {
      url: config.database.url,
      migrationUrl: config.database.migrationUrl ?? config.database.url,
      close: async () => {},
    };
  }
  const embedded = await startEmbeddedDatabase(config.dataDir, () => {}, { attachToRunning: true });
  return { url: embedded.appUrl, migrationUrl: embedded.ownerUrl, close: () => embedded.stop() };
}

/** A progress bar on standard error when it is a terminal; standard output keeps the answer. */
export function progressBar(label: string, unit: string): Progress {
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% {value}/{total} ${unit} {eta_formatted}`,
      stream: process.stderr,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    start(total) {
      if (!process.stderr.isTTY) return;
      if (started) bar.setTotal(total);
      else bar.start(total, 0);
      started = true;
    },
    update(done) {
      if (started) bar.update(done);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

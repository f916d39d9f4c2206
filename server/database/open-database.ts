import type { Config } from '../config/config.schema.ts';
import { checkDatabaseAnswers, checkRequestLogins } from './check-database.ts';
import { startEmbeddedDatabase } from './embedded-setup.ts';
import { applyMigrations } from './migrate.ts';

export interface OpenedDatabase {
  /** The request role's URL. */
  url: string;
  /** The owner role's URL (migrations, maintenance commands). */
  migrationUrl: string;
  /** The sealer's own login; unset for an external database without CASEWORK_SEALER_DATABASE_URL. */
  sealerUrl?: string;
  /** Stops the embedded cluster if this process started it; otherwise does nothing. */
  close(): Promise<void>;
}

/**
 * The database the configuration names, migrated: the external one (checked to answer) or
 * the embedded cluster under the data dir. Shared by `npm start` and the CLI; the CLI may
 * attach to the cluster of a running server.
 */
export async function openDatabase(
  config: Config,
  options: { log: (message: string) => void; attachToRunning?: boolean },
): Promise<OpenedDatabase> {
  let opened: OpenedDatabase;
  if (config.database.url) {
    await checkDatabaseAnswers(config.database.url, 'DATABASE_URL');
    const migrationUrl = config.database.migrationUrl ?? config.database.url;
    if (migrationUrl !== config.database.url) {
      await checkDatabaseAnswers(migrationUrl, 'CASEWORK_MIGRATION_DATABASE_URL');
    }
    opened = {
      url: config.database.url,
      migrationUrl,
      sealerUrl: config.database.sealerUrl,
      close: async () => {},
    };
  } else {
    const embedded = await startEmbeddedDatabase(config.dataDir, options.log, {
      attachToRunning: options.attachToRunning ?? false,
    });
    opened = {
      url: embedded.appUrl,
      migrationUrl: embedded.ownerUrl,
      sealerUrl: embedded.sealerUrl,
      close: () => embedded.stop(),
    };
  }
  try {
    await applyMigrations(opened.migrationUrl, { log: options.log });
    await checkRequestLogins(
      opened.url,
      config.database.url ? 'DATABASE_URL' : 'the embedded database',
    );
  } catch (error) {
    await opened.close();
    throw error;
  }
  return opened;
}

/**
 * `npm start`: validates the configuration, builds the UI if needed, starts the embedded
 * PostgreSQL when DATABASE_URL is unset, applies migrations and serves UI and API. Ctrl-C or
 * SIGTERM finishes in-flight requests, closes the pool and stops PostgreSQL.
 */
import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import { buildApp } from './app.ts';
import type { Config } from './config/config.schema.ts';
import { loadConfig } from './config/load-config.ts';
import { checkDatabaseAnswers } from './database/check-database.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './database/embedded-setup.ts';
import { applyMigrations } from './database/migrate.ts';
import { loadMasterKey } from './keys/master-key.ts';
import { loggerOptions } from './logging.ts';
import { ensureWebBuild } from './web-build.ts';

let embedded: EmbeddedDatabase | undefined;

try {
  const config = loadConfig();
  const logger = pino(loggerOptions(config) as pino.LoggerOptions);
  const log = (message: string) => logger.info(message);

  await loadMasterKey(config.masterKey, log);
  await ensureWebBuild(config.webDir, log);
  const database = await resolveDatabase(config, log);
  await applyMigrations(database.migrationUrl, { log });

  const app = await buildApp({ ...config, database: { ...config.database, url: database.url } }, {
    loggerInstance: logger,
  });
  closeWithGrace({ delay: 15_000, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err: { type: err.name, stack: err.stack } }, 'stopping after an error');
    else logger.info(`${signal ?? 'stop'}: finishing requests and stopping`);
    await app.close();
    await embedded?.stop();
  });
  await app.listen({ host: config.http.host, port: config.http.port });
  logger.info(`casework is ready at http://${config.http.host}:${config.http.port}`);
} catch (error) {
  // One clear line, nothing half-started (API.md).
  process.stderr.write(`casework: ${(error as Error).message}\n`);
  await embedded?.stop().catch(() => undefined);
  process.exit(1);
}

async function resolveDatabase(config: Config, log: (message: string) => void) {
  if (config.database.url) {
    await checkDatabaseAnswers(config.database.url, 'DATABASE_URL');
    const migrationUrl = config.database.migrationUrl ?? config.database.url;
    if (migrationUrl !== config.database.url) {
      await checkDatabaseAnswers(migrationUrl, 'CASEWORK_MIGRATION_DATABASE_URL');
    }
    return { url: config.database.url, migrationUrl };
  }
  embedded = await startEmbeddedDatabase(config.dataDir, log);
  return { url: embedded.appUrl, migrationUrl: embedded.ownerUrl };
}

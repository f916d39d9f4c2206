/**
 * `npm start`: validates the configuration, builds the UI if needed, starts the embedded
 * PostgreSQL when DATABASE_URL is unset, applies migrations and serves UI and API. Ctrl-C or
 * SIGTERM finishes in-flight requests, closes the pool and stops PostgreSQL.
 */
import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config/load-config.ts';
import { openDatabase, type OpenedDatabase } from './database/open-database.ts';
import { loadMasterKey } from './keys/master-key.ts';
import { loggableError, loggerOptions } from './logging.ts';
import { ensureWebBuild } from './web-build.ts';
import { startSealerProcess, type SealerProcess } from './audit/sealer-process.ts';

let database: OpenedDatabase | undefined;
let sealer: Promise<SealerProcess> | undefined;

try {
  const config = loadConfig();
  const logger = pino(loggerOptions(config) as pino.LoggerOptions);
  const log = (message: string) => logger.info(message);

  await loadMasterKey(config.masterKey, log);
  await ensureWebBuild(config.webDir, log);
  database = await openDatabase(config, { log });
  if (config.audit.sealer === 'child' && !database.sealerUrl) {
    throw new ConfigError(
      'DATABASE_URL is set and npm start runs the access-log sealer: set CASEWORK_SEALER_DATABASE_URL to its own login (README, "An external PostgreSQL"), or CASEWORK_AUDIT_SEALER=external',
    );
  }
  // The sealer (its own process) and the app start side by side; both need only the database.
  sealer =
    config.audit.sealer === 'child'
      ? startSealerProcess({
          // Checked above: set whenever the sealer runs as a child.
          databaseUrl: database.sealerUrl ?? '',
          signingKeyFile: config.audit.signingKeyFile,
          intervalSeconds: config.audit.checkpointIntervalSeconds,
          log,
        })
      : undefined;
  const app = await buildApp(
    { ...config, database: { ...config.database, url: database.url } },
    { loggerInstance: logger },
  );
  await sealer;
  closeWithGrace({ delay: 15_000, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err: loggableError(err) }, 'stopping after an error');
    else logger.info(`${signal ?? 'stop'}: finishing requests and stopping`);
    await app.close();
    await (await sealer)?.stop();
    await database?.close();
  });
  const baseUrl = `http://${config.http.host}:${config.http.port}`;
  // Before listening: a stop signal that arrives once the server answers must not find this
  // query in flight on a closing pool (that ended a clean stop with exit code 1).
  const setupLink = await app.services.firstAdmin.setupLink(baseUrl);
  await app.listen({ host: config.http.host, port: config.http.port });
  logger.info(`casework is ready at ${baseUrl}`);
  if (setupLink) {
    // For the person at the terminal, not the log stream: a plain line that is easy to copy.
    process.stdout.write(
      `\nNo administrator exists yet. Create the first one in the browser (valid 24 hours, once):\n\n  ${setupLink}\n\nor: npx casework user create --username NAME --role admin --password-stdin\n\n`,
    );
  }
} catch (error) {
  // One clear line, nothing half-started (docs/api.md).
  process.stderr.write(`casework: ${(error as Error).message}\n`);
  await sealer?.then((process) => process.stop()).catch(() => undefined);
  await database?.close().catch(() => undefined);
  process.exit(1);
}

import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../../server/app.ts';
import type { Config } from '../../server/config/config.schema.ts';
import { loggerOptions } from '../../server/logging.ts';
import { testSealer } from './audit-sealer.ts';
import { createTestDatabase, type TestDatabase } from './test-cluster.ts';
import { testClock, type TestClock } from './test-clock.ts';
import { testConfig, withAuditKey } from './test-config.ts';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  clock: TestClock;
  /** Everything the server logged, one JSON line each (when started with `captureLog`). */
  logLines: string[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** Adjusts the configuration; it gets the database and the clock, e.g. to start a sealer. */
  configure?: (
    config: Config,
    database: TestDatabase,
    clock: TestClock,
  ) => Config | Promise<Config>;
  /**
   * Logs through the production logger configuration (redaction, query strings stripped) at
   * the most verbose level into `logLines`, so tests can prove that nothing sensitive is logged.
   */
  captureLog?: boolean;
  /** Whether the app runs on the test clock (the default) or on the machine's, for a browser. */
  clock?: 'test' | 'system';
}

/**
 * The whole app on a fresh database of its own, with a clock the test controls. Every test
 * server starts here: in-process for `inject`, or listening for a browser (see e2e-server.ts).
 * A function instead of options only adjusts the configuration.
 */
export async function startTestApp(
  options: StartOptions | ((config: Config) => Config) = {},
): Promise<TestApp> {
  if (typeof options === 'function') return startTestApp({ configure: options });
  const database = await createTestDatabase();
  const clock = testClock();
  const base = testConfig({ databaseUrl: database.appUrl });
  const config = options.configure ? await options.configure(base, database, clock) : base;
  const logLines: string[] = [];
  const loggerInstance = options.captureLog
    ? pino(
        { ...(loggerOptions(config) as pino.LoggerOptions), level: 'trace' },
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
            done();
          },
        }),
      )
    : undefined;
  const app = await buildApp(config, {
    ...(options.clock === 'system' ? {} : { clock }),
    ...(loggerInstance ? { loggerInstance } : {}),
  });
  await app.ready();
  return {
    app,
    database,
    clock,
    logLines,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

export interface SealedTestApp extends TestApp {
  sealer: Awaited<ReturnType<typeof testSealer>>;
}

/**
 * The app with the sealer's work done in-process by a key of its own, restarted to read that
 * key's public half, as `npm start` arranges it with the sealer process: the access log
 * verifies for real. `close` stops the sealer too.
 */
export async function startSealedTestApp(): Promise<SealedTestApp> {
  const first = await startTestApp();
  await first.app.close();
  const sealer = await testSealer(first.database.sealerUrl, first.clock);
  const config = withAuditKey(
    testConfig({ databaseUrl: first.database.appUrl }),
    sealer.publicKeyFile,
  );
  const app = await buildApp(config, { clock: first.clock });
  return {
    ...first,
    app,
    sealer,
    close: async () => {
      await sealer.close();
      await app.close();
      await first.database.drop();
    },
  };
}

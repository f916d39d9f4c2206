import type { FastifyInstance } from 'fastify';
import type { Config } from '../../server/config/config.schema.ts';
import { startTestApp } from './test-app.ts';
import type { TestDatabase } from './test-cluster.ts';
import { listenOnLoopback } from './test-config.ts';

export interface E2eServer {
  baseUrl: string;
  app: FastifyInstance;
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * The built UI and the API on a random loopback port, on a fresh database of its own, on the
 * machine's clock (the browser signs in with codes of the real time).
 * `configure` may adjust the configuration (it gets the database, e.g. to start a sealer).
 */
export async function startE2eServer(
  configure: (config: Config, database: TestDatabase) => Config | Promise<Config> = (config) =>
    config,
): Promise<E2eServer> {
  const { app, database, close } = await startTestApp({ configure, clock: 'system' });
  const port = await listenOnLoopback(app);
  return { baseUrl: `http://127.0.0.1:${port}`, app, database, close };
}

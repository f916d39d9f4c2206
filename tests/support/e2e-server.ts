import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import type { Config } from '../../server/config/config.schema.ts';
import { createTestDatabase, type TestDatabase } from './test-cluster.ts';
import { REPOSITORY_ROOT, testConfig } from './test-config.ts';

export interface E2eServer {
  baseUrl: string;
  app: FastifyInstance;
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * The built UI and the API on a random loopback port, on a fresh database of its own.
 * `configure` may adjust the configuration (it gets the database, e.g. to start a sealer).
 */
export async function startE2eServer(
  configure: (config: Config, database: TestDatabase) => Config | Promise<Config> = (config) =>
    config,
): Promise<E2eServer> {
  const database = await createTestDatabase();
  const base = testConfig({
    databaseUrl: database.appUrl,
    webDir: path.join(REPOSITORY_ROOT, 'web', 'build'),
  });
  const app = await buildApp(await configure(base, database));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    app,
    database,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

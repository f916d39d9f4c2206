import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { createTestDatabase, type TestDatabase } from './test-cluster.ts';
import { REPOSITORY_ROOT, testConfig } from './test-config.ts';

export interface E2eServer {
  baseUrl: string;
  app: FastifyInstance;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The built UI and the API on a random loopback port, on a fresh database of its own. */
export async function startE2eServer(): Promise<E2eServer> {
  const database = await createTestDatabase();
  const app = await buildApp(
    testConfig({
      databaseUrl: database.appUrl,
      webDir: path.join(REPOSITORY_ROOT, 'web', 'build'),
    }),
  );
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

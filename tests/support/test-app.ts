import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import type { Config } from '../../server/config/config.schema.ts';
import { createTestDatabase, type TestDatabase } from './test-cluster.ts';
import { testClock } from './test-clock.ts';
import { testConfig } from './test-config.ts';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  clock: ReturnType<typeof testClock>;
  close(): Promise<void>;
}

/** The whole app on a fresh database of its own, with a clock the test controls. */
export async function startTestApp(
  overrides: (config: Config) => Config = (c) => c,
): Promise<TestApp> {
  const database = await createTestDatabase();
  const clock = testClock();
  const app = await buildApp(overrides(testConfig({ databaseUrl: database.appUrl })), { clock });
  await app.ready();
  return {
    app,
    database,
    clock,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

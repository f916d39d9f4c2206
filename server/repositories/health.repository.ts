import type { Database } from '../database/prisma-client.ts';

export interface HealthRepository {
  /** True when the database answers a trivial query within the pool's timeout. */
  databaseAnswers(): Promise<boolean>;
}

export function createHealthRepository(db: Database): HealthRepository {
  return {
    async databaseAnswers() {
      try {
        await db.$queryRaw`SELECT 1`;
        return true;
      } catch {
        return false;
      }
    },
  };
}

import type { DbClient } from '../database/db-client.ts';
import type { Database } from '../database/prisma-client.ts';

/** First-admin setup tokens; stored as SHA-256 only. */
export function createSetupTokenRepository(db: Database) {
  return {
    async create(tokenHash: string, expiresAt: Date, client: DbClient = db): Promise<void> {
      await client.setupToken.create({ data: { tokenHash, expiresAt } });
    },

    /** Marks a valid token used, once; false when unknown, used or expired. */
    async consume(tokenHash: string, now: Date, client: DbClient = db): Promise<boolean> {
      const used = await client.setupToken.updateMany({
        where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      return used.count === 1;
    },
  };
}

export type SetupTokenRepository = ReturnType<typeof createSetupTokenRepository>;

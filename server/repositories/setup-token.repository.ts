import type { DbClient } from '../database/db-client.ts';
import type { Database } from '../database/prisma-client.ts';

/** First-admin setup tokens; stored as SHA-256 only. */
export function createSetupTokenRepository(db: Database) {
  return {
    /** The new token becomes the only valid one: older unused tokens expire now. */
    async replace(tokenHash: string, now: Date, expiresAt: Date): Promise<void> {
      await db.$transaction([
        db.setupToken.updateMany({
          where: { usedAt: null, expiresAt: { gt: now } },
          data: { expiresAt: now },
        }),
        db.setupToken.create({ data: { tokenHash, expiresAt } }),
      ]);
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

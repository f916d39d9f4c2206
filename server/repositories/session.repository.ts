import type { Database } from '../database/prisma-client.ts';
import type { Prisma } from '../generated/prisma/client.ts';

/** Server-side sessions. Ids arrive already hashed (plugins/session-store.ts). */
export function createSessionRepository(db: Database) {
  return {
    async find(idHash: string): Promise<{ data: unknown; expiresAt: Date } | null> {
      return db.session.findUnique({
        where: { id: idHash },
        select: { data: true, expiresAt: true },
      });
    },

    async save(idHash: string, userId: string | null, data: unknown, expiresAt: Date) {
      const json = data as Prisma.InputJsonValue;
      await db.session.upsert({
        where: { id: idHash },
        create: { id: idHash, userId, data: json, expiresAt },
        update: { userId, data: json, expiresAt },
      });
    },

    async delete(idHash: string): Promise<void> {
      await db.session.deleteMany({ where: { id: idHash } });
    },

    /** Ends every session of a user at once (disabled, password reset, second factor reset). */
    async deleteForUser(userId: string, options: { except?: string } = {}): Promise<number> {
      const keep = options.except === undefined ? {} : { id: { not: options.except } };
      return (await db.session.deleteMany({ where: { userId, ...keep } })).count;
    },

    async deleteExpired(now: Date): Promise<number> {
      return (await db.session.deleteMany({ where: { expiresAt: { lt: now } } })).count;
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;

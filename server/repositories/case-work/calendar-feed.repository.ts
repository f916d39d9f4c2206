import { randomUUID } from 'node:crypto';
import type { DbClient } from '../../database/db-client.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';

export interface CalendarFeedRecord {
  userId: string;
  createdAt: Date;
}

const COLUMNS = { userId: true, createdAt: true } as const;

/**
 * Calendar feeds of counsellors, one row per counsellor. Only the SHA-256 of a feed's token
 * is ever stored, and revoking clears it.
 */
export function createCalendarFeedRepository() {
  return {
    async findActive(
      service: ServiceCode,
      userId: string,
      client: DbClient,
    ): Promise<CalendarFeedRecord | null> {
      return client.calendarFeed.findFirst({
        where: { service, userId, tokenHash: { not: null } },
        select: COLUMNS,
      });
    },

    /** Gives the user's feed a new token (hash); any earlier token stops working. */
    async issue(
      service: ServiceCode,
      userId: string,
      tokenHash: string,
      at: Date,
      client: DbClient,
    ): Promise<CalendarFeedRecord> {
      const created = await client.calendarFeed.createMany({
        data: [{ id: randomUUID(), service, userId, tokenHash, createdAt: at }],
        skipDuplicates: true,
      });
      if (created.count === 0) {
        await client.calendarFeed.updateMany({
          where: { service, userId },
          data: { tokenHash, createdAt: at, revokedAt: null },
        });
      }
      return { userId, createdAt: at };
    },

    /** True when there was an active feed to revoke. */
    async revoke(
      service: ServiceCode,
      userId: string,
      at: Date,
      client: DbClient,
    ): Promise<boolean> {
      const revoked = await client.calendarFeed.updateMany({
        where: { service, userId, tokenHash: { not: null } },
        data: { tokenHash: null, revokedAt: at },
      });
      return revoked.count > 0;
    },

    async findByTokenHash(
      service: ServiceCode,
      tokenHash: string,
      client: DbClient,
    ): Promise<CalendarFeedRecord | null> {
      const feed = await client.calendarFeed.findFirst({
        where: { service, tokenHash },
        select: { ...COLUMNS, user: { select: { sessionsValidAfter: true } } },
      });
      // A token issued before the last credential reset or disable is void, like a session.
      const validAfter = feed?.user.sessionsValidAfter;
      if (!feed || (validAfter && feed.createdAt < validAfter)) return null;
      return { userId: feed.userId, createdAt: feed.createdAt };
    },
  };
}

export type CalendarFeedRepository = ReturnType<typeof createCalendarFeedRepository>;

import type { DbClient } from '../../database/db-client.ts';
import type { Database } from '../../database/prisma-client.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type { StaffRef } from './case.repository.ts';

/**
 * Counsellors as case work shows them: id and user name, nothing else of the account. Pass
 * the request's transaction client, so a request never holds two pool connections.
 */
export function createStaffRepository(db: Database) {
  return {
    async counsellors(service: ServiceCode, client: DbClient = db): Promise<StaffRef[]> {
      return client.user.findMany({
        where: { role: 'counsellor', serviceCode: service, disabledAt: null },
        orderBy: { username: 'asc' },
        select: { id: true, username: true },
      });
    },

    /** An enabled counsellor of the service, or null (another service's is null too). */
    async findCounsellor(
      service: ServiceCode,
      id: string,
      client: DbClient = db,
    ): Promise<StaffRef | null> {
      return client.user.findFirst({
        where: { id, role: 'counsellor', serviceCode: service, disabledAt: null },
        select: { id: true, username: true },
      });
    },

    async usernames(ids: readonly string[], client: DbClient = db): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await client.user.findMany({
        where: { id: { in: [...new Set(ids)] } },
        select: { id: true, username: true },
      });
      return new Map(rows.map((row) => [row.id, row.username]));
    },
  };
}

export type StaffRepository = ReturnType<typeof createStaffRepository>;

import type { KeyScope } from '../../crypto/index.ts';
import type { DbClient } from '../database/db-client.ts';
import type { Database } from '../database/prisma-client.ts';
import { inServiceScope } from '../database/service-scope.ts';

export interface StoredServiceKey {
  scope: KeyScope;
  version: number;
  wrappedKey: Uint8Array;
  retired: boolean;
}

export interface StoredDataKey {
  keyVersion: number;
  serviceVersion: number;
  /** null: destroyed (crypto-shredded). */
  wrappedKey: Uint8Array | null;
}

export interface DataKeyOwnerRef {
  scope: KeyScope;
  ownerType: string;
  ownerId: string;
}

/** Wrapped keys. Row-level security limits every query to the transaction's service. */
export function createKeyRepository(db: Database) {
  return {
    async serviceKeys(scope: KeyScope): Promise<StoredServiceKey[]> {
      const rows = await inServiceScope(db, scope, (client) =>
        client.serviceKey.findMany({ where: { scope }, orderBy: { version: 'asc' } }),
      );
      return rows.map((row) => ({
        scope,
        version: row.version,
        wrappedKey: row.wrappedKey,
        retired: row.retiredAt !== null,
      }));
    },

    /** False when another process created this version first. */
    async insertServiceKey(scope: KeyScope, version: number, wrappedKey: Uint8Array) {
      const created = await inServiceScope(db, scope, (client) =>
        client.serviceKey.createMany({
          data: [{ scope, version, wrappedKey: Uint8Array.from(wrappedKey) }],
          skipDuplicates: true,
        }),
      );
      return created.count === 1;
    },

    /** The newest data key of an owner; runs on the caller's (service-scoped) client. */
    async currentDataKey(owner: DataKeyOwnerRef, client: DbClient): Promise<StoredDataKey | null> {
      return client.dataKey.findFirst({
        where: { scope: owner.scope, ownerType: owner.ownerType, ownerId: owner.ownerId },
        orderBy: { keyVersion: 'desc' },
        select: { keyVersion: true, serviceVersion: true, wrappedKey: true },
      });
    },

    /** False when a concurrent request created the owner's key first. */
    async insertDataKey(
      owner: DataKeyOwnerRef,
      key: { keyVersion: number; serviceVersion: number; wrappedKey: Uint8Array },
      client: DbClient,
    ): Promise<boolean> {
      const created = await client.dataKey.createMany({
        data: [{ ...owner, ...key, wrappedKey: Uint8Array.from(key.wrappedKey) }],
        skipDuplicates: true,
      });
      return created.count === 1;
    },
  };
}

export type KeyRepository = ReturnType<typeof createKeyRepository>;

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

/** A map key for an owner: scope, type and id. */
export function ownerKey(owner: DataKeyOwnerRef): string {
  return `${owner.scope}/${owner.ownerType}/${owner.ownerId}`;
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

    /**
     * The newest data key of each owner in one query (lists decrypt fields of many owners);
     * keyed by ownerKey(). Owners without a key are missing from the map.
     */
    async currentDataKeys(
      owners: readonly DataKeyOwnerRef[],
      client: DbClient,
    ): Promise<Map<string, StoredDataKey>> {
      const groups = new Map<string, { scope: KeyScope; ownerType: string; ids: Set<string> }>();
      for (const owner of owners) {
        const group = `${owner.scope}/${owner.ownerType}`;
        let entry = groups.get(group);
        if (!entry) {
          entry = { scope: owner.scope, ownerType: owner.ownerType, ids: new Set() };
          groups.set(group, entry);
        }
        entry.ids.add(owner.ownerId);
      }
      const found = new Map<string, StoredDataKey>();
      if (groups.size === 0) return found;
      const rows = await client.dataKey.findMany({
        where: {
          OR: [...groups.values()].map((group) => ({
            scope: group.scope,
            ownerType: group.ownerType,
            ownerId: { in: [...group.ids] },
          })),
        },
        orderBy: { keyVersion: 'desc' },
        select: {
          scope: true,
          ownerType: true,
          ownerId: true,
          keyVersion: true,
          serviceVersion: true,
          wrappedKey: true,
        },
      });
      for (const row of rows) {
        const key = ownerKey({ ...row, scope: row.scope as KeyScope });
        if (!found.has(key)) found.set(key, row);
      }
      return found;
    },

    /** Inserts the first data keys of many new owners at once (bulk imports); all or none. */
    async insertDataKeys(
      keys: readonly (DataKeyOwnerRef & {
        keyVersion: number;
        serviceVersion: number;
        wrappedKey: Uint8Array;
      })[],
      client: DbClient,
    ): Promise<void> {
      await client.dataKey.createMany({
        data: keys.map((key) => ({ ...key, wrappedKey: Uint8Array.from(key.wrappedKey) })),
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

import type { KeyScope } from '../../crypto/index.ts';
import type { DbClient } from '../database/db-client.ts';
import { Prisma } from '../generated/prisma/client.ts';
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
      // Raw SQL: a list or a partial search asks for thousands of owners at once, and the ORM
      // spends more time on a long IN list than PostgreSQL does on `= ANY(array)`.
      const rows = await client.$queryRaw<
        (StoredDataKey & { scope: string; ownerType: string; ownerId: string })[]
      >`
        SELECT DISTINCT ON (scope, owner_type, owner_id)
               scope, owner_type AS "ownerType", owner_id::text AS "ownerId",
               key_version AS "keyVersion", service_version AS "serviceVersion",
               wrapped_key AS "wrappedKey"
          FROM data_keys
         WHERE ${Prisma.join(
           [...groups.values()].map(
             (group) =>
               Prisma.sql`(scope = ${group.scope} AND owner_type = ${group.ownerType}
                           AND owner_id = ANY(${[...group.ids]}::uuid[]))`,
           ),
           ' OR ',
         )}
         ORDER BY scope, owner_type, owner_id, key_version DESC`;
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

/** A data key that rotation moves to a newer service key version. */
export interface DataKeyToRewrap extends DataKeyOwnerRef {
  keyVersion: number;
  serviceVersion: number;
  wrappedKey: Uint8Array;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * Maintenance of wrapped keys (rotation, master-key rotation, destroying retired versions).
 * Needs the owner role: the request role may neither retire nor delete service keys.
 */
export function createKeyMaintenanceRepository(db: Database) {
  return {
    /** How many live (not destroyed) data keys each service key version wraps. */
    async dataKeyUsage(scope: KeyScope): Promise<Map<number, number>> {
      const rows = await inServiceScope(
        db,
        scope,
        (client) => client.$queryRaw<{ version: number; n: number }[]>`
          SELECT service_version AS version, count(*)::int AS n FROM data_keys
           WHERE scope = ${scope} AND wrapped_key IS NOT NULL
           GROUP BY service_version`,
      );
      return new Map(rows.map((row) => [row.version, row.n]));
    },

    /**
     * Up to `limit` live data keys wrapped under a version below `version`, locked until the
     * transaction ends: an erasure destroying one of them waits, so a re-wrap can never bring
     * a destroyed key back. No ORDER BY: the (scope, service_version) index finds the next
     * batch directly instead of walking past every key already moved.
     */
    async lockDataKeysBelow(
      scope: KeyScope,
      version: number,
      limit: number,
      client: DbClient,
    ): Promise<DataKeyToRewrap[]> {
      const rows = await client.$queryRaw<
        {
          ownerType: string;
          ownerId: string;
          keyVersion: number;
          serviceVersion: number;
          wrappedKey: Uint8Array;
        }[]
      >`
        SELECT owner_type AS "ownerType", owner_id::text AS "ownerId", key_version AS "keyVersion",
               service_version AS "serviceVersion", wrapped_key AS "wrappedKey"
          FROM data_keys
         WHERE scope = ${scope} AND service_version < ${version} AND wrapped_key IS NOT NULL
         LIMIT ${limit}
           FOR UPDATE`;
      return rows.map((row) => ({ ...row, scope }));
    },

    /** Stores re-wrapped keys; each only if it is still the key that was read. */
    async storeRewrapped(
      scope: KeyScope,
      version: number,
      keys: readonly { key: DataKeyToRewrap; rewrapped: Uint8Array }[],
      client: DbClient,
    ): Promise<number> {
      if (keys.length === 0) return 0;
      return client.$executeRaw`
        UPDATE data_keys d
           SET wrapped_key = decode(u.rewrapped, 'hex'), service_version = ${version}
          FROM unnest(${keys.map((k) => k.key.ownerType)}::text[],
                      ${keys.map((k) => k.key.ownerId)}::uuid[],
                      ${keys.map((k) => k.key.keyVersion)}::int[],
                      ${keys.map((k) => hex(k.key.wrappedKey))}::text[],
                      ${keys.map((k) => hex(k.rewrapped))}::text[])
               AS u(owner_type, owner_id, key_version, old, rewrapped)
         WHERE d.scope = ${scope} AND d.owner_type = u.owner_type AND d.owner_id = u.owner_id
           AND d.key_version = u.key_version AND d.wrapped_key = decode(u.old, 'hex')`;
    },

    /**
     * Marks every version below `version` retired, in one transaction with the check that no
     * live data key uses one of them any more. False (nothing changed) if one still does.
     */
    async retireBelow(scope: KeyScope, version: number): Promise<boolean> {
      return inServiceScope(db, scope, async (client) => {
        await client.$executeRaw`LOCK TABLE service_keys IN SHARE ROW EXCLUSIVE MODE`;
        const left = await client.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM data_keys
           WHERE scope = ${scope} AND service_version < ${version} AND wrapped_key IS NOT NULL`;
        if (left[0]!.n > 0) return false;
        await client.$executeRaw`
          UPDATE service_keys SET retired_at = now()
           WHERE scope = ${scope} AND version < ${version} AND retired_at IS NULL`;
        return true;
      });
    },

    /** When each version was retired (null: active). */
    async versions(
      scope: KeyScope,
    ): Promise<{ version: number; retiredAt: Date | null; wrappedKey: Uint8Array }[]> {
      return inServiceScope(db, scope, (client) =>
        client.serviceKey.findMany({
          where: { scope },
          orderBy: { version: 'asc' },
          select: { version: true, retiredAt: true, wrappedKey: true },
        }),
      );
    },

    /**
     * Deletes a retired version, in one transaction with the check that no live data key uses
     * it; `stillUsed` may add other checks (blind indexes). Returns what still used it.
     */
    async destroyRetired(
      scope: KeyScope,
      version: number,
      stillUsed: (client: DbClient) => Promise<number>,
    ): Promise<{ dataKeys: number; other: number; destroyed: boolean }> {
      return inServiceScope(db, scope, async (client) => {
        await client.$executeRaw`LOCK TABLE service_keys IN SHARE ROW EXCLUSIVE MODE`;
        const used = await client.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM data_keys
           WHERE scope = ${scope} AND service_version = ${version} AND wrapped_key IS NOT NULL`;
        const dataKeys = used[0]!.n;
        const other = await stillUsed(client);
        if (dataKeys > 0 || other > 0) return { dataKeys, other, destroyed: false };
        const deleted = await client.$executeRaw`
          DELETE FROM service_keys
           WHERE scope = ${scope} AND version = ${version} AND retired_at IS NOT NULL`;
        return { dataKeys, other, destroyed: deleted === 1 };
      });
    },

    /** Master-key rotation: replaces one wrapped root key if it is still the one read. */
    async replaceWrappedServiceKey(
      scope: KeyScope,
      version: number,
      old: Uint8Array,
      wrappedKey: Uint8Array,
    ): Promise<boolean> {
      const updated = await inServiceScope(
        db,
        scope,
        (client) => client.$executeRaw`
          UPDATE service_keys SET wrapped_key = ${Uint8Array.from(wrappedKey)}
           WHERE scope = ${scope} AND version = ${version} AND wrapped_key = ${Uint8Array.from(old)}`,
      );
      return updated === 1;
    },
  };
}

export type KeyMaintenanceRepository = ReturnType<typeof createKeyMaintenanceRepository>;

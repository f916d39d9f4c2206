import {
  deriveServiceSubkeys,
  generateDataKey,
  generateServiceRootKey,
  shredDataKey,
  unwrapDataKey,
  unwrapServiceRootKey,
  wrapDataKey,
  wrapServiceRootKey,
  type DataKey,
  type KeyScope,
  type ServiceSubkeys,
} from '../../crypto/index.ts';
import type { DbClient } from '../database/db-client.ts';
import {
  ownerKey,
  type DataKeyOwnerRef,
  type KeyRepository,
} from '../repositories/key.repository.ts';

/**
 * Holds the unwrapped service root keys (as derived subkeys) of this process and hands out
 * data keys. The master key never leaves this object; data keys are unwrapped per use and not
 * cached, so destroying a wrapped key takes effect at once.
 */
export interface Keyring {
  currentSubkeys(scope: KeyScope): Promise<ServiceSubkeys>;
  subkeys(scope: KeyScope, version: number): Promise<ServiceSubkeys>;
  /**
   * The subkeys of every version of `scope` this process holds, newest first: search looks
   * up blind indexes under each, so rows not yet re-indexed after a rotation are found.
   */
  allSubkeys(scope: KeyScope): Promise<ServiceSubkeys[]>;
  /** The owner's data key, created on first use when `create` is set. */
  dataKey(owner: DataKeyOwnerRef, client: DbClient, options: { create: boolean }): Promise<DataKey>;
  /** The existing data keys of several owners with one query, keyed by ownerKey(). */
  dataKeys(owners: readonly DataKeyOwnerRef[], client: DbClient): Promise<Map<string, DataKey>>;
  /** Fresh data keys for owners that have none yet, stored with one insert (bulk imports). */
  createDataKeys(
    owners: readonly DataKeyOwnerRef[],
    client: DbClient,
  ): Promise<Map<string, DataKey>>;
}

// Every new record and every search needs the current service key version. Looking it up
// takes a second pool connection while the request's transaction holds its own; if requests
// waited for that lookup, a burst could fill the pool with waiters and starve the lookup
// itself. So the keyring loads every version of every scope at start (`warm`), answers from
// memory, and refreshes in the background at most once a minute per scope (one lookup in
// flight, requests keep using what they have). Only a version nobody here has seen yet (a
// rotation by another process within the last minute) makes a request wait for the database.
const REFRESH_AFTER_MS = 60_000;

export interface ProcessKeyring extends Keyring {
  /** Loads the service keys of these scopes (creating a first version where none exists). */
  warm(scopes: readonly KeyScope[]): Promise<void>;
}

export function createKeyring(masterKey: Uint8Array, keys: KeyRepository): ProcessKeyring {
  const subkeyCache = new Map<string, ServiceSubkeys>();
  const current = new Map<KeyScope, { version: number; refreshAfter: number }>();
  const refreshing = new Map<KeyScope, Promise<number>>();

  async function createFirstVersion(scope: KeyScope, version: number): Promise<void> {
    const rootKey = generateServiceRootKey();
    try {
      // False when another process created the version first; its key is then read below.
      await keys.insertServiceKey(
        scope,
        version,
        wrapServiceRootKey(masterKey, { scope, version }, rootKey),
      );
    } finally {
      rootKey.fill(0);
    }
  }

  /** Reads the scope's stored keys, derives the subkeys of unseen versions, returns current. */
  async function load(scope: KeyScope): Promise<number> {
    let stored = await keys.serviceKeys(scope);
    if (!stored.some((key) => !key.retired)) {
      await createFirstVersion(scope, (stored.at(-1)?.version ?? 0) + 1);
      stored = await keys.serviceKeys(scope);
    }
    // A version destroyed since the last load (`keys destroy-retired`) is forgotten here.
    const present = new Set(stored.map((key) => `${scope}:${key.version}`));
    for (const [cacheKey, subkeys] of subkeyCache) {
      if (cacheKey.startsWith(`${scope}:`) && !present.has(cacheKey)) {
        subkeyCache.delete(cacheKey);
        subkeys.destroy();
      }
    }
    for (const key of stored) {
      const cacheKey = `${scope}:${key.version}`;
      if (subkeyCache.has(cacheKey)) continue;
      const rootKey = unwrapServiceRootKey(
        masterKey,
        { scope, version: key.version },
        key.wrappedKey,
      );
      try {
        subkeyCache.set(cacheKey, deriveServiceSubkeys(rootKey, { scope, version: key.version }));
      } finally {
        rootKey.fill(0);
      }
    }
    const active = stored.filter((key) => !key.retired).at(-1);
    if (!active) throw new Error(`service key ${scope} has no active version`);
    current.set(scope, {
      version: active.version,
      refreshAfter: performance.now() + REFRESH_AFTER_MS,
    });
    return active.version;
  }

  /** One load per scope at a time; concurrent callers share it. */
  function refresh(scope: KeyScope): Promise<number> {
    let pending = refreshing.get(scope);
    if (!pending) {
      pending = load(scope).finally(() => refreshing.delete(scope));
      refreshing.set(scope, pending);
    }
    return pending;
  }

  const keyring: ProcessKeyring = {
    async warm(scopes) {
      await Promise.all(scopes.map((scope) => refresh(scope)));
    },

    async currentSubkeys(scope) {
      const known = current.get(scope);
      if (!known) return keyring.subkeys(scope, await refresh(scope));
      if (known.refreshAfter <= performance.now()) {
        // A failed background refresh is retried by the next request after the interval.
        known.refreshAfter = performance.now() + REFRESH_AFTER_MS;
        refresh(scope).catch(() => undefined);
      }
      return keyring.subkeys(scope, known.version);
    },

    async subkeys(scope, version) {
      const cacheKey = `${scope}:${version}`;
      let subkeys = subkeyCache.get(cacheKey);
      if (!subkeys) {
        await refresh(scope);
        subkeys = subkeyCache.get(cacheKey);
      }
      if (!subkeys) throw new Error(`service key ${scope} v${version} does not exist`);
      return subkeys;
    },

    async allSubkeys(scope) {
      await keyring.currentSubkeys(scope);
      return [...subkeyCache.values()]
        .filter((subkeys) => subkeys.scope === scope)
        .sort((a, b) => b.version - a.version);
    },

    async dataKey(owner, client, options) {
      let stored = await keys.currentDataKey(owner, client);
      if (!stored && options.create) {
        const subkeys = await keyring.currentSubkeys(owner.scope);
        const fresh = generateDataKey();
        const wrappedKey = wrapDataKey(
          subkeys.wrappingKey,
          { ...owner, keyVersion: subkeys.version },
          fresh,
        );
        if (
          await keys.insertDataKey(
            owner,
            { keyVersion: fresh.version, serviceVersion: subkeys.version, wrappedKey },
            client,
          )
        ) {
          return fresh;
        }
        fresh.bytes.fill(0);
        stored = await keys.currentDataKey(owner, client);
      }
      if (!stored) throw new Error(`no data key for ${owner.ownerType} ${owner.ownerId}`);
      const subkeys = await keyring.subkeys(owner.scope, stored.serviceVersion);
      return unwrapDataKey(
        subkeys.wrappingKey,
        { ...owner, keyVersion: stored.serviceVersion },
        stored.wrappedKey,
      );
    },

    async dataKeys(owners, client) {
      const stored = await keys.currentDataKeys(owners, client);
      const unwrapped = new Map<string, DataKey>();
      try {
        for (const owner of owners) {
          const key = ownerKey(owner);
          if (unwrapped.has(key)) continue;
          const row = stored.get(key);
          if (!row) throw new Error(`no data key for ${owner.ownerType} ${owner.ownerId}`);
          const subkeys = await keyring.subkeys(owner.scope, row.serviceVersion);
          unwrapped.set(
            key,
            unwrapDataKey(
              subkeys.wrappingKey,
              { ...owner, keyVersion: row.serviceVersion },
              row.wrappedKey,
            ),
          );
        }
      } catch (error) {
        for (const key of unwrapped.values()) shredDataKey(key);
        throw error;
      }
      return unwrapped;
    },

    async createDataKeys(owners, client) {
      const created = new Map<string, DataKey>();
      const rows: Parameters<KeyRepository['insertDataKeys']>[0][number][] = [];
      try {
        for (const owner of owners) {
          const key = ownerKey(owner);
          if (created.has(key)) continue;
          const subkeys = await keyring.currentSubkeys(owner.scope);
          const fresh = generateDataKey();
          created.set(key, fresh);
          rows.push({
            ...owner,
            keyVersion: fresh.version,
            serviceVersion: subkeys.version,
            wrappedKey: wrapDataKey(
              subkeys.wrappingKey,
              { ...owner, keyVersion: subkeys.version },
              fresh,
            ),
          });
        }
        await keys.insertDataKeys(rows, client);
      } catch (error) {
        for (const key of created.values()) shredDataKey(key);
        throw error;
      }
      return created;
    },
  };
  return keyring;
}

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

// Every new record and every search needs the current service key version. Looking it up is
// a transaction of its own on a second pool connection while the request's transaction waits,
// so under load requests could exhaust the pool; it is looked up at most once a minute per
// scope instead. A rotation reaches new data keys within that minute; older versions stay
// usable meanwhile.
const CURRENT_VERSION_TTL_MS = 60_000;

export function createKeyring(masterKey: Uint8Array, keys: KeyRepository): Keyring {
  const subkeyCache = new Map<string, Promise<ServiceSubkeys>>();
  const currentVersions = new Map<KeyScope, { version: number; until: number }>();

  async function currentVersion(scope: KeyScope): Promise<number> {
    const stored = await keys.serviceKeys(scope);
    const active = stored.filter((key) => !key.retired).at(-1);
    if (active) return active.version;
    const version = (stored.at(-1)?.version ?? 0) + 1;
    const rootKey = generateServiceRootKey();
    try {
      await keys.insertServiceKey(
        scope,
        version,
        wrapServiceRootKey(masterKey, { scope, version }, rootKey),
      );
    } finally {
      rootKey.fill(0);
    }
    return version; // ours, or the identical version another process created first
  }

  async function loadSubkeys(scope: KeyScope, version: number): Promise<ServiceSubkeys> {
    const stored = (await keys.serviceKeys(scope)).find((key) => key.version === version);
    if (!stored) throw new Error(`service key ${scope} v${version} does not exist`);
    const rootKey = unwrapServiceRootKey(masterKey, { scope, version }, stored.wrappedKey);
    try {
      return deriveServiceSubkeys(rootKey, { scope, version });
    } finally {
      rootKey.fill(0);
    }
  }

  const keyring: Keyring = {
    async currentSubkeys(scope) {
      const cached = currentVersions.get(scope);
      const now = performance.now();
      if (cached && cached.until > now) return keyring.subkeys(scope, cached.version);
      const version = await currentVersion(scope);
      currentVersions.set(scope, { version, until: now + CURRENT_VERSION_TTL_MS });
      return keyring.subkeys(scope, version);
    },

    subkeys(scope, version) {
      const cacheKey = `${scope}:${version}`;
      let cached = subkeyCache.get(cacheKey);
      if (!cached) {
        cached = loadSubkeys(scope, version);
        cached.catch(() => subkeyCache.delete(cacheKey));
        subkeyCache.set(cacheKey, cached);
      }
      return cached;
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

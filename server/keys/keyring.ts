import {
  deriveServiceSubkeys,
  generateDataKey,
  generateServiceRootKey,
  unwrapDataKey,
  unwrapServiceRootKey,
  wrapDataKey,
  wrapServiceRootKey,
  type DataKey,
  type KeyScope,
  type ServiceSubkeys,
} from '../../crypto/index.ts';
import type { DbClient } from '../database/db-client.ts';
import type { DataKeyOwnerRef, KeyRepository } from '../repositories/key.repository.ts';

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
}

export function createKeyring(masterKey: Uint8Array, keys: KeyRepository): Keyring {
  const subkeyCache = new Map<string, Promise<ServiceSubkeys>>();

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
      return keyring.subkeys(scope, await currentVersion(scope));
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
  };
  return keyring;
}

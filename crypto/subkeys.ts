import { assertFieldName, assertKeyBytes, assertScope, assertVersion } from './checks.ts';
import type { KeyScope, ServiceKeyId } from './key-scope.ts';
import { getSodium } from './sodium.ts';

// Purpose keys derived from one service root key version with crypto_kdf (BLAKE2b). Each purpose
// has its own 8-byte context, so no two purposes can ever share a key.
const CONTEXT_WRAP_DATA_KEYS = 'cwwrapdk';
const CONTEXT_STATISTICS = 'cwstats_';
const CONTEXT_BLIND_INDEX = 'cwbidx__';
const FIELD_ID_DOMAIN = 'casework/blind-index-field/v1\0';

/** Wraps the data keys of one service under one service key version. */
export type WrappingKey = { scope: KeyScope; version: number; bytes: Uint8Array };

/** Computes blind indexes for one field of one service; version = service key version. */
export type IndexKey = { scope: KeyScope; version: number; field: string; bytes: Uint8Array };

export type ServiceSubkeys = {
  scope: KeyScope;
  version: number;
  wrappingKey: WrappingKey;
  /** For pseudonymous statistics (a later issue): keyed hashes that a dump alone cannot link. */
  statisticsKey: Uint8Array;
  blindIndexKey(fieldName: string): IndexKey;
  /** Wipes every key derived so far; the object is unusable afterwards. */
  destroy(): void;
};

/**
 * Stable subkey id for a field name: the first 8 bytes of BLAKE2b(domain || name), big-endian.
 * No registry to keep in sync; renaming a field changes its key (re-index on rename).
 */
export function fieldSubkeyId(fieldName: string): bigint {
  assertFieldName(fieldName);
  const digest = getSodium().crypto_generichash(16, FIELD_ID_DOMAIN + fieldName, null);
  return new DataView(digest.buffer, digest.byteOffset, 8).getBigUint64(0);
}

export function deriveServiceSubkeys(rootKey: Uint8Array, id: ServiceKeyId): ServiceSubkeys {
  const sodium = getSodium();
  assertKeyBytes(rootKey, 'service root key');
  assertScope(id.scope);
  assertVersion(id.version, 'service key version');
  const { scope, version } = id;
  // Copied so that the caller may wipe its root key while these subkeys live on.
  const root = rootKey.slice();
  const wrappingKey: WrappingKey = {
    scope,
    version,
    bytes: sodium.crypto_kdf_derive_from_key(32, 1, CONTEXT_WRAP_DATA_KEYS, root),
  };
  const statisticsKey = sodium.crypto_kdf_derive_from_key(32, 1, CONTEXT_STATISTICS, root);
  const indexKeys = new Map<string, IndexKey>();
  let destroyed = false;

  return {
    scope,
    version,
    wrappingKey,
    statisticsKey,
    blindIndexKey(fieldName: string): IndexKey {
      if (destroyed) throw new Error('these service subkeys have been destroyed');
      let key = indexKeys.get(fieldName);
      if (key === undefined) {
        const subkeyId = fieldSubkeyId(fieldName);
        const bytes = sodium.crypto_kdf_derive_from_key(32, subkeyId, CONTEXT_BLIND_INDEX, root);
        key = { scope, version, field: fieldName, bytes };
        indexKeys.set(fieldName, key);
      }
      return key;
    },
    destroy(): void {
      destroyed = true;
      sodium.memzero(root);
      sodium.memzero(wrappingKey.bytes);
      sodium.memzero(statisticsKey);
      for (const key of indexKeys.values()) sodium.memzero(key.bytes);
      indexKeys.clear();
    },
  };
}

import { decryptString, encryptField, shredDataKey, type FieldValue } from '../../crypto/index.ts';
import type { DbClient } from '../database/db-client.ts';
import type { DataKeyOwnerRef } from '../repositories/key.repository.ts';
import type { Keyring } from './keyring.ts';

/** Where a field lives; with the owner's scope it forms the ciphertext's associated data. */
export interface FieldLocation {
  table: string;
  column: string;
  recordId: string;
}

/**
 * What repositories use to encrypt and decrypt fields. The data key is fetched for each call
 * and wiped right after, so no plaintext key outlives the request that needed it.
 */
export interface FieldCrypto {
  encrypt(
    owner: DataKeyOwnerRef,
    location: FieldLocation,
    value: FieldValue,
    client: DbClient,
  ): Promise<Uint8Array<ArrayBuffer>>;
  decryptString(
    owner: DataKeyOwnerRef,
    location: FieldLocation,
    blob: Uint8Array,
    client: DbClient,
  ): Promise<string>;
}

export function createFieldCrypto(keyring: Keyring): FieldCrypto {
  async function withKey<T>(
    owner: DataKeyOwnerRef,
    client: DbClient,
    create: boolean,
    use: (key: Awaited<ReturnType<Keyring['dataKey']>>) => T,
  ): Promise<T> {
    const key = await keyring.dataKey(owner, client, { create });
    try {
      return use(key);
    } finally {
      shredDataKey(key);
    }
  }
  return {
    encrypt: (owner, location, value, client) =>
      withKey(owner, client, true, (key) =>
        // Copied: small ciphertexts share a backing buffer (crypto/random.ts), and nothing
        // beyond this field's own bytes may ever travel towards the database.
        Uint8Array.from(encryptField(key, { scope: owner.scope, ...location }, value)),
      ),
    decryptString: (owner, location, blob, client) =>
      withKey(owner, client, false, (key) =>
        decryptString(key, { scope: owner.scope, ...location }, blob),
      ),
  };
}

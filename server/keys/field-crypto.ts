import {
  decryptBoolean,
  decryptDate,
  decryptJson,
  decryptNumber,
  decryptString,
  encryptField,
  shredDataKey,
  type FieldPlace,
  type FieldValue,
  type JsonValue,
  type KeyScope,
} from '../../crypto/index.ts';
import type { DbClient } from '../database/db-client.ts';
import { ownerKey, type DataKeyOwnerRef } from '../repositories/key.repository.ts';
import { fieldIndex, fieldIndexLookups } from './blind-index-widths.ts';
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
  /**
   * Decrypts several fields of one owner with one key fetch. `null` blobs stay null. The
   * decoder says what type each field must have; a mismatch throws.
   */
  decryptMany<T extends Record<string, FieldDecoder>>(
    owner: DataKeyOwnerRef,
    fields: { [K in keyof T]: { location: FieldLocation; blob: Uint8Array | null; as: T[K] } },
    client: DbClient,
  ): Promise<{ [K in keyof T]: DecodedField<T[K]> | null }>;
  /**
   * decryptMany for many owners (a list of cases, a week of appointments) with one query for
   * all their data keys. Owners may repeat. Any failure throws; nothing is returned half.
   */
  decryptEach<T extends Record<string, FieldDecoder>>(
    items: ReadonlyArray<{
      owner: DataKeyOwnerRef;
      fields: { [K in keyof T]: { location: FieldLocation; blob: Uint8Array | null; as: T[K] } };
    }>,
    client: DbClient,
  ): Promise<Array<{ [K in keyof T]: DecodedField<T[K]> | null }>>;
  /**
   * Encrypts several fields of one owner with one key fetch (created on first use). `null`
   * and `undefined` values give `null`.
   */
  encryptMany<K extends string>(
    owner: DataKeyOwnerRef,
    fields: Record<K, { location: FieldLocation; value: FieldValue | null | undefined }>,
    client: DbClient,
  ): Promise<Record<K, Uint8Array<ArrayBuffer> | null>>;
  /**
   * encryptMany for many owners that have no data key yet (a bulk import): their keys are
   * created and stored with one insert. Fails, storing no key, if any owner has one already.
   */
  encryptForNewOwners<K extends string>(
    items: ReadonlyArray<{
      owner: DataKeyOwnerRef;
      fields: Record<K, { location: FieldLocation; value: FieldValue | null | undefined }>;
    }>,
    client: DbClient,
  ): Promise<Array<Record<K, Uint8Array<ArrayBuffer> | null>>>;
  /**
   * Keyed, truncated hash of a normalised value for exact-match search (SECURITY.md, blind
   * indexes). The same value in another service gives an unrelated index.
   */
  blindIndex(
    scope: KeyScope,
    field: string,
    value: string,
  ): Promise<{ value: number; keyVersion: number }>;
  /**
   * For search: the blind index under every service key version this process holds (after a
   * rotation, rows are re-indexed batch by batch; until then they carry an older version),
   * at the field's width and at the earlier one (blind-index-widths.ts).
   */
  blindIndexes(
    scope: KeyScope,
    field: string,
    value: string,
  ): Promise<{ value: number; keyVersion: number }[]>;
}

export type FieldDecoder = 'string' | 'number' | 'boolean' | 'date' | 'json';
export type DecodedField<D extends FieldDecoder> = D extends 'string'
  ? string
  : D extends 'number'
    ? number
    : D extends 'boolean'
      ? boolean
      : D extends 'date'
        ? Date
        : JsonValue;

const DECODERS = {
  string: decryptString,
  number: decryptNumber,
  boolean: decryptBoolean,
  date: decryptDate,
  json: decryptJson,
} as const;

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
    async decryptMany(owner, fields, client) {
      return withKey(owner, client, false, (key) => {
        const out: Record<string, unknown> = {};
        for (const [name, field] of Object.entries(fields) as [
          string,
          { location: FieldLocation; blob: Uint8Array | null; as: FieldDecoder },
        ][]) {
          const place: FieldPlace = { scope: owner.scope, ...field.location };
          out[name] = field.blob === null ? null : DECODERS[field.as](key, place, field.blob);
        }
        return out as never;
      });
    },
    async decryptEach(items, client) {
      if (items.length === 0) return [];
      const keys = await keyring.dataKeys(
        items.map((item) => item.owner),
        client,
      );
      try {
        return items.map((item) => {
          const key = keys.get(ownerKey(item.owner))!;
          const out: Record<string, unknown> = {};
          for (const [name, field] of Object.entries(item.fields) as [
            string,
            { location: FieldLocation; blob: Uint8Array | null; as: FieldDecoder },
          ][]) {
            const place: FieldPlace = { scope: item.owner.scope, ...field.location };
            out[name] = field.blob === null ? null : DECODERS[field.as](key, place, field.blob);
          }
          return out as never;
        });
      } finally {
        for (const key of keys.values()) shredDataKey(key);
      }
    },
    async encryptMany(owner, fields, client) {
      return withKey(owner, client, true, (key) => {
        const out: Record<string, Uint8Array<ArrayBuffer> | null> = {};
        for (const [name, field] of Object.entries(fields) as [
          string,
          { location: FieldLocation; value: FieldValue | null | undefined },
        ][]) {
          out[name] =
            field.value === null || field.value === undefined
              ? null
              : Uint8Array.from(
                  encryptField(key, { scope: owner.scope, ...field.location }, field.value),
                );
        }
        return out as never;
      });
    },
    async encryptForNewOwners(items, client) {
      if (items.length === 0) return [];
      const keys = await keyring.createDataKeys(
        items.map((item) => item.owner),
        client,
      );
      try {
        return items.map((item) => {
          const key = keys.get(ownerKey(item.owner))!;
          const out: Record<string, Uint8Array<ArrayBuffer> | null> = {};
          for (const [name, field] of Object.entries(item.fields) as [
            string,
            { location: FieldLocation; value: FieldValue | null | undefined },
          ][]) {
            out[name] =
              field.value === null || field.value === undefined
                ? null
                : Uint8Array.from(
                    encryptField(key, { scope: item.owner.scope, ...field.location }, field.value),
                  );
          }
          return out as never;
        });
      } finally {
        for (const key of keys.values()) shredDataKey(key);
      }
    },
    async blindIndex(scope, field, value) {
      return fieldIndex(await keyring.currentSubkeys(scope), field, value);
    },
    async blindIndexes(scope, field, value) {
      const all = await keyring.allSubkeys(scope);
      return all.flatMap((subkeys) => fieldIndexLookups(subkeys, field, value));
    },
    decryptString: (owner, location, blob, client) =>
      withKey(owner, client, false, (key) =>
        decryptString(key, { scope: owner.scope, ...location }, blob),
      ),
  };
}

import type { KeyScope } from '../../../crypto/index.ts';
import type { DbClient } from '../../database/db-client.ts';
import type { Database } from '../../database/prisma-client.ts';
import { inServiceScope } from '../../database/service-scope.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type {
  DecodedField,
  FieldCrypto,
  FieldDecoder,
  FieldLocation,
} from '../../keys/field-crypto.ts';
import type { DataKeyOwnerRef } from '../key.repository.ts';

/**
 * The encrypted columns of a table: the Prisma field name, the column name bound into the
 * ciphertext's associated data, and the type the plaintext must have when read back.
 */
export type SealedSpec = Record<string, { column: string; as: FieldDecoder }>;

/** The plaintext values of a spec's fields (null: no value). */
export type Opened<S extends SealedSpec> = { [K in keyof S]: DecodedField<S[K]['as']> | null };

type PlainValue = string | number | boolean | Date;

/** Whose data key seals a record: the case for everything about a case, else the record. */
export type OwnerType = 'case' | 'incident' | 'appointment';

export function ownerOf(service: ServiceCode, ownerType: OwnerType, id: string): DataKeyOwnerRef {
  return { scope: service satisfies KeyScope, ownerType, ownerId: id };
}

/** A transaction in which row-level security shows only `service`'s rows. */
export type ScopedTransaction = <T>(
  service: ServiceCode,
  work: (client: DbClient) => Promise<T>,
) => Promise<T>;

export function createScopedTransaction(db: Database): ScopedTransaction {
  return (service, work) => inServiceScope(db, service, work);
}

/**
 * Encrypts the given fields of one record (all under its owner's data key). Fields left
 * `undefined` are not part of the result, so a partial update leaves them as they are; `null`
 * clears a field.
 */
export async function sealFields<S extends SealedSpec>(
  crypto: FieldCrypto,
  owner: DataKeyOwnerRef,
  table: string,
  recordId: string,
  spec: S,
  values: { [K in keyof S]?: PlainValue | null },
  client: DbClient,
): Promise<{ [K in keyof S]?: Uint8Array<ArrayBuffer> | null }> {
  const fields: Record<string, { location: FieldLocation; value: PlainValue | null }> = {};
  for (const [name, { column }] of Object.entries(spec)) {
    const value = values[name];
    if (value === undefined) continue;
    fields[name] = { location: { table, column, recordId }, value };
  }
  if (Object.keys(fields).length === 0) return {};
  return crypto.encryptMany(owner, fields, client) as Promise<{
    [K in keyof S]?: Uint8Array<ArrayBuffer> | null;
  }>;
}

function openRequest<S extends SealedSpec>(
  table: string,
  recordId: string,
  spec: S,
  row: { [K in keyof S]: Uint8Array | null },
) {
  const fields: Record<
    string,
    { location: FieldLocation; blob: Uint8Array | null; as: FieldDecoder }
  > = {};
  for (const [name, { column, as }] of Object.entries(spec)) {
    fields[name] = { location: { table, column, recordId }, blob: row[name] ?? null, as };
  }
  return fields;
}

/** Decrypts the spec's fields of one record. Any failure throws (DecryptionError & co). */
export async function openFields<S extends SealedSpec>(
  crypto: FieldCrypto,
  owner: DataKeyOwnerRef,
  table: string,
  spec: S,
  row: { id: string } & { [K in keyof S]: Uint8Array | null },
  client: DbClient,
): Promise<Opened<S>> {
  return crypto.decryptMany(owner, openRequest(table, row.id, spec, row), client) as Promise<
    Opened<S>
  >;
}

/** openFields for many records, with one query for all their owners' data keys. */
export async function openEach<S extends SealedSpec>(
  crypto: FieldCrypto,
  table: string,
  spec: S,
  rows: ReadonlyArray<{
    owner: DataKeyOwnerRef;
    row: { id: string } & { [K in keyof S]: Uint8Array | null };
  }>,
  client: DbClient,
): Promise<Opened<S>[]> {
  return crypto.decryptEach(
    rows.map(({ owner, row }) => ({ owner, fields: openRequest(table, row.id, spec, row) })),
    client,
  ) as Promise<Opened<S>[]>;
}

/** `YYYY-MM-DD` ↔ the UTC midnight Prisma uses for `@db.Date`. */
export function toDateColumn(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export function fromDateColumn(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function fromOptionalDateColumn(date: Date | null): string | null {
  return date === null ? null : fromDateColumn(date);
}

/** Pagination of every list: at most 100 rows per page. */
export interface Page {
  limit: number;
  offset: number;
}

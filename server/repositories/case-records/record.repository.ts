import { randomUUID } from 'node:crypto';
import { normaliseForIndex } from '../../../crypto/index.ts';
import type { DbClient } from '../../database/db-client.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type { FieldCrypto } from '../../keys/field-crypto.ts';
import {
  openEach,
  ownerOf,
  sealFields,
  type Opened,
  type SealedSpec,
} from '../case-work/sealed-fields.ts';

/** No case has more than this many of one kind; lists are not paginated beyond it. */
export const CASE_RECORDS_LIMIT = 500;

/** What the generic repository uses of a Prisma delegate: the rows of one table. */
export interface RecordTable<Row> {
  findMany(args: {
    where: object;
    orderBy?: object;
    take?: number;
    select?: object;
  }): Promise<Row[]>;
  findFirst(args: { where: object; select: { id: true } }): Promise<{ id: string } | null>;
  createManyAndReturn(args: { data: object[]; skipDuplicates: boolean }): Promise<Row[]>;
  updateMany(args: { where: object; data: object }): Promise<{ count: number }>;
}

/** A blind index beside a sealed column: exact search without decrypting every row. */
export interface BlindIndexSpec {
  /** The index's name, also the key derivation's domain (never reuse one). */
  name: string;
  column: string;
  versionColumn: string;
}

/**
 * The storage half of a record type: its table, which fields are sealed (under the case's data
 * key, so erasing the case erases them too), its blind indexes, and how clear columns and rows
 * map to the record. Every row carries `id`, `service` and `caseId`.
 */
export interface RecordStore<Row, Sealed extends SealedSpec, Input, Rec> {
  /** The SQL table name, bound into every ciphertext's associated data. */
  table: string;
  rows(client: DbClient): RecordTable<Row>;
  sealed: Sealed;
  blindIndexes?: Partial<Record<keyof Sealed & string, BlindIndexSpec>>;
  orderBy: object;
  /** The clear columns of (part of) an input; `undefined` leaves a column as it is. */
  columns(input: Partial<Input>, caseId: string): object;
  record(row: Row, opened: Opened<Sealed>): Rec;
}

function sealedValues(spec: SealedSpec, input: object, fill: boolean) {
  const source = input as Record<string, string | null | undefined>;
  return Object.fromEntries(
    Object.keys(spec).map((name) => [name, fill ? (source[name] ?? null) : source[name]]),
  );
}

/**
 * The one repository of every sealed case record: queries are scoped to the service and the
 * case, and the sealed fields are encrypted here, before a row is written, and decrypted when
 * read (any failure throws). Nothing outside sees a ciphertext.
 */
export function createCaseRecordRepository<
  Row extends { id: string; caseId: string },
  Sealed extends SealedSpec,
  Input extends object,
  Rec,
>(fields: FieldCrypto, store: RecordStore<Row, Sealed, Input, Rec>) {
  const caseOwner = (service: ServiceCode, caseId: string) => ownerOf(service, 'case', caseId);

  async function indexColumns(service: ServiceCode, values: Record<string, unknown>) {
    const data: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(store.blindIndexes ?? {}) as [
      string,
      BlindIndexSpec,
    ][]) {
      const value = values[name];
      if (value === undefined) continue;
      if (value === null) {
        data[spec.column] = null;
        data[spec.versionColumn] = null;
        continue;
      }
      const index = await fields.blindIndex(service, spec.name, value as string);
      data[spec.column] = index.value;
      data[spec.versionColumn] = index.keyVersion;
    }
    return data;
  }

  /** The sealed fields of one record, and their blind indexes, as columns to write. */
  async function seal(
    service: ServiceCode,
    caseId: string,
    id: string,
    plain: Record<string, string | null | undefined>,
    client: DbClient,
  ) {
    const sealed = await sealFields(
      fields,
      caseOwner(service, caseId),
      store.table,
      id,
      store.sealed,
      plain as { [K in keyof Sealed]?: string | null },
      client,
    );
    return { ...sealed, ...(await indexColumns(service, plain)) };
  }

  async function findMany(
    service: ServiceCode,
    caseId: string,
    id: string | undefined,
    client: DbClient,
  ): Promise<Rec[]> {
    const rows = await store.rows(client).findMany({
      where: { service, caseId, id },
      orderBy: store.orderBy,
      take: CASE_RECORDS_LIMIT,
    });
    const owner = caseOwner(service, caseId);
    const opened = await openEach(
      fields,
      store.table,
      store.sealed,
      rows.map((row) => ({ owner, row: row as Row & { [K in keyof Sealed]: Uint8Array | null } })),
      client,
    );
    return rows.map((row, i) => store.record(row, opened[i]!));
  }

  return {
    /** Null when a unique index turned the row away (e.g. one pending change per case). */
    async create(
      service: ServiceCode,
      caseId: string,
      input: Input,
      client: DbClient,
    ): Promise<Rec | null> {
      const id = randomUUID();
      const plain = sealedValues(store.sealed, input, true);
      const sealed = await seal(service, caseId, id, plain, client);
      const [row] = await store.rows(client).createManyAndReturn({
        data: [
          {
            id,
            service,
            caseId,
            ...store.columns(input, caseId),
            ...sealed,
          },
        ],
        skipDuplicates: true,
      });
      return row === undefined ? null : store.record(row, plain as Opened<Sealed>);
    },

    list: (service: ServiceCode, caseId: string, client: DbClient) =>
      findMany(service, caseId, undefined, client),

    async find(
      service: ServiceCode,
      caseId: string,
      id: string,
      client: DbClient,
    ): Promise<Rec | null> {
      return (await findMany(service, caseId, id, client))[0] ?? null;
    },

    /** False when the case has no such record (or it belongs elsewhere). */
    async update(
      service: ServiceCode,
      caseId: string,
      id: string,
      changes: Partial<Input>,
      client: DbClient,
    ): Promise<boolean> {
      const where = { id, caseId, service };
      if (!(await store.rows(client).findFirst({ where, select: { id: true } }))) return false;
      const plain = sealedValues(store.sealed, changes, false);
      const sealed = await seal(service, caseId, id, plain, client);
      await store.rows(client).updateMany({
        where,
        data: { ...store.columns(changes, caseId), ...sealed },
      });
      return true;
    },

    /**
     * Cases with a record whose indexed field equals `text` (normalised): blind index
     * candidates, decrypted and compared, so false positives drop out.
     */
    async caseIdsByIndex(
      service: ServiceCode,
      field: keyof Sealed & string,
      text: string,
      client: DbClient,
    ): Promise<string[]> {
      const spec = store.blindIndexes?.[field];
      if (spec === undefined) throw new TypeError(`${store.table}.${field} has no blind index`);
      const wanted = normaliseForIndex(text);
      if (wanted === '') return [];
      // Under every key version held: rows not yet re-indexed after a rotation still match.
      const indexes = await fields.blindIndexes(service, spec.name, text);
      const rows = await store.rows(client).findMany({
        where: {
          service,
          OR: indexes.map((index) => ({
            [spec.column]: index.value,
            [spec.versionColumn]: index.keyVersion,
          })),
        },
        select: { id: true, caseId: true, [field]: true },
        take: 2_000,
      });
      const only = { [field]: store.sealed[field]! } as SealedSpec;
      const opened = await openEach(
        fields,
        store.table,
        only,
        rows.map((row) => ({
          owner: caseOwner(service, row.caseId),
          row: row as unknown as { id: string } & Record<string, Uint8Array | null>,
        })),
        client,
      );
      return [
        ...new Set(
          rows
            .filter((_, i) => normaliseForIndex(String(opened[i]![field] ?? '')) === wanted)
            .map((row) => row.caseId),
        ),
      ];
    },
  };
}

export type CaseRecordRepository<Input, Rec> = {
  create(service: ServiceCode, caseId: string, input: Input, client: DbClient): Promise<Rec | null>;
  list(service: ServiceCode, caseId: string, client: DbClient): Promise<Rec[]>;
  find(service: ServiceCode, caseId: string, id: string, client: DbClient): Promise<Rec | null>;
  update(
    service: ServiceCode,
    caseId: string,
    id: string,
    changes: Partial<Input>,
    client: DbClient,
  ): Promise<boolean>;
};

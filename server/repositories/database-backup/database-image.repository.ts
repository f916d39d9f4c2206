import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { KEY_SCOPES } from '../../../crypto/index.ts';
import { withClient } from '../../database/pg-client.ts';

/**
 * Reads and writes the whole database for backups (SECURITY.md, "Backups"), as the owner role
 * (the only role that may read every table), in PostgreSQL's COPY text format.
 *
 * Row-level security is FORCEd on the service tables, for the owner too, so the dump reads
 * each of them once per service (and the key tables once per key scope) with
 * `casework.service` set, all in one REPEATABLE READ READ ONLY transaction: one snapshot,
 * never a bypass of the policies on a live database. The restore targets an empty database
 * that nothing else uses yet; it lifts FORCE, foreign keys and triggers inside its single
 * transaction and puts them back (re-validating every foreign key) before committing.
 */

/** One slice of a table: its rows visible under one `casework.service` setting. */
export interface TablePart {
  table: string;
  /** The `casework.service` setting; '' for none. */
  setting: string;
  /** Set for the key tables: only rows of this key scope (the `system` rows show in all). */
  scope: string | null;
  columns: string[];
  rows: number;
}

export interface DumpSink {
  startPart(part: TablePart): Promise<void>;
  data(chunk: Buffer): Promise<void>;
  endPart(part: TablePart, rows: number): Promise<void>;
}

export interface DatabaseInventory {
  migrations: { name: string; checksum: string }[];
  parts: TablePart[];
}

const SERVICES = KEY_SCOPES.filter((scope) => scope !== 'system');

interface TableInfo {
  name: string;
  rls: boolean;
  force: boolean;
  columns: string[];
}

async function tables(client: pg.Client): Promise<TableInfo[]> {
  const found = await client.query<{
    name: string;
    rls: boolean;
    force: boolean;
    columns: string[];
  }>(
    `SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS force,
            array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                          AND a.attgenerated = ''
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND c.relname <> '_prisma_migrations'
      GROUP BY c.relname, c.relrowsecurity, c.relforcerowsecurity
      ORDER BY c.relname`,
  );
  return found.rows;
}

/** Which slices make up a table: one for a plain table, one per service or key scope else. */
function partsOf(table: TableInfo): Omit<TablePart, 'rows'>[] {
  const base = { table: table.name, columns: table.columns };
  if (!table.rls) return [{ ...base, setting: '', scope: null }];
  if (table.columns.includes('scope')) {
    return KEY_SCOPES.map((scope) => ({
      ...base,
      setting: scope === 'system' ? '' : scope,
      scope,
    }));
  }
  if (table.columns.includes('service')) {
    return SERVICES.map((service) => ({ ...base, setting: service, scope: null }));
  }
  throw new Error(
    `table ${table.name} has row-level security but neither a service nor a scope column: the backup cannot prove it reads all of its rows`,
  );
}

const ident = (client: pg.Client, name: string) => client.escapeIdentifier(name);

function partQuery(client: pg.Client, part: Omit<TablePart, 'rows'>, select: string): string {
  const where = part.scope === null ? '' : ` WHERE scope = ${client.escapeLiteral(part.scope)}`;
  return `SELECT ${select} FROM ${ident(client, part.table)}${where}`;
}

async function setService(client: pg.Client, setting: string): Promise<void> {
  await client.query(`SELECT set_config('casework.service', $1, true)`, [setting]);
}

/**
 * Streams every row of the database to `sink` from one snapshot. `inventory` is called first,
 * with the row count of every slice (for a progress bar and the restore's checks).
 */
export async function dumpDatabase(
  ownerUrl: string,
  inventory: (found: DatabaseInventory) => Promise<void>,
  sink: DumpSink,
): Promise<DatabaseInventory> {
  return withClient(ownerUrl, async (client) => {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const migrations = await client.query<{ name: string; checksum: string }>(
        `SELECT migration_name AS name, checksum FROM "_prisma_migrations"
          WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL ORDER BY migration_name`,
      );
      const parts: TablePart[] = [];
      for (const table of await tables(client)) {
        for (const part of partsOf(table)) {
          await setService(client, part.setting);
          const counted = await client.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM (${partQuery(client, part, '1')}) t`,
          );
          parts.push({ ...part, rows: counted.rows[0]!.n });
        }
      }
      const found = { migrations: migrations.rows, parts };
      await inventory(found);
      for (const part of parts) {
        await setService(client, part.setting);
        await sink.startPart(part);
        const columns = part.columns.map((column) => ident(client, column)).join(', ');
        const stream = client.query(copyTo(`COPY (${partQuery(client, part, columns)}) TO STDOUT`));
        for await (const chunk of stream as AsyncIterable<Buffer>) await sink.data(chunk);
        if (stream.rowCount !== part.rows) {
          throw new Error(`table ${part.table} changed while it was read`);
        }
        await sink.endPart(part, stream.rowCount);
      }
      return found;
    } finally {
      await client.query('ROLLBACK');
    }
  });
}

/** Row counts of the tables that hold what a restore would overwrite, under every scope. */
export async function countRecords(ownerUrl: string): Promise<Map<string, number>> {
  return withClient(ownerUrl, async (client) => {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const counts = new Map<string, number>();
      for (const table of await tables(client)) {
        for (const part of partsOf(table)) {
          await setService(client, part.setting);
          const counted = await client.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM (${partQuery(client, part, '1')}) t`,
          );
          counts.set(table.name, (counts.get(table.name) ?? 0) + counted.rows[0]!.n);
        }
      }
      return counts;
    } finally {
      await client.query('ROLLBACK');
    }
  });
}

export interface RestoreSource {
  /** The next slice to load, or null at the end. */
  nextPart(): Promise<TablePart | null>;
  /** The COPY data of the current slice, up to its end. */
  partData(): AsyncIterable<Buffer>;
}

/**
 * Loads a dump into a migrated database in one transaction. `replace` lists the tables whose
 * current rows (reference data the migrations insert) the dump replaces. Any error rolls
 * everything back.
 */
export async function restoreDatabase(
  ownerUrl: string,
  source: RestoreSource,
  options: { replace: readonly string[]; onRows: (rows: number) => void },
): Promise<number> {
  return withClient(ownerUrl, async (client) => {
    await client.query('BEGIN');
    try {
      const all = await tables(client);
      const byName = new Map(all.map((table) => [table.name, table]));
      const foreignKeys = await client.query<{ table: string; name: string; definition: string }>(
        `SELECT r.relname AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS definition
           FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
          WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
      );
      for (const key of foreignKeys.rows) {
        await client.query(
          `ALTER TABLE ${ident(client, key.table)} DROP CONSTRAINT ${ident(client, key.name)}`,
        );
      }
      for (const table of all) {
        const name = ident(client, table.name);
        if (table.force) await client.query(`ALTER TABLE ${name} NO FORCE ROW LEVEL SECURITY`);
        await client.query(`ALTER TABLE ${name} DISABLE TRIGGER USER`);
      }
      for (const table of options.replace) {
        if (byName.has(table)) await client.query(`DELETE FROM ${ident(client, table)}`);
      }

      let total = 0;
      for (let part = await source.nextPart(); part; part = await source.nextPart()) {
        const table = byName.get(part.table);
        if (!table) throw new Error(`the backup holds table ${part.table}, unknown to this schema`);
        const unknown = part.columns.filter((column) => !table.columns.includes(column));
        if (unknown.length > 0) {
          throw new Error(
            `the backup holds columns unknown to this schema: ${part.table}.${unknown[0]}`,
          );
        }
        const columns = part.columns.map((column) => ident(client, column)).join(', ');
        const stream = client.query(
          copyFrom(`COPY ${ident(client, part.table)} (${columns}) FROM STDIN`),
        );
        try {
          for await (const chunk of source.partData()) {
            if (!stream.write(chunk)) await once(stream, 'drain');
            let rows = 0;
            for (const byte of chunk) if (byte === 10) rows++;
            options.onRows(rows);
          }
        } catch (error) {
          // A file that breaks off inside a table leaves the connection in COPY mode, where
          // the ROLLBACK below would wait for ever: end the COPY first (CopyFail).
          stream.destroy(error as Error);
          await finished(stream).catch(() => undefined);
          throw error;
        }
        stream.end();
        await finished(stream);
        if (stream.rowCount !== part.rows) {
          throw new Error(
            `table ${part.table}: ${stream.rowCount} rows restored, ${part.rows} expected`,
          );
        }
        total += stream.rowCount;
      }

      for (const table of all) {
        const name = ident(client, table.name);
        await client.query(`ALTER TABLE ${name} ENABLE TRIGGER USER`);
        if (table.force) await client.query(`ALTER TABLE ${name} FORCE ROW LEVEL SECURITY`);
      }
      // Re-adding validates every reference: a dump that does not hang together fails here.
      for (const key of foreignKeys.rows) {
        await client.query(
          `ALTER TABLE ${ident(client, key.table)} ADD CONSTRAINT ${ident(client, key.name)} ${key.definition}`,
        );
      }
      // Sequences (if any table uses one) continue after the restored rows.
      const sequences = await client.query<{ table: string; column: string; sequence: string }>(
        `SELECT table_name AS table, column_name AS column,
                pg_get_serial_sequence(quote_ident(table_name), column_name) AS sequence
           FROM information_schema.columns
          WHERE table_schema = current_schema()
            AND pg_get_serial_sequence(quote_ident(table_name), column_name) IS NOT NULL`,
      );
      for (const row of sequences.rows) {
        await client.query(
          `SELECT setval($1, coalesce((SELECT max(${ident(client, row.column)}) FROM ${ident(client, row.table)}), 1))`,
          [row.sequence],
        );
      }
      await client.query('COMMIT');
      return total;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  });
}

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { applyMigrations, MIGRATIONS_DIR, readMigrations } from '../../database/migrate.ts';
import { withClient } from '../../database/pg-client.ts';
import { countRecords } from './database-image.repository.ts';

/** Tables whose rows are records: a database holding any of them is not empty. */
const RECORD_TABLES = [
  'users',
  'service_keys',
  'data_keys',
  'audit_events',
  'audit_checkpoints',
  'cases',
  'incidents',
];

export class RestoreRefusedError extends Error {
  override readonly name = 'RestoreRefusedError';
}

async function appliedMigrations(ownerUrl: string): Promise<string[]> {
  return withClient(ownerUrl, async (client) => {
    const table = await client.query(`SELECT to_regclass('"_prisma_migrations"') AS t`);
    if (table.rows[0]?.t === null) return [];
    const rows = await client.query<{ name: string }>(
      `SELECT migration_name AS name FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    return rows.rows.map((row) => row.name);
  });
}

/**
 * Brings the target to the schema the backup was made with (its migrations, which must be
 * the first ones this code knows, unchanged), so the data goes in as it came out; the newer
 * migrations run afterwards (`finishSchema`) and migrate the restored data like any other.
 * Then refuses unless the target holds no records. Returns the tables with rows the
 * migrations inserted (reference data), which the restore replaces.
 */
export async function prepareRestoreTarget(
  ownerUrl: string,
  wanted: readonly { name: string; checksum: string }[],
): Promise<{ replace: string[]; newerSchema: boolean }> {
  const known = await readMigrations();
  for (const [index, migration] of wanted.entries()) {
    const ours = known[index];
    if (!ours || ours.name !== migration.name || ours.checksum !== migration.checksum) {
      throw new RestoreRefusedError(
        `the backup was made with migration ${migration.name}, which this version of casework ${ours?.name === migration.name ? 'has in another form' : 'does not have'}: restore it with the casework version that made it`,
      );
    }
  }
  const applied = await appliedMigrations(ownerUrl);
  const prefix = new Set(wanted.map((migration) => migration.name));
  const newerSchema = applied.some((name) => !prefix.has(name));
  if (!newerSchema) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'casework-restore-migrations-'));
    try {
      for (const migration of wanted) {
        await fs.cp(path.join(MIGRATIONS_DIR, migration.name), path.join(dir, migration.name), {
          recursive: true,
        });
      }
      await applyMigrations(ownerUrl, { dir });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
  const counts = await countRecords(ownerUrl);
  const records = RECORD_TABLES.filter((table) => (counts.get(table) ?? 0) > 0);
  if (records.length > 0) {
    throw new RestoreRefusedError(
      `the target database is not empty (${records.map((table) => `${table}: ${counts.get(table)}`).join(', ')}): a backup is restored only into an empty database`,
    );
  }
  return {
    replace: [...counts].filter(([, rows]) => rows > 0).map(([table]) => table),
    newerSchema,
  };
}

/** Applies the migrations newer than the backup, to the restored data. */
export async function finishRestoreSchema(ownerUrl: string): Promise<string[]> {
  return applyMigrations(ownerUrl);
}

import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { withClient } from './pg-client.ts';

/**
 * Applies prisma/migrations/<name>/migration.sql in order, each in its own transaction, and
 * records them in `_prisma_migrations` exactly as `prisma migrate deploy` would (same columns,
 * sha256 checksum), so `prisma migrate status` agrees wherever Prisma's engines exist. Written
 * here because Prisma's wasm schema engine cannot run `migrate deploy` against PostgreSQL
 * through adapter-pg (README.md, Running it).
 */
export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '..', '..', 'prisma', 'migrations');

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await fs.readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

// Prisma's own definition of the table, so its CLI recognises what we record.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// Any constant: serialises migrators (several servers starting at once) on one database.
const MIGRATION_LOCK_KEY = 72_707_369;

/** Returns the names of the migrations it applied. Throws MigrationError on any mismatch. */
export async function applyMigrations(
  url: string,
  options: { dir?: string; log?: (message: string) => void } = {},
): Promise<string[]> {
  const migrations = await readMigrations(options.dir);
  return withClient(url, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const applied = await client.query<{
        migration_name: string;
        checksum: string;
        finished_at: Date | null;
      }>(
        `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"
          WHERE rolled_back_at IS NULL ORDER BY started_at`,
      );
      const appliedByName = new Map(applied.rows.map((row) => [row.migration_name, row]));
      const known = new Set(migrations.map((migration) => migration.name));
      for (const row of applied.rows) {
        if (!known.has(row.migration_name)) {
          throw new MigrationError(
            `migration ${row.migration_name} is applied to the database but missing from prisma/migrations`,
          );
        }
        if (!row.finished_at) {
          throw new MigrationError(
            `migration ${row.migration_name} was started but never finished; restore the database or mark it rolled back`,
          );
        }
      }

      const done: string[] = [];
      for (const migration of migrations) {
        const record = appliedByName.get(migration.name);
        if (record) {
          if (record.checksum !== migration.checksum) {
            throw new MigrationError(
              `migration ${migration.name} has changed since it was applied (checksum mismatch): never edit an applied migration, add a new one`,
            );
          }
          continue;
        }
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations"
               (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
             VALUES ($1, $2, $3, now(), now(), 1)`,
            [randomUUID(), migration.checksum, migration.name],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new MigrationError(
            `migration ${migration.name} failed: ${(error as Error).message}`,
          );
        }
        options.log?.(`applied migration ${migration.name}`);
        done.push(migration.name);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
}

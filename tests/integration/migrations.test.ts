import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, MigrationError, readMigrations } from '../../server/database/migrate.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { REPOSITORY_ROOT } from '../support/test-config.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-cluster.ts';

const run = promisify(execFile);

/**
 * What schema.prisma can express: tables, columns, enums, indexes, keys. CHECK constraints,
 * grants, policies and triggers live only in the migrations, on purpose.
 */
async function catalog(url: string) {
  return withClient(url, async (client) => {
    const columns = await client.query(`
      SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default,
             character_maximum_length, numeric_precision, datetime_precision
        FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
       ORDER BY table_name, column_name`);
    const indexes = await client.query(`
      SELECT tablename, indexname, indexdef FROM pg_indexes
       WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
       ORDER BY tablename, indexname`);
    const constraints = await client.query(`
      SELECT c.conrelid::regclass::text AS table, c.conname, c.contype, pg_get_constraintdef(c.oid) AS def
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
       WHERE n.nspname = 'public' AND c.contype <> 'c' AND c.conrelid::regclass::text <> '_prisma_migrations'
       ORDER BY 1, 2`);
    const enums = await client.query(`
      SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
       GROUP BY t.typname ORDER BY t.typname`);
    return {
      columns: columns.rows,
      indexes: indexes.rows,
      constraints: constraints.rows,
      enums: enums.rows,
    };
  });
}

describe('migrations', () => {
  const databases: TestDatabase[] = [];
  const fresh = async () => {
    const database = await createTestDatabase({ migrated: false });
    databases.push(database);
    return database;
  };
  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
  });

  it('describe the same database as schema.prisma', async () => {
    const viaMigrations = await fresh();
    const viaSchema = await fresh();
    await applyMigrations(viaMigrations.ownerUrl);

    const { stdout: fromEmpty } = await run(
      'npx',
      [
        'prisma',
        'migrate',
        'diff',
        '--from-empty',
        '--to-schema-datamodel',
        'prisma/schema.prisma',
        '--script',
      ],
      { cwd: REPOSITORY_ROOT, env: { ...process.env, DATABASE_URL: viaSchema.superuserUrl } },
    );
    await withClient(viaSchema.ownerUrl, (client) => client.query(fromEmpty));

    const expected = await catalog(viaSchema.ownerUrl);
    expect(expected.columns.length).toBeGreaterThan(5);
    expect(await catalog(viaMigrations.ownerUrl)).toEqual(expected);
  });

  describe('runner', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await fresh();
    });

    it('applies every migration once and records it as Prisma does', async () => {
      const migrations = await readMigrations();
      expect(await applyMigrations(database.ownerUrl)).toEqual(migrations.map((m) => m.name));
      expect(await applyMigrations(database.ownerUrl)).toEqual([]);
      const rows = await withClient(database.ownerUrl, (client) =>
        client.query(
          'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
        ),
      );
      expect(
        rows.rows.map((row) => [row.migration_name, row.checksum, row.applied_steps_count]),
      ).toEqual(migrations.map((m) => [m.name, m.checksum, 1]));
      expect(rows.rows.every((row) => row.finished_at instanceof Date)).toBe(true);
    });

    it('refuses to start when an applied migration file has changed', async () => {
      const dir = await copyMigrations();
      const [first] = await readMigrations(dir);
      await fs.appendFile(path.join(dir, first!.name, 'migration.sql'), '\n-- edited afterwards\n');
      await expect(applyMigrations(database.ownerUrl, { dir })).rejects.toThrow(MigrationError);
      await expect(applyMigrations(database.ownerUrl, { dir })).rejects.toThrow(
        `migration ${first!.name} has changed since it was applied`,
      );
    });

    it('rolls back a failing migration completely and names it', async () => {
      const dir = await copyMigrations();
      const broken = path.join(dir, '99990101000000_broken');
      await fs.mkdir(broken);
      await fs.writeFile(
        path.join(broken, 'migration.sql'),
        'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n',
      );
      await expect(applyMigrations(database.ownerUrl, { dir })).rejects.toThrow(
        /migration 99990101000000_broken failed: .*no_such_table/,
      );
      const leftovers = await withClient(database.ownerUrl, (client) =>
        client.query(`SELECT to_regclass('public.half_done') AS t,
                      (SELECT count(*) FROM _prisma_migrations WHERE migration_name LIKE '%broken') AS n`),
      );
      expect(leftovers.rows[0]).toEqual({ t: null, n: '0' });
    });
  });
});

async function copyMigrations(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'casework-migrations-'));
  await fs.cp(path.join(REPOSITORY_ROOT, 'prisma', 'migrations'), dir, { recursive: true });
  return dir;
}

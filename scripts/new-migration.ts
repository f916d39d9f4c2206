/**
 * `npm run db:migration -- <name>`: authors prisma/migrations/<timestamp>_<name>/migration.sql
 * as the difference between the last committed prisma/schema.prisma and the working copy.
 *
 * `prisma migrate diff` runs Prisma's JavaScript schema engine, which needs a live PostgreSQL
 * even when it only compares two schema files, so a throwaway embedded cluster is started.
 * Grants and row-level security for new tables are SQL that Prisma cannot express: add them
 * below the generated statements by hand (see the existing migrations).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../server/database/embedded-postgres.ts';

const name = process.argv[2];
if (!name || !/^[a-z][a-z0-9_]*$/.test(name)) {
  console.error('usage: npm run db:migration -- <name>   (lower case, digits and _)');
  process.exit(2);
}

const root = path.resolve(import.meta.dirname, '..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-migration-'));
fs.chmodSync(scratch, 0o711); // PostgreSQL runs as 'postgres' when we are root
const committedSchema = path.join(scratch, 'committed.prisma');
let from: string[];
try {
  const committed = execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  fs.writeFileSync(committedSchema, committed);
  from = ['--from-schema-datamodel', committedSchema];
} catch {
  from = ['--from-empty'];
}

const cluster = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'data'), log: () => {} });
try {
  const sql = execFileSync(
    'npx',
    [
      'prisma',
      'migrate',
      'diff',
      ...from,
      '--to-schema-datamodel',
      path.join(root, 'prisma', 'schema.prisma'),
      '--script',
    ],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: cluster.superuserUrl() },
      encoding: 'utf8',
    },
  );
  if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
    console.log('prisma/schema.prisma has no change against the last commit: no migration written');
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = path.join(root, 'prisma', 'migrations', `${stamp}_${name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
    console.log(`wrote ${path.relative(root, dir)}/migration.sql — review it, add grants and RLS`);
  }
} finally {
  await cluster.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
}

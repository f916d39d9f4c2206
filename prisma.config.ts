import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

// Prisma's Rust engines cannot be downloaded here (DESIGN.md): the CLI runs its JavaScript
// engine through the pg driver adapter. Only `generate` and `migrate diff` are used; the
// server applies migrations itself (server/database/migrate.ts).
//
// The CLI reads `engineType = "client"` from the schema only when the datasource URL resolves;
// otherwise it falls back to downloading the library engine. Neither command connects, so a
// placeholder is enough when no database is configured (e.g. during `npm install`).
process.env.DATABASE_URL ??= 'postgresql://casework@127.0.0.1:5432/casework';

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  engine: 'js',
  experimental: { adapter: true },
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL ?? '' }),
});

import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type Database = PrismaClient;

/**
 * The Prisma client for requests: engine-free, through the pg driver adapter, with a bounded
 * pool. Only repositories (server/repositories) may use what this returns.
 */
export function createDatabase(options: { url: string; poolMax: number }): Database {
  const adapter = new PrismaPg({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // A statement that runs this long is a bug or an attack; fail it rather than hold a slot.
    statement_timeout: 15_000,
    // A transaction the client lost track of (seen under load: Prisma's "Unknown transaction
    // status") would hold its connection and locks for ever; PostgreSQL ends it instead.
    idle_in_transaction_session_timeout: 30_000,
    // The adapter reads every timestamptz as if its offset were +00:00, so a server whose
    // TimeZone is Europe/Berlin would shift every time by an hour or two: sessions talk UTC.
    options: '-c TimeZone=UTC',
  });
  return new PrismaClient({ adapter });
}

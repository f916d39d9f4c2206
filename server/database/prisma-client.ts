import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { OWNER_ROLE, serviceLoginUrl, type CounsellingService } from './database-roles.ts';

export type Database = PrismaClient;

/**
 * The pools a request client reaches a counselling service's rows through (one login each, see
 * database-roles.ts), opened on first use. Kept beside the client rather than on it so every
 * repository keeps taking the plain Prisma client for system work; `inServiceScope` and
 * `closeDatabase` are the only readers.
 */
const servicePools = new WeakMap<Database, ServicePools>();

interface ServicePools {
  open(service: CounsellingService): Database;
  close(): Promise<void>;
}

/**
 * The Prisma client for requests: engine-free, through the pg driver adapter, with a bounded
 * pool. Only repositories (server/repositories) may use what this returns. Given the system
 * login's URL, a counselling service's rows are read through that service's own login
 * (`inServiceScope`); given the owner's URL (maintenance), through the owner's setting.
 */
export function createDatabase(options: { url: string; poolMax: number }): Database {
  const db = prismaClient(options.url, options.poolMax);
  if (new URL(options.url).username !== OWNER_ROLE) {
    const opened = new Map<CounsellingService, Database>();
    servicePools.set(db, {
      open(service) {
        let client = opened.get(service);
        if (!client) {
          client = prismaClient(serviceLoginUrl(options.url, service), options.poolMax);
          opened.set(service, client);
        }
        return client;
      },
      async close() {
        await Promise.all([...opened.values()].map(disconnect));
        opened.clear();
      },
    });
  }
  return db;
}

/**
 * The pg pool under a client (the same connections and settings Prisma uses), for the few
 * repository paths where the Prisma client itself is the cost. Only repositories may call it.
 */
export function sqlPool(db: Database): pg.Pool {
  const pool = sqlPools.get(db);
  if (!pool) throw new Error('this database client has no pg pool of its own');
  return pool;
}

const sqlPools = new WeakMap<Database, pg.Pool>();

/** The client whose login sees `service`'s rows; undefined for an owner client. */
export function serviceClient(db: Database, service: CounsellingService): Database | undefined {
  return servicePools.get(db)?.open(service);
}

/** Prisma ends the pool only if it ever connected; one read only through SQL is ended here. */
async function disconnect(db: Database): Promise<void> {
  await db.$disconnect();
  const pool = sqlPools.get(db);
  if (pool && !pool.ended) await pool.end();
}

/** Closes the client and the service pools opened beside it. */
export async function closeDatabase(db: Database): Promise<void> {
  await Promise.all([disconnect(db), servicePools.get(db)?.close()]);
}

function prismaClient(url: string, poolMax: number): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
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
  // A broken idle connection is dropped by the pool and the next query opens a new one; without
  // a listener the event would end the process before Prisma attaches its own.
  pool.on('error', () => {});
  const client = new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
  });
  sqlPools.set(client, pool);
  return client;
}

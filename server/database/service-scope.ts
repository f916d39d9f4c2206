import type { KeyScope } from '../../crypto/index.ts';
import type { DbClient } from './db-client.ts';
import { serviceClient, type Database } from './prisma-client.ts';

/**
 * Prisma's defaults (2 s to get a connection, 5 s in all) fail requests that merely queue for
 * the pool or the access-log chain under load ("Unknown transaction status"); these limits
 * stay below the 30 s request timeout.
 */
export const TRANSACTION_LIMITS = { maxWait: 10_000, timeout: 15_000 } as const;

/**
 * Separation, layer (c): runs `work` in a transaction in which PostgreSQL's row-level security
 * lets through only rows of `scope` (and `system` rows). A request client runs it on the
 * service's own login, which nothing on the connection can change; an owner client
 * (maintenance) sets `casework.service`, local to the transaction.
 */
export async function inServiceScope<T>(
  db: Database,
  scope: KeyScope,
  work: (client: DbClient) => Promise<T>,
): Promise<T> {
  if (scope === 'system') return db.$transaction(work, TRANSACTION_LIMITS);
  const own = serviceClient(db, scope);
  if (own) return own.$transaction(work, TRANSACTION_LIMITS);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('casework.service', ${scope}, true)`;
    return work(tx);
  }, TRANSACTION_LIMITS);
}

import type { KeyScope } from '../../crypto/index.ts';
import type { DbClient } from './db-client.ts';
import type { Database } from './prisma-client.ts';

/**
 * Separation, layer (c): runs `work` in a transaction in which PostgreSQL's row-level security
 * lets through only rows of `scope` (and `system` rows). The setting is local to the
 * transaction, so a pooled connection never carries it into another request.
 */
/**
 * Prisma's defaults (2 s to get a connection, 5 s in all) fail requests that merely queue for
 * the pool or the access-log chain under load ("Unknown transaction status"); these limits
 * stay below the 30 s request timeout.
 */
export const TRANSACTION_LIMITS = { maxWait: 10_000, timeout: 15_000 } as const;

export async function inServiceScope<T>(
  db: Database,
  scope: KeyScope,
  work: (client: DbClient) => Promise<T>,
): Promise<T> {
  return db.$transaction(async (tx) => {
    if (scope !== 'system') {
      await tx.$executeRaw`SELECT set_config('casework.service', ${scope}, true)`;
    }
    return work(tx);
  }, TRANSACTION_LIMITS);
}

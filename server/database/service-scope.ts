import type { KeyScope } from '../../crypto/index.ts';
import type { DbClient } from './db-client.ts';
import type { Database } from './prisma-client.ts';

/**
 * Separation, layer (c): runs `work` in a transaction in which PostgreSQL's row-level security
 * lets through only rows of `scope` (and `system` rows). The setting is local to the
 * transaction, so a pooled connection never carries it into another request.
 */
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
  });
}

import type { KeyScope } from '../../../crypto/index.ts';
import type { Database } from '../../database/prisma-client.ts';
import { inServiceScope } from '../../database/service-scope.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type { Keyring } from '../../keys/keyring.ts';
import { shredDataKey } from '../../../crypto/index.ts';
import type { DataKeyOwnerRef } from '../key.repository.ts';
import type { CaseRepository } from '../case-work/case.repository.ts';

/**
 * What `backup verify` reads from the throwaway database it restored into: random samples of
 * live data keys and cases, unwrapped and decrypted with the configured master key.
 */
export function createRestoredSampleRepository(db: Database, keyring: Keyring) {
  return {
    /** Unwraps up to `limit` random live data keys of `scope`; returns how many. */
    async unwrapDataKeys(scope: KeyScope, limit: number): Promise<number> {
      return inServiceScope(db, scope, async (client) => {
        const owners = await client.$queryRaw<{ ownerType: string; ownerId: string }[]>`
          SELECT owner_type AS "ownerType", owner_id::text AS "ownerId" FROM data_keys
           WHERE scope = ${scope} AND wrapped_key IS NOT NULL
           ORDER BY random() LIMIT ${limit}`;
        const refs: DataKeyOwnerRef[] = owners.map((owner) => ({ scope, ...owner }));
        const keys = await keyring.dataKeys(refs, client);
        for (const key of keys.values()) shredDataKey(key);
        return refs.length;
      });
    },

    /** Decrypts every field of up to `limit` random cases whose key is not destroyed. */
    async openCases(service: ServiceCode, limit: number, cases: CaseRepository): Promise<number> {
      return inServiceScope(db, service, async (client) => {
        const ids = await client.$queryRaw<{ id: string }[]>`
          SELECT c.id::text AS id FROM cases c
           WHERE EXISTS (SELECT 1 FROM data_keys d
                          WHERE d.scope = ${service} AND d.owner_type = 'case'
                            AND d.owner_id = c.id AND d.wrapped_key IS NOT NULL)
           ORDER BY random() LIMIT ${limit}`;
        for (const { id } of ids) {
          const found = await cases.findById(service, id, new Date(), client);
          if (!found) throw new Error(`case ${id} vanished during the check`);
        }
        return ids.length;
      });
    },
  };
}

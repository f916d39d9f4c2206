import type { KeyScope, ServiceSubkeys } from '../../../crypto/index.ts';
import { fieldIndex } from '../../keys/blind-index-widths.ts';
import type { DbClient } from '../../database/db-client.ts';
import type { FieldCrypto } from '../../keys/field-crypto.ts';

// Blind indexes are keyed with a subkey of one service key version (`bidx_key_version`).
// Search looks under every version the server holds, so rotation may move rows to the new
// version batch by batch; once none is left on an old version, that version may be destroyed.
// Index names and locations must match the repositories that write them (case.repository.ts,
// backup-counselling-records.repository.ts).

const CASE_INDEXES = { pseudonym: 'case.pseudonym', realName: 'case.real_name' } as const;
const COURT_FILE_NUMBER_INDEX = 'accompaniment.court_file_number';

/** Rows whose data key is destroyed (erased) cannot be re-indexed and count for nothing. */
const LIVE_CASE_KEY = (alias: string, caseColumn: string) => `EXISTS (
  SELECT 1 FROM data_keys d
   WHERE d.scope = ${alias}.service::text AND d.owner_type = 'case'
     AND d.owner_id = ${alias}.${caseColumn} AND d.wrapped_key IS NOT NULL)`;

export function createBlindIndexRotationRepository(fields: FieldCrypto) {
  return {
    /** Rows still indexed under a version below `version` (only `version`, with `exactly`). */
    async countBelow(
      scope: KeyScope,
      version: number,
      client: DbClient,
      exactly = false,
    ): Promise<number> {
      if (scope === 'system') return 0;
      const op = exactly ? '=' : '<';
      const rows = await client.$queryRawUnsafe<{ n: number }[]>(
        `SELECT (SELECT count(*) FROM cases c
                  WHERE c.bidx_key_version ${op} $1 AND ${LIVE_CASE_KEY('c', 'id')})::int
              + (SELECT count(*) FROM accompaniments a
                  WHERE a.bidx_key_version ${op} $1 AND a.court_file_number_bidx IS NOT NULL
                    AND ${LIVE_CASE_KEY('a', 'case_id')})::int AS n`,
        version,
      );
      return rows[0]!.n;
    },

    /**
     * Re-indexes up to `limit` rows under `subkeys` (the new version); returns how many. No
     * ORDER BY: sorting every remaining row per batch would make the rotation quadratic.
     */
    async reindexBatch(
      scope: KeyScope,
      subkeys: ServiceSubkeys,
      limit: number,
      client: DbClient,
    ): Promise<number> {
      if (scope === 'system') return 0;
      const version = subkeys.version;
      const cases = await client.$queryRawUnsafe<
        { id: string; pseudonym: Uint8Array | null; realName: Uint8Array | null }[]
      >(
        `SELECT c.id::text AS id, c.pseudonym, c.real_name AS "realName" FROM cases c
          WHERE c.bidx_key_version < $1 AND ${LIVE_CASE_KEY('c', 'id')}
          LIMIT $2 FOR UPDATE OF c`,
        version,
        limit,
      );
      if (cases.length > 0) {
        const opened = await fields.decryptEach(
          cases.map((row) => ({
            owner: { scope, ownerType: 'case', ownerId: row.id },
            fields: {
              pseudonym: {
                location: { table: 'cases', column: 'pseudonym', recordId: row.id },
                blob: row.pseudonym,
                as: 'string' as const,
              },
              realName: {
                location: { table: 'cases', column: 'real_name', recordId: row.id },
                blob: row.realName,
                as: 'string' as const,
              },
            },
          })),
          client,
        );
        const index = (field: string, value: string | null) =>
          value === null ? null : fieldIndex(subkeys, field, value).value;
        await client.$executeRaw`
          UPDATE cases c
             SET pseudonym_bidx = coalesce(u.pseudonym, c.pseudonym_bidx),
                 real_name_bidx = u.real_name, bidx_key_version = ${version}
            FROM unnest(${cases.map((row) => row.id)}::uuid[],
                        ${opened.map((o) => index(CASE_INDEXES.pseudonym, o.pseudonym))}::int[],
                        ${opened.map((o) => index(CASE_INDEXES.realName, o.realName))}::int[])
                 AS u(id, pseudonym, real_name)
           WHERE c.id = u.id`;
        return cases.length;
      }
      const accompaniments = await client.$queryRawUnsafe<
        { id: string; caseId: string; courtFileNumber: Uint8Array | null }[]
      >(
        `SELECT a.id::text AS id, a.case_id::text AS "caseId", a.court_file_number AS "courtFileNumber"
           FROM accompaniments a
          WHERE a.bidx_key_version < $1 AND a.court_file_number_bidx IS NOT NULL
            AND ${LIVE_CASE_KEY('a', 'case_id')}
          LIMIT $2 FOR UPDATE OF a`,
        version,
        limit,
      );
      if (accompaniments.length === 0) return 0;
      const opened = await fields.decryptEach(
        accompaniments.map((row) => ({
          owner: { scope, ownerType: 'case', ownerId: row.caseId },
          fields: {
            courtFileNumber: {
              location: { table: 'accompaniments', column: 'court_file_number', recordId: row.id },
              blob: row.courtFileNumber,
              as: 'string' as const,
            },
          },
        })),
        client,
      );
      await client.$executeRaw`
        UPDATE accompaniments a
           SET court_file_number_bidx = u.bidx, bidx_key_version = ${version}
          FROM unnest(${accompaniments.map((row) => row.id)}::uuid[],
                      ${opened.map((o) =>
                        o.courtFileNumber === null
                          ? null
                          : fieldIndex(subkeys, COURT_FILE_NUMBER_INDEX, o.courtFileNumber).value,
                      )}::int[]) AS u(id, bidx)
         WHERE a.id = u.id`;
      return accompaniments.length;
    },
  };
}

export type BlindIndexRotationRepository = ReturnType<typeof createBlindIndexRotationRepository>;

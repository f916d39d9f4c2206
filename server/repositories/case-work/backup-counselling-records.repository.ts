import type { FieldCrypto } from '../../keys/field-crypto.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type { DbClient } from '../../database/db-client.ts';
import { createCaseRecordRepository } from '../case-records/record.repository.ts';
import { accompaniments } from '../../case-records/types/accompaniments.ts';
import { claims } from '../../case-records/types/claims.ts';
import { referrals } from '../../case-records/types/referrals.ts';

// BackUp's records about a case: accompaniments, compensation claims, referrals, declared in
// server/case-records/types and stored by the one generic repository.

export { CASE_RECORDS_LIMIT } from '../case-records/record.repository.ts';
export type {
  AccompanimentFields,
  AccompanimentRecord,
} from '../../case-records/types/accompaniments.ts';
export type { ClaimFields, ClaimRecord } from '../../case-records/types/claims.ts';
export type { ReferralFields, ReferralRecord } from '../../case-records/types/referrals.ts';

export function createAccompanimentRepository(fields: FieldCrypto) {
  const records = createCaseRecordRepository(fields, accompaniments.store);
  return {
    ...records,
    /** Cases with an accompaniment whose court file number equals `text` (normalised). */
    caseIdsByFileNumber: (service: ServiceCode, text: string, client: DbClient) =>
      records.caseIdsByIndex(service, 'courtFileNumber', text, client),
  };
}

export const createClaimRepository = (fields: FieldCrypto) =>
  createCaseRecordRepository(fields, claims.store);

export const createReferralRepository = (fields: FieldCrypto) =>
  createCaseRecordRepository(fields, referrals.store);

export type AccompanimentRepository = ReturnType<typeof createAccompanimentRepository>;
export type ClaimRepository = ReturnType<typeof createClaimRepository>;
export type ReferralRepository = ReturnType<typeof createReferralRepository>;

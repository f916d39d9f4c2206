import { randomUUID } from 'node:crypto';
import { normaliseForIndex } from '../../../crypto/index.ts';
import type { DbClient } from '../../database/db-client.ts';
import type {
  AccompanimentKind,
  ClaimStatus,
  ConsentForm,
  ProceedingRole,
  ReferralTarget,
  ServiceCode,
} from '../../generated/prisma/enums.ts';
import type { FieldCrypto } from '../../keys/field-crypto.ts';
import {
  fromDateColumn,
  fromOptionalDateColumn,
  openEach,
  ownerOf,
  sealFields,
  toDateColumn,
  type SealedSpec,
} from './sealed-fields.ts';

// BackUp's records about a case: accompaniments, compensation claims, referrals. All of them
// are encrypted under the case's data key, so erasing the case erases them too.

/** No case has more than this many of one kind; lists are not paginated beyond it. */
export const CASE_RECORDS_LIMIT = 500;

const ACCOMPANIMENT_SEALED = {
  court: { column: 'court', as: 'string' },
  courtFileNumber: { column: 'court_file_number', as: 'string' },
  outcome: { column: 'outcome', as: 'string' },
} as const satisfies SealedSpec;
const COURT_FILE_NUMBER_INDEX = 'accompaniment.court_file_number';

export interface AccompanimentFields {
  kind: AccompanimentKind;
  takesPlaceOn: string;
  role: ProceedingRole;
  psychosocialSupport: boolean;
  court: string | null;
  courtFileNumber: string | null;
  outcome: string | null;
}

export interface AccompanimentRecord extends AccompanimentFields {
  id: string;
  caseId: string;
  createdAt: Date;
  updatedAt: Date;
}

const CLAIM_SEALED = { note: { column: 'note', as: 'string' } } as const satisfies SealedSpec;

export interface ClaimFields {
  status: ClaimStatus;
  filedOn: string | null;
  decidedOn: string | null;
  note: string | null;
}

export interface ClaimRecord extends ClaimFields {
  id: string;
  caseId: string;
  createdAt: Date;
  updatedAt: Date;
}

const REFERRAL_SEALED = {
  details: { column: 'details', as: 'string' },
} as const satisfies SealedSpec;

export interface ReferralFields {
  target: ReferralTarget;
  referredOn: string;
  consentForm: ConsentForm;
  consentOn: string;
  details: string | null;
}

export interface ReferralRecord extends ReferralFields {
  id: string;
  caseId: string;
  createdById: string;
  createdAt: Date;
}

const optionalDate = (day: string | null | undefined) =>
  day === undefined ? undefined : day === null ? null : toDateColumn(day);

export function createAccompanimentRepository(fields: FieldCrypto) {
  const caseOwner = (service: ServiceCode, caseId: string) => ownerOf(service, 'case', caseId);

  async function findMany(
    service: ServiceCode,
    caseId: string,
    id: string | undefined,
    client: DbClient,
  ): Promise<AccompanimentRecord[]> {
    const rows = await client.accompaniment.findMany({
      where: { service, caseId, id },
      orderBy: [{ takesPlaceOn: 'desc' }, { createdAt: 'desc' }],
      take: CASE_RECORDS_LIMIT,
    });
    const owner = caseOwner(service, caseId);
    const opened = await openEach(
      fields,
      'accompaniments',
      ACCOMPANIMENT_SEALED,
      rows.map((row) => ({ owner, row })),
      client,
    );
    return rows.map((row, i) => ({
      id: row.id,
      caseId: row.caseId,
      kind: row.kind,
      takesPlaceOn: fromDateColumn(row.takesPlaceOn),
      role: row.role,
      psychosocialSupport: row.psychosocialSupport,
      ...opened[i]!,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }));
  }

  async function fileNumberIndex(service: ServiceCode, value: string | null | undefined) {
    if (value === undefined) return {};
    if (value === null) return { courtFileNumberIndex: null, indexKeyVersion: null };
    const index = await fields.blindIndex(service, COURT_FILE_NUMBER_INDEX, value);
    return { courtFileNumberIndex: index.value, indexKeyVersion: index.keyVersion };
  }

  return {
    async create(
      service: ServiceCode,
      caseId: string,
      input: AccompanimentFields & { createdById: string },
      client: DbClient,
    ): Promise<AccompanimentRecord> {
      const id = randomUUID();
      const sealed = await sealFields(
        fields,
        caseOwner(service, caseId),
        'accompaniments',
        id,
        ACCOMPANIMENT_SEALED,
        { court: input.court, courtFileNumber: input.courtFileNumber, outcome: input.outcome },
        client,
      );
      const row = await client.accompaniment.create({
        data: {
          id,
          service,
          caseId,
          kind: input.kind,
          takesPlaceOn: toDateColumn(input.takesPlaceOn),
          role: input.role,
          psychosocialSupport: input.psychosocialSupport,
          court: sealed.court ?? null,
          courtFileNumber: sealed.courtFileNumber ?? null,
          outcome: sealed.outcome ?? null,
          ...(await fileNumberIndex(service, input.courtFileNumber)),
          createdById: input.createdById,
        },
        select: { createdAt: true, updatedAt: true },
      });
      return {
        id,
        caseId,
        kind: input.kind,
        takesPlaceOn: input.takesPlaceOn,
        role: input.role,
        psychosocialSupport: input.psychosocialSupport,
        court: input.court,
        courtFileNumber: input.courtFileNumber,
        outcome: input.outcome,
        ...row,
      };
    },

    list: (service: ServiceCode, caseId: string, client: DbClient) =>
      findMany(service, caseId, undefined, client),

    async find(
      service: ServiceCode,
      caseId: string,
      id: string,
      client: DbClient,
    ): Promise<AccompanimentRecord | null> {
      return (await findMany(service, caseId, id, client))[0] ?? null;
    },

    /** False when the case has no such accompaniment (or it belongs elsewhere). */
    async update(
      service: ServiceCode,
      caseId: string,
      id: string,
      changes: Partial<AccompanimentFields>,
      client: DbClient,
    ): Promise<boolean> {
      const found = await client.accompaniment.findFirst({
        where: { id, caseId, service },
        select: { id: true },
      });
      if (!found) return false;
      const sealed = await sealFields(
        fields,
        caseOwner(service, caseId),
        'accompaniments',
        id,
        ACCOMPANIMENT_SEALED,
        {
          court: changes.court,
          courtFileNumber: changes.courtFileNumber,
          outcome: changes.outcome,
        },
        client,
      );
      await client.accompaniment.updateMany({
        where: { id, caseId, service },
        data: {
          kind: changes.kind,
          takesPlaceOn: optionalDate(changes.takesPlaceOn) ?? undefined,
          role: changes.role,
          psychosocialSupport: changes.psychosocialSupport,
          ...sealed,
          ...(await fileNumberIndex(service, changes.courtFileNumber)),
        },
      });
      return true;
    },

    /**
     * Cases with an accompaniment whose court file number equals `text` (normalised): blind
     * index candidates, decrypted and compared, so false positives drop out.
     */
    async caseIdsByFileNumber(
      service: ServiceCode,
      text: string,
      client: DbClient,
    ): Promise<string[]> {
      const wanted = normaliseForIndex(text);
      if (wanted === '') return [];
      // Under every key version held: rows not yet re-indexed after a rotation still match.
      const indexes = await fields.blindIndexes(service, COURT_FILE_NUMBER_INDEX, text);
      const rows = await client.accompaniment.findMany({
        where: {
          service,
          OR: indexes.map((index) => ({
            courtFileNumberIndex: index.value,
            indexKeyVersion: index.keyVersion,
          })),
        },
        select: { id: true, caseId: true, courtFileNumber: true },
        take: 2_000,
      });
      const opened = await openEach(
        fields,
        'accompaniments',
        { courtFileNumber: ACCOMPANIMENT_SEALED.courtFileNumber },
        rows.map((row) => ({ owner: caseOwner(service, row.caseId), row })),
        client,
      );
      return [
        ...new Set(
          rows
            .filter((_, i) => normaliseForIndex(opened[i]!.courtFileNumber ?? '') === wanted)
            .map((row) => row.caseId),
        ),
      ];
    },
  };
}

export function createClaimRepository(fields: FieldCrypto) {
  const caseOwner = (service: ServiceCode, caseId: string) => ownerOf(service, 'case', caseId);

  async function findMany(
    service: ServiceCode,
    caseId: string,
    id: string | undefined,
    client: DbClient,
  ): Promise<ClaimRecord[]> {
    const rows = await client.compensationClaim.findMany({
      where: { service, caseId, id },
      orderBy: { createdAt: 'desc' },
      take: CASE_RECORDS_LIMIT,
    });
    const owner = caseOwner(service, caseId);
    const opened = await openEach(
      fields,
      'compensation_claims',
      CLAIM_SEALED,
      rows.map((row) => ({ owner, row })),
      client,
    );
    return rows.map((row, i) => ({
      id: row.id,
      caseId: row.caseId,
      status: row.status,
      filedOn: fromOptionalDateColumn(row.filedOn),
      decidedOn: fromOptionalDateColumn(row.decidedOn),
      note: opened[i]!.note,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }));
  }

  return {
    async create(
      service: ServiceCode,
      caseId: string,
      input: ClaimFields & { createdById: string },
      client: DbClient,
    ): Promise<ClaimRecord> {
      const id = randomUUID();
      const sealed = await sealFields(
        fields,
        caseOwner(service, caseId),
        'compensation_claims',
        id,
        CLAIM_SEALED,
        { note: input.note },
        client,
      );
      const row = await client.compensationClaim.create({
        data: {
          id,
          service,
          caseId,
          status: input.status,
          filedOn: optionalDate(input.filedOn) ?? null,
          decidedOn: optionalDate(input.decidedOn) ?? null,
          note: sealed.note ?? null,
          createdById: input.createdById,
        },
        select: { createdAt: true, updatedAt: true },
      });
      const { status, filedOn, decidedOn, note } = input;
      return { id, caseId, status, filedOn, decidedOn, note, ...row };
    },

    list: (service: ServiceCode, caseId: string, client: DbClient) =>
      findMany(service, caseId, undefined, client),

    async find(
      service: ServiceCode,
      caseId: string,
      id: string,
      client: DbClient,
    ): Promise<ClaimRecord | null> {
      return (await findMany(service, caseId, id, client))[0] ?? null;
    },

    async update(
      service: ServiceCode,
      caseId: string,
      id: string,
      changes: Partial<ClaimFields>,
      client: DbClient,
    ): Promise<boolean> {
      const found = await client.compensationClaim.findFirst({
        where: { id, caseId, service },
        select: { id: true },
      });
      if (!found) return false;
      const sealed = await sealFields(
        fields,
        caseOwner(service, caseId),
        'compensation_claims',
        id,
        CLAIM_SEALED,
        { note: changes.note },
        client,
      );
      await client.compensationClaim.updateMany({
        where: { id, caseId, service },
        data: {
          status: changes.status,
          filedOn: optionalDate(changes.filedOn),
          decidedOn: optionalDate(changes.decidedOn),
          ...sealed,
        },
      });
      return true;
    },
  };
}

export function createReferralRepository(fields: FieldCrypto) {
  const caseOwner = (service: ServiceCode, caseId: string) => ownerOf(service, 'case', caseId);

  return {
    async create(
      service: ServiceCode,
      caseId: string,
      input: ReferralFields & { createdById: string },
      client: DbClient,
    ): Promise<ReferralRecord> {
      const id = randomUUID();
      const sealed = await sealFields(
        fields,
        caseOwner(service, caseId),
        'referrals',
        id,
        REFERRAL_SEALED,
        { details: input.details },
        client,
      );
      const row = await client.referral.create({
        data: {
          id,
          service,
          caseId,
          target: input.target,
          referredOn: toDateColumn(input.referredOn),
          consentForm: input.consentForm,
          consentOn: toDateColumn(input.consentOn),
          details: sealed.details ?? null,
          createdById: input.createdById,
        },
        select: { createdAt: true },
      });
      return { id, caseId, ...input, ...row };
    },

    async list(service: ServiceCode, caseId: string, client: DbClient): Promise<ReferralRecord[]> {
      const rows = await client.referral.findMany({
        where: { service, caseId },
        orderBy: [{ referredOn: 'desc' }, { createdAt: 'desc' }],
        take: CASE_RECORDS_LIMIT,
      });
      const owner = caseOwner(service, caseId);
      const opened = await openEach(
        fields,
        'referrals',
        REFERRAL_SEALED,
        rows.map((row) => ({ owner, row })),
        client,
      );
      return rows.map((row, i) => ({
        id: row.id,
        caseId: row.caseId,
        target: row.target,
        referredOn: fromDateColumn(row.referredOn),
        consentForm: row.consentForm,
        consentOn: fromDateColumn(row.consentOn),
        details: opened[i]!.details,
        createdById: row.createdById,
        createdAt: row.createdAt,
      }));
    },
  };
}

export type AccompanimentRepository = ReturnType<typeof createAccompanimentRepository>;
export type ClaimRepository = ReturnType<typeof createClaimRepository>;
export type ReferralRepository = ReturnType<typeof createReferralRepository>;

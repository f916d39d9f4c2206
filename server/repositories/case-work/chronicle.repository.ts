import { randomUUID } from 'node:crypto';
import type { DbClient } from '../../database/db-client.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type {
  ChronicleDatePrecision,
  ChroniclePlacePrecision,
  ConsentForm,
  District,
  IncidentMotive,
  OffenceType,
  ServiceCode,
} from '../../generated/prisma/enums.ts';
import type { FieldCrypto } from '../../keys/field-crypto.ts';
import {
  fromDateColumn,
  openEach,
  openFields,
  ownerOf,
  sealFields,
  toDateColumn,
  type SealedSpec,
} from './sealed-fields.ts';

const TABLE = 'chronicle_entries';
/** Sealed under the incident's data key: erasing the incident shreds them with it. */
const CHRONICLE_SEALED = {
  consentBy: { column: 'consent_by', as: 'string' },
  place: { column: 'place', as: 'string' },
  publicText: { column: 'public_text', as: 'string' },
} as const satisfies SealedSpec;

export interface ChronicleConsent {
  consentBy: string;
  consentForm: ConsentForm;
  consentOn: string;
  datePrecision: ChronicleDatePrecision;
  placePrecision: ChroniclePlacePrecision;
  /** The municipality, only when the person agreed to it (else the district alone). */
  place: string | null;
  publicText: string;
  reviewerId: string | null;
}

export interface ChronicleRecord extends ChronicleConsent {
  id: string;
  incidentId: string;
  /** The incident's monitoring categories, which the chronicle shows as they are. */
  incident: {
    occurredOn: string;
    offenceType: OffenceType;
    motives: IncidentMotive[];
    district: District;
  };
  authorId: string;
  approvedById: string | null;
  approvedAt: Date | null;
  withdrawnAt: Date | null;
  withdrawnById: string | null;
  publications: { buildId: string; builtAt: Date; destination: string }[];
  createdAt: Date;
  updatedAt: Date;
}

export type ChronicleState = 'pending' | 'approved' | 'withdrawn';

const COLUMNS = {
  id: true,
  incidentId: true,
  consentBy: true,
  consentForm: true,
  consentOn: true,
  datePrecision: true,
  placePrecision: true,
  place: true,
  publicText: true,
  reviewerId: true,
  authorId: true,
  approvedById: true,
  approvedAt: true,
  withdrawnAt: true,
  withdrawnById: true,
  createdAt: true,
  updatedAt: true,
  incident: { select: { occurredOn: true, offenceType: true, motives: true, district: true } },
  publications: {
    select: { buildId: true, builtAt: true, destination: true },
    orderBy: { builtAt: 'asc' },
  },
} as const satisfies Prisma.ChronicleEntrySelect;

type Row = Prisma.ChronicleEntryGetPayload<{ select: typeof COLUMNS }>;

function stateWhere(state: ChronicleState | undefined): Prisma.ChronicleEntryWhereInput {
  if (state === 'withdrawn') return { withdrawnAt: { not: null } };
  if (state === 'approved') return { withdrawnAt: null, approvedAt: { not: null } };
  if (state === 'pending') return { withdrawnAt: null, approvedAt: null };
  return {};
}

/**
 * BackUp's chronicle entries: consent, place and public text of an incident the affected
 * person agreed to make public. The texts stay sealed at rest until a build publishes them.
 */
export function createChronicleRepository(fields: FieldCrypto) {
  const owner = (service: ServiceCode, incidentId: string) =>
    ownerOf(service, 'incident', incidentId);

  function toRecord(
    row: Row,
    opened: { consentBy: string | null; place: string | null; publicText: string | null },
  ): ChronicleRecord {
    return {
      id: row.id,
      incidentId: row.incidentId,
      consentBy: opened.consentBy ?? '',
      consentForm: row.consentForm,
      consentOn: fromDateColumn(row.consentOn),
      datePrecision: row.datePrecision,
      placePrecision: row.placePrecision,
      place: opened.place,
      publicText: opened.publicText ?? '',
      reviewerId: row.reviewerId,
      incident: { ...row.incident, occurredOn: fromDateColumn(row.incident.occurredOn) },
      authorId: row.authorId,
      approvedById: row.approvedById,
      approvedAt: row.approvedAt,
      withdrawnAt: row.withdrawnAt,
      withdrawnById: row.withdrawnById,
      publications: row.publications,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  async function openRows(service: ServiceCode, rows: Row[], client: DbClient) {
    const opened = await openEach(
      fields,
      TABLE,
      CHRONICLE_SEALED,
      rows.map((row) => ({ owner: owner(service, row.incidentId), row })),
      client,
    );
    return rows.map((row, index) => toRecord(row, opened[index]!));
  }

  function seal(
    service: ServiceCode,
    incidentId: string,
    id: string,
    values: Partial<Pick<ChronicleConsent, 'consentBy' | 'place' | 'publicText'>>,
    client: DbClient,
  ) {
    return sealFields(
      fields,
      owner(service, incidentId),
      TABLE,
      id,
      CHRONICLE_SEALED,
      values,
      client,
    );
  }

  return {
    async create(
      service: ServiceCode,
      incidentId: string,
      input: ChronicleConsent & { authorId: string },
      client: DbClient,
    ): Promise<string> {
      const id = randomUUID();
      const sealed = await seal(service, incidentId, id, input, client);
      await client.chronicleEntry.create({
        data: {
          id,
          service,
          incidentId,
          consentBy: sealed.consentBy!,
          consentForm: input.consentForm,
          consentOn: toDateColumn(input.consentOn),
          datePrecision: input.datePrecision,
          placePrecision: input.placePrecision,
          place: sealed.place ?? null,
          publicText: sealed.publicText!,
          reviewerId: input.reviewerId,
          authorId: input.authorId,
        },
        select: { id: true },
      });
      return id;
    },

    /** A new consent or text: the author changes and any approval or withdrawal lapses. */
    async rewrite(
      service: ServiceCode,
      record: Pick<ChronicleRecord, 'id' | 'incidentId'>,
      input: ChronicleConsent & { authorId: string },
      client: DbClient,
    ): Promise<void> {
      const sealed = await seal(service, record.incidentId, record.id, input, client);
      await client.chronicleEntry.updateMany({
        where: { id: record.id, service },
        data: {
          consentBy: sealed.consentBy!,
          consentForm: input.consentForm,
          consentOn: toDateColumn(input.consentOn),
          datePrecision: input.datePrecision,
          placePrecision: input.placePrecision,
          place: sealed.place ?? null,
          publicText: sealed.publicText!,
          reviewerId: input.reviewerId,
          authorId: input.authorId,
          approvedById: null,
          approvedAt: null,
          withdrawnAt: null,
          withdrawnById: null,
        },
      });
    },

    async findById(
      service: ServiceCode,
      id: string,
      client: DbClient,
    ): Promise<ChronicleRecord | null> {
      const row = await client.chronicleEntry.findFirst({
        where: { id, service },
        select: COLUMNS,
      });
      if (!row) return null;
      const opened = await openFields(
        fields,
        owner(service, row.incidentId),
        TABLE,
        CHRONICLE_SEALED,
        row,
        client,
      );
      return toRecord(row, opened);
    },

    async findIdByIncident(
      service: ServiceCode,
      incidentId: string,
      client: DbClient,
    ): Promise<string | null> {
      const row = await client.chronicleEntry.findFirst({
        where: { incidentId, service },
        select: { id: true },
      });
      return row?.id ?? null;
    },

    /** Newest incidents first; at most 100 (a service's chronicle of a few years). */
    async list(
      service: ServiceCode,
      state: ChronicleState | undefined,
      client: DbClient,
    ): Promise<ChronicleRecord[]> {
      const rows = await client.chronicleEntry.findMany({
        where: { service, ...stateWhere(state) },
        orderBy: [{ incident: { occurredOn: 'desc' } }, { createdAt: 'desc' }],
        take: 100,
        select: COLUMNS,
      });
      return openRows(service, rows, client);
    },

    /** What a build publishes: approved and not withdrawn, every one of them. */
    async publishable(service: ServiceCode, client: DbClient): Promise<ChronicleRecord[]> {
      const rows = await client.chronicleEntry.findMany({
        where: { service, ...stateWhere('approved') },
        orderBy: [{ incident: { occurredOn: 'desc' } }, { createdAt: 'desc' }],
        select: COLUMNS,
      });
      return openRows(service, rows, client);
    },

    /** Approves the version last changed at `seen`, if it is still that one and undecided. */
    async approve(
      service: ServiceCode,
      entry: { id: string; seen: Date },
      by: string,
      at: Date,
      client: DbClient,
    ): Promise<boolean> {
      const updated = await client.chronicleEntry.updateMany({
        where: {
          id: entry.id,
          service,
          updatedAt: entry.seen,
          approvedAt: null,
          withdrawnAt: null,
        },
        data: { approvedById: by, approvedAt: at },
      });
      return updated.count === 1;
    },

    async withdraw(
      service: ServiceCode,
      id: string,
      by: string,
      at: Date,
      client: DbClient,
    ): Promise<void> {
      await client.chronicleEntry.updateMany({
        where: { id, service, withdrawnAt: null },
        data: { withdrawnById: by, withdrawnAt: at },
      });
    },

    async recordBuild(
      service: ServiceCode,
      build: { buildId: string; builtAt: Date; destination: string },
      entryIds: readonly string[],
      client: DbClient,
    ): Promise<void> {
      await client.chroniclePublication.createMany({
        data: entryIds.map((entryId) => ({ id: randomUUID(), service, entryId, ...build })),
      });
    },

    /**
     * Incidents of the service of one offence type in one district and one calendar month:
     * one alone may identify the person even without a name.
     */
    async countAlike(
      service: ServiceCode,
      incident: { offenceType: OffenceType; district: District; occurredOn: string },
      client: DbClient,
    ): Promise<number> {
      const month = incident.occurredOn.slice(0, 7);
      const first = toDateColumn(`${month}-01`);
      const next = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1));
      return client.incident.count({
        where: {
          service,
          offenceType: incident.offenceType,
          district: incident.district,
          occurredOn: { gte: first, lt: next },
        },
      });
    },
  };
}

export type ChronicleRepository = ReturnType<typeof createChronicleRepository>;

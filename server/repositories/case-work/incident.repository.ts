import { randomUUID } from 'node:crypto';
import type { DbClient } from '../../database/db-client.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type {
  District,
  IncidentMotive,
  IncidentSource,
  OffenceType,
  PoliceReport,
  ServiceCode,
} from '../../generated/prisma/enums.ts';
import type { FieldCrypto } from '../../keys/field-crypto.ts';
import {
  fromDateColumn,
  openFields,
  ownerOf,
  sealFields,
  toDateColumn,
  type Page,
  type SealedSpec,
} from './sealed-fields.ts';

const TABLE = 'incidents';
const INCIDENT_SEALED = {
  municipality: { column: 'municipality', as: 'string' },
  description: { column: 'description', as: 'string' },
} as const satisfies SealedSpec;

/** The VBRG monitoring categories: stored in clear for counting (SECURITY.md). */
export interface IncidentCategories {
  occurredOn: string;
  offenceType: OffenceType;
  motives: IncidentMotive[];
  district: District;
  affectedCount: number;
  affectedMinors: number;
  reportedToPolice: PoliceReport;
  source: IncidentSource;
}

export interface IncidentSummary extends IncidentCategories {
  id: string;
  /** The cases of the service this incident concerns. */
  cases: { id: string; caseNumber: string }[];
  createdAt: Date;
  updatedAt: Date;
}

export interface IncidentRecord extends IncidentSummary {
  municipality: string | null;
  description: string | null;
}

export interface IncidentFilter {
  from?: string;
  to?: string;
  offenceType?: OffenceType;
  district?: District;
}

const SUMMARY_COLUMNS = {
  id: true,
  occurredOn: true,
  offenceType: true,
  motives: true,
  district: true,
  affectedCount: true,
  affectedMinors: true,
  reportedToPolice: true,
  source: true,
  createdAt: true,
  updatedAt: true,
  cases: {
    select: { case: { select: { id: true, caseNumber: true } } },
    orderBy: { createdAt: 'asc' },
  },
} as const satisfies Prisma.IncidentSelect;

type SummaryRow = Prisma.IncidentGetPayload<{ select: typeof SUMMARY_COLUMNS }>;

function toSummary(row: SummaryRow): IncidentSummary {
  return {
    id: row.id,
    occurredOn: fromDateColumn(row.occurredOn),
    offenceType: row.offenceType,
    motives: row.motives,
    district: row.district,
    affectedCount: row.affectedCount,
    affectedMinors: row.affectedMinors,
    reportedToPolice: row.reportedToPolice,
    source: row.source,
    cases: row.cases.map((link) => link.case),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function categoryData(categories: Partial<IncidentCategories>) {
  return {
    occurredOn:
      categories.occurredOn === undefined ? undefined : toDateColumn(categories.occurredOn),
    offenceType: categories.offenceType,
    motives: categories.motives,
    district: categories.district,
    affectedCount: categories.affectedCount,
    affectedMinors: categories.affectedMinors,
    reportedToPolice: categories.reportedToPolice,
    source: categories.source,
  };
}

/**
 * BackUp's incidents, kept apart from cases and linked to them. The place and the narrative
 * are encrypted under the incident's own data key; the monitoring categories are not.
 */
export function createIncidentRepository(fields: FieldCrypto) {
  const owner = (service: ServiceCode, id: string) => ownerOf(service, 'incident', id);

  return {
    async create(
      service: ServiceCode,
      input: IncidentCategories & {
        municipality: string | null;
        description: string | null;
        createdById: string;
      },
      client: DbClient,
    ): Promise<string> {
      const id = randomUUID();
      const sealed = await sealFields(
        fields,
        owner(service, id),
        TABLE,
        id,
        INCIDENT_SEALED,
        { municipality: input.municipality, description: input.description },
        client,
      );
      await client.incident.create({
        data: {
          id,
          service,
          ...(categoryData(input) as IncidentCategories & { occurredOn: Date }),
          createdById: input.createdById,
          municipality: sealed.municipality ?? null,
          description: sealed.description ?? null,
        },
        select: { id: true },
      });
      return id;
    },

    /** The cases an incident of the service is linked to; null when there is no such incident. */
    async linkedCaseIds(
      service: ServiceCode,
      id: string,
      client: DbClient,
    ): Promise<string[] | null> {
      const row = await client.incident.findFirst({
        where: { id, service },
        select: { cases: { where: { service }, select: { caseId: true } } },
      });
      return row ? row.cases.map((link) => link.caseId) : null;
    },

    async findById(
      service: ServiceCode,
      id: string,
      client: DbClient,
    ): Promise<IncidentRecord | null> {
      const row = await client.incident.findFirst({
        where: { id, service },
        select: { ...SUMMARY_COLUMNS, municipality: true, description: true },
      });
      if (!row) return null;
      const opened = await openFields(
        fields,
        owner(service, id),
        TABLE,
        INCIDENT_SEALED,
        row,
        client,
      );
      return { ...toSummary(row), ...opened };
    },

    /** Lists need only the categories: nothing is decrypted. */
    async list(
      service: ServiceCode,
      filter: IncidentFilter,
      page: Page,
      client: DbClient,
    ): Promise<{ incidents: IncidentSummary[]; total: number }> {
      const where: Prisma.IncidentWhereInput = {
        service,
        occurredOn: {
          gte: filter.from === undefined ? undefined : toDateColumn(filter.from),
          lte: filter.to === undefined ? undefined : toDateColumn(filter.to),
        },
        offenceType: filter.offenceType,
        district: filter.district,
      };
      const rows = await client.incident.findMany({
        where,
        orderBy: [{ occurredOn: 'desc' }, { createdAt: 'desc' }],
        skip: page.offset,
        take: page.limit,
        select: SUMMARY_COLUMNS,
      });
      const total = await client.incident.count({ where });
      return { incidents: rows.map(toSummary), total };
    },

    async listForCase(
      service: ServiceCode,
      caseId: string,
      client: DbClient,
    ): Promise<IncidentSummary[]> {
      const rows = await client.incident.findMany({
        where: { service, cases: { some: { caseId } } },
        orderBy: [{ occurredOn: 'desc' }, { createdAt: 'desc' }],
        take: 500,
        select: SUMMARY_COLUMNS,
      });
      return rows.map(toSummary);
    },

    async update(
      service: ServiceCode,
      id: string,
      changes: Partial<IncidentCategories> & {
        municipality?: string | null;
        description?: string | null;
      },
      client: DbClient,
    ): Promise<void> {
      const sealed = await sealFields(
        fields,
        owner(service, id),
        TABLE,
        id,
        INCIDENT_SEALED,
        { municipality: changes.municipality, description: changes.description },
        client,
      );
      await client.incident.updateMany({
        where: { id, service },
        data: { ...categoryData(changes), ...sealed },
      });
    },

    /** False when the case and incident were linked already. */
    async link(
      service: ServiceCode,
      caseId: string,
      incidentId: string,
      client: DbClient,
    ): Promise<boolean> {
      const created = await client.caseIncident.createMany({
        data: [{ service, caseId, incidentId }],
        skipDuplicates: true,
      });
      return created.count === 1;
    },

    /** False when they were not linked. */
    async unlink(
      service: ServiceCode,
      caseId: string,
      incidentId: string,
      client: DbClient,
    ): Promise<boolean> {
      const removed = await client.caseIncident.deleteMany({
        where: { service, caseId, incidentId },
      });
      return removed.count === 1;
    },
  };
}

export type IncidentRepository = ReturnType<typeof createIncidentRepository>;

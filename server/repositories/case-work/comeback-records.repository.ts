import { randomUUID } from 'node:crypto';
import type { DbClient } from '../../database/db-client.ts';
import type {
  ExitPhase,
  HelpPlanArea,
  PreventionSetting,
  RiskDecision,
  RiskLevel,
  ServiceCode,
  TrainingAudience,
  TrainingFormat,
} from '../../generated/prisma/enums.ts';
import type { FieldCrypto } from '../../keys/field-crypto.ts';
import { CASE_RECORDS_LIMIT } from './backup-counselling-records.repository.ts';
import {
  fromDateColumn,
  openEach,
  ownerOf,
  sealFields,
  toDateColumn,
  type Page,
  type SealedSpec,
} from './sealed-fields.ts';

// ComeBack's records: the exit process of a case (phases, risk assessments), encrypted under
// the case's data key, and prevention contacts and trainings, which hold no personal data.

const PHASE_SEALED = { reason: { column: 'reason', as: 'string' } } as const satisfies SealedSpec;

export interface PhaseChangeRecord {
  id: string;
  caseId: string;
  phase: ExitPhase;
  changedOn: string;
  helpPlanAreas: HelpPlanArea[];
  reason: string | null;
  createdById: string;
  createdAt: Date;
}

const RISK_SEALED = {
  threatsToPerson: { column: 'threats_to_person', as: 'string' },
  threatsFromPerson: { column: 'threats_from_person', as: 'string' },
  safetyMeasures: { column: 'safety_measures', as: 'string' },
} as const satisfies SealedSpec;

export interface RiskAssessmentFields {
  assessedOn: string;
  level: RiskLevel;
  threatsToPerson: string | null;
  threatsFromPerson: string | null;
  safetyMeasures: string | null;
}

export interface RiskAssessmentRecord extends RiskAssessmentFields {
  id: string;
  caseId: string;
  previousLevel: RiskLevel | null;
  decision: RiskDecision;
  proposedById: string;
  decidedById: string | null;
  decidedAt: Date | null;
  createdAt: Date;
}

export function createExitPhaseRepository(fields: FieldCrypto) {
  return {
    async create(
      service: ServiceCode,
      caseId: string,
      input: Omit<PhaseChangeRecord, 'id' | 'caseId' | 'createdAt'>,
      client: DbClient,
    ): Promise<PhaseChangeRecord> {
      const id = randomUUID();
      const sealed = await sealFields(
        fields,
        ownerOf(service, 'case', caseId),
        'exit_phase_changes',
        id,
        PHASE_SEALED,
        { reason: input.reason },
        client,
      );
      const row = await client.exitPhaseChange.create({
        data: {
          id,
          service,
          caseId,
          phase: input.phase,
          changedOn: toDateColumn(input.changedOn),
          helpPlanAreas: input.helpPlanAreas,
          reason: sealed.reason ?? null,
          createdById: input.createdById,
        },
        select: { createdAt: true },
      });
      return { id, caseId, ...input, ...row };
    },

    /** Newest first. */
    async list(
      service: ServiceCode,
      caseId: string,
      client: DbClient,
    ): Promise<PhaseChangeRecord[]> {
      const rows = await client.exitPhaseChange.findMany({
        where: { service, caseId },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: CASE_RECORDS_LIMIT,
      });
      const owner = ownerOf(service, 'case', caseId);
      const opened = await openEach(
        fields,
        'exit_phase_changes',
        PHASE_SEALED,
        rows.map((row) => ({ owner, row })),
        client,
      );
      return rows.map((row, i) => ({
        id: row.id,
        caseId: row.caseId,
        phase: row.phase,
        changedOn: fromDateColumn(row.changedOn),
        helpPlanAreas: row.helpPlanAreas,
        reason: opened[i]!.reason,
        createdById: row.createdById,
        createdAt: row.createdAt,
      }));
    },
  };
}

export function createRiskAssessmentRepository(fields: FieldCrypto) {
  async function findMany(
    service: ServiceCode,
    caseId: string,
    id: string | undefined,
    client: DbClient,
  ): Promise<RiskAssessmentRecord[]> {
    const rows = await client.riskAssessment.findMany({
      where: { service, caseId, id },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: CASE_RECORDS_LIMIT,
    });
    const owner = ownerOf(service, 'case', caseId);
    const opened = await openEach(
      fields,
      'risk_assessments',
      RISK_SEALED,
      rows.map((row) => ({ owner, row })),
      client,
    );
    return rows.map((row, i) => ({
      id: row.id,
      caseId: row.caseId,
      assessedOn: fromDateColumn(row.assessedOn),
      level: row.level,
      previousLevel: row.previousLevel,
      decision: row.decision,
      ...opened[i]!,
      proposedById: row.proposedById,
      decidedById: row.decidedById,
      decidedAt: row.decidedAt,
      createdAt: row.createdAt,
    }));
  }

  return {
    /** Null when another change of the level is pending (one per case, a unique index). */
    async create(
      service: ServiceCode,
      caseId: string,
      input: RiskAssessmentFields & {
        previousLevel: RiskLevel | null;
        decision: RiskDecision;
        proposedById: string;
        decidedAt: Date | null;
      },
      client: DbClient,
    ): Promise<string | null> {
      const id = randomUUID();
      const sealed = await sealFields(
        fields,
        ownerOf(service, 'case', caseId),
        'risk_assessments',
        id,
        RISK_SEALED,
        {
          threatsToPerson: input.threatsToPerson,
          threatsFromPerson: input.threatsFromPerson,
          safetyMeasures: input.safetyMeasures,
        },
        client,
      );
      const created = await client.riskAssessment.createMany({
        data: {
          id,
          service,
          caseId,
          assessedOn: toDateColumn(input.assessedOn),
          level: input.level,
          previousLevel: input.previousLevel,
          decision: input.decision,
          threatsToPerson: sealed.threatsToPerson ?? null,
          threatsFromPerson: sealed.threatsFromPerson ?? null,
          safetyMeasures: sealed.safetyMeasures ?? null,
          pendingCaseId: input.decision === 'pending' ? caseId : null,
          proposedById: input.proposedById,
          decidedAt: input.decidedAt,
        },
        skipDuplicates: true,
      });
      return created.count === 1 ? id : null;
    },

    async hasPending(service: ServiceCode, caseId: string, client: DbClient): Promise<boolean> {
      const row = await client.riskAssessment.findFirst({
        where: { service, caseId, decision: 'pending' },
        select: { id: true },
      });
      return row !== null;
    },

    async findHeader(service: ServiceCode, caseId: string, id: string, client: DbClient) {
      return client.riskAssessment.findFirst({
        where: { id, caseId, service },
        select: { id: true, level: true, decision: true, proposedById: true },
      });
    },

    /** Decides a pending assessment once: false when it was decided meanwhile. */
    async decide(
      service: ServiceCode,
      caseId: string,
      id: string,
      decision: { decision: 'confirmed' | 'rejected'; decidedById: string; decidedAt: Date },
      client: DbClient,
    ): Promise<boolean> {
      const updated = await client.riskAssessment.updateMany({
        where: { id, caseId, service, decision: 'pending' },
        data: { ...decision, pendingCaseId: null },
      });
      return updated.count === 1;
    },

    /** Newest first. */
    list: (service: ServiceCode, caseId: string, client: DbClient) =>
      findMany(service, caseId, undefined, client),

    async find(
      service: ServiceCode,
      caseId: string,
      id: string,
      client: DbClient,
    ): Promise<RiskAssessmentRecord | null> {
      return (await findMany(service, caseId, id, client))[0] ?? null;
    },
  };
}

export interface PreventionContactRecord {
  id: string;
  heldOn: string;
  setting: PreventionSetting;
  participants: number;
  createdById: string;
  createdAt: Date;
}

export interface TrainingRecord {
  id: string;
  heldOn: string;
  format: TrainingFormat;
  audience: TrainingAudience;
  participants: number;
  createdById: string;
  createdAt: Date;
}

export interface EventPeriod {
  from?: string;
  to?: string;
}

const periodWhere = (period: EventPeriod) => ({
  heldOn: {
    gte: period.from === undefined ? undefined : toDateColumn(period.from),
    lte: period.to === undefined ? undefined : toDateColumn(period.to),
  },
});

/** Prevention contacts and multiplier trainings: counts and categories, nothing personal. */
export function createPreventionRepository() {
  return {
    async createContact(
      service: ServiceCode,
      input: Omit<PreventionContactRecord, 'id' | 'createdAt'>,
      client: DbClient,
    ): Promise<PreventionContactRecord> {
      const row = await client.preventionContact.create({
        data: { id: randomUUID(), service, ...input, heldOn: toDateColumn(input.heldOn) },
      });
      return { ...row, heldOn: fromDateColumn(row.heldOn) };
    },

    async listContacts(
      service: ServiceCode,
      period: EventPeriod,
      page: Page,
      client: DbClient,
    ): Promise<{ items: PreventionContactRecord[]; total: number }> {
      const where = { service, ...periodWhere(period) };
      const rows = await client.preventionContact.findMany({
        where,
        orderBy: [{ heldOn: 'desc' }, { createdAt: 'desc' }],
        skip: page.offset,
        take: page.limit,
      });
      const total = await client.preventionContact.count({ where });
      return {
        items: rows.map((row) => ({ ...row, heldOn: fromDateColumn(row.heldOn) })),
        total,
      };
    },

    async createTraining(
      service: ServiceCode,
      input: Omit<TrainingRecord, 'id' | 'createdAt'>,
      client: DbClient,
    ): Promise<TrainingRecord> {
      const row = await client.multiplierTraining.create({
        data: { id: randomUUID(), service, ...input, heldOn: toDateColumn(input.heldOn) },
      });
      return { ...row, heldOn: fromDateColumn(row.heldOn) };
    },

    async listTrainings(
      service: ServiceCode,
      period: EventPeriod,
      page: Page,
      client: DbClient,
    ): Promise<{ items: TrainingRecord[]; total: number }> {
      const where = { service, ...periodWhere(period) };
      const rows = await client.multiplierTraining.findMany({
        where,
        orderBy: [{ heldOn: 'desc' }, { createdAt: 'desc' }],
        skip: page.offset,
        take: page.limit,
      });
      const total = await client.multiplierTraining.count({ where });
      return {
        items: rows.map((row) => ({ ...row, heldOn: fromDateColumn(row.heldOn) })),
        total,
      };
    },
  };
}

export type ExitPhaseRepository = ReturnType<typeof createExitPhaseRepository>;
export type RiskAssessmentRepository = ReturnType<typeof createRiskAssessmentRepository>;
export type PreventionRepository = ReturnType<typeof createPreventionRepository>;

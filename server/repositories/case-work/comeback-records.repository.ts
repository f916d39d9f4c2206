import { randomUUID } from 'node:crypto';
import type { DbClient } from '../../database/db-client.ts';
import type {
  PreventionSetting,
  ServiceCode,
  TrainingAudience,
  TrainingFormat,
} from '../../generated/prisma/enums.ts';
import type { FieldCrypto } from '../../keys/field-crypto.ts';
import { createCaseRecordRepository } from '../case-records/record.repository.ts';
import { exitPhases } from '../../case-records/types/exit-phases.ts';
import { riskAssessments } from '../../case-records/types/risk-assessments.ts';
import { fromDateColumn, toDateColumn, type Page } from './sealed-fields.ts';

// ComeBack's records: the exit process of a case (phases, risk assessments), declared in
// server/case-records/types, and prevention contacts and trainings, which hold no personal data.

export type { PhaseChangeRecord } from '../../case-records/types/exit-phases.ts';
export type {
  RiskAssessmentFields,
  RiskAssessmentRecord,
} from '../../case-records/types/risk-assessments.ts';

export const createExitPhaseRepository = (fields: FieldCrypto) =>
  createCaseRecordRepository(fields, exitPhases.store);

export function createRiskAssessmentRepository(fields: FieldCrypto) {
  return {
    ...createCaseRecordRepository(fields, riskAssessments.store),

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

import type { DbClient } from '../../database/db-client.ts';
import { AppError } from '../../errors/app-error.ts';
import type { RiskDecision, RiskLevel } from '../../generated/prisma/enums.ts';
import type { RiskAssessmentModel } from '../../generated/prisma/models.ts';
import {
  fromDateColumn,
  toDateColumn,
  type SealedSpec,
} from '../../repositories/case-work/sealed-fields.ts';
import {
  AssessRiskBody,
  RiskAssessmentList,
  RiskAssessmentView,
} from '../../schemas/comeback.schema.ts';
import { addReason } from '../../services/cases/case-work-scope.ts';
import type { RecordTable } from '../../repositories/case-records/record.repository.ts';
import { defineRecordType, invalid } from '../record-type.ts';

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

type RiskInput = RiskAssessmentFields & {
  previousLevel: RiskLevel | null;
  decision: RiskDecision;
  proposedById: string;
  decidedAt: Date | null;
};

const sealed = {
  threatsToPerson: { column: 'threats_to_person', as: 'string' },
  threatsFromPerson: { column: 'threats_from_person', as: 'string' },
  safetyMeasures: { column: 'safety_measures', as: 'string' },
} as const satisfies SealedSpec;

type RiskRows = RecordTable<RiskAssessmentModel>;
export const riskRows = (client: DbClient) => client.riskAssessment as unknown as RiskRows;

const pending = () =>
  new AppError(
    'conflict',
    'A change of the risk level is waiting for confirmation: confirm or reject it first.',
    { reason: 'risk_change_pending' },
  );

/**
 * ComeBack's risk assessments. One that keeps the current level stands at once; one that
 * changes it waits (`pending`, one per case by a unique index) until a second counsellor
 * confirms or rejects it.
 */
export const riskAssessments = defineRecordType({
  service: 'comeback',
  what: 'Risk assessments',
  store: {
    table: 'risk_assessments',
    rows: riskRows,
    sealed,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    columns: (input: Partial<RiskInput>, caseId: string) => ({
      assessedOn: input.assessedOn === undefined ? undefined : toDateColumn(input.assessedOn),
      level: input.level,
      previousLevel: input.previousLevel,
      decision: input.decision,
      pendingCaseId:
        input.decision === undefined ? undefined : input.decision === 'pending' ? caseId : null,
      proposedById: input.proposedById,
      decidedAt: input.decidedAt,
    }),
    record: (row, opened): RiskAssessmentRecord => ({
      id: row.id,
      caseId: row.caseId,
      assessedOn: fromDateColumn(row.assessedOn),
      level: row.level,
      previousLevel: row.previousLevel,
      decision: row.decision,
      ...opened,
      proposedById: row.proposedById,
      decidedById: row.decidedById,
      decidedAt: row.decidedAt,
      createdAt: row.createdAt,
    }),
  },
  path: 'risk-assessments',
  tags: ['comeback'],
  audit: { list: 'risk.list', create: 'risk.assess' },
  fact: 'risk',
  schemas: { list: RiskAssessmentList, create: AssessRiskBody, view: RiskAssessmentView },
  summaries: {
    list: 'The confirmed risk level and all assessments, newest first',
    create: 'Assess the risk; a changed level stays pending until a second counsellor decides',
  },
  conflicts: true,
  notFound: 'No such risk assessment in this case.',
  staffIds: (record) => [record.proposedById, record.decidedById],
  view: (record, staff): RiskAssessmentView => ({
    id: record.id,
    assessedOn: record.assessedOn,
    level: record.level,
    previousLevel: record.previousLevel,
    decision: record.decision,
    threatsToPerson: record.threatsToPerson,
    threatsFromPerson: record.threatsFromPerson,
    safetyMeasures: record.safetyMeasures,
    proposedBy: staff(record.proposedById),
    decidedBy: record.decidedById === null ? null : staff(record.decidedById),
    decidedAt: record.decidedAt?.toISOString() ?? null,
    createdAt: record.createdAt.toISOString(),
  }),
  list: (assessments, header) => ({ currentLevel: header.riskLevel, assessments }),
  async input(body: AssessRiskBody, call): Promise<RiskInput> {
    const assessedOn = body.assessedOn ?? call.today;
    if (assessedOn > call.today) {
      throw invalid('assessedOn cannot be in the future.', 'date_in_future', {
        field: '/assessedOn',
      });
    }
    const waiting = await riskRows(call.client).findMany({
      where: { service: call.service, caseId: call.caseId, decision: 'pending' },
      select: { id: true },
      take: 1,
    });
    if (waiting.length > 0) throw pending();
    const unchanged = body.level === call.header.riskLevel;
    return {
      assessedOn,
      level: body.level,
      threatsToPerson: body.threatsToPerson ?? null,
      threatsFromPerson: body.threatsFromPerson ?? null,
      safetyMeasures: body.safetyMeasures ?? null,
      previousLevel: call.header.riskLevel,
      decision: unchanged ? 'confirmed' : 'pending',
      proposedById: call.actorId,
      decidedAt: unchanged ? call.now : null,
    };
  },
  checkUpdate: (_patch: never) => undefined,
  async afterCreate(record, call) {
    addReason(
      call.event,
      record.decision === 'pending' ? 'awaiting_confirmation' : 'level_unchanged',
    );
  },
  duplicate: () =>
    new AppError('conflict', 'Another change of the risk level was just proposed.', {
      reason: 'risk_change_pending',
    }),
});

import type { DbClient } from '../../database/db-client.ts';
import type { ExitPhase, HelpPlanArea } from '../../generated/prisma/enums.ts';
import type { ExitPhaseChangeModel } from '../../generated/prisma/models.ts';
import {
  fromDateColumn,
  toDateColumn,
  type SealedSpec,
} from '../../repositories/case-work/sealed-fields.ts';
import {
  ChangePhaseBody,
  ExitProcessView,
  PhaseChangeView,
} from '../../schemas/comeback.schema.ts';
import type { RecordTable } from '../../repositories/case-records/record.repository.ts';
import { defineRecordType, invalid } from '../record-type.ts';

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

type PhaseChangeInput = Omit<PhaseChangeRecord, 'id' | 'caseId' | 'createdAt'>;

const sealed = { reason: { column: 'reason', as: 'string' } } as const satisfies SealedSpec;
const ENDING_PHASES = new Set(['closing', 'breaking_off']);

/** ComeBack's exit process: the phase history of a case, append-only, newest first. */
export const exitPhases = defineRecordType({
  service: 'comeback',
  what: 'Exit phases',
  store: {
    table: 'exit_phase_changes',
    rows: (client: DbClient) =>
      client.exitPhaseChange as unknown as RecordTable<ExitPhaseChangeModel>,
    sealed,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    columns: (input: Partial<PhaseChangeInput>) => ({
      phase: input.phase,
      changedOn: input.changedOn === undefined ? undefined : toDateColumn(input.changedOn),
      helpPlanAreas: input.helpPlanAreas,
      createdById: input.createdById,
    }),
    record: (row, opened): PhaseChangeRecord => ({
      id: row.id,
      caseId: row.caseId,
      phase: row.phase,
      changedOn: fromDateColumn(row.changedOn),
      helpPlanAreas: row.helpPlanAreas,
      reason: opened.reason,
      createdById: row.createdById,
      createdAt: row.createdAt,
    }),
  },
  path: 'exit-phases',
  tags: ['comeback'],
  audit: { list: 'exit_phase.list', create: 'exit_phase.change' },
  fact: 'exit_phase',
  schemas: { list: ExitProcessView, create: ChangePhaseBody, view: PhaseChangeView },
  summaries: {
    list: 'The current exit phase and its history, newest first',
    create: 'Move the case to a phase (closing and breaking_off need a reason)',
  },
  notFound: 'No such phase change in this case.',
  staffIds: (record) => [record.createdById],
  view: (change, staff): PhaseChangeView => ({
    id: change.id,
    phase: change.phase,
    changedOn: change.changedOn,
    helpPlanAreas: change.helpPlanAreas,
    reason: change.reason,
    createdBy: staff(change.createdById),
    createdAt: change.createdAt.toISOString(),
  }),
  list: (history, header): ExitProcessView => ({ currentPhase: header.exitPhase!, history }),
  // Closing and breaking off need a reason; help plan areas belong to the help plan.
  input: (body: ChangePhaseBody, call): PhaseChangeInput => {
    if (ENDING_PHASES.has(body.phase) && !body.reason) {
      throw invalid(`The phase ${body.phase} needs a reason.`, 'reason_required', {
        field: '/reason',
      });
    }
    const helpPlanAreas = body.helpPlanAreas ?? [];
    if (helpPlanAreas.length > 0 && body.phase !== 'help_plan') {
      throw invalid('helpPlanAreas belong to the help_plan phase.', 'only_for_phase', {
        field: '/helpPlanAreas',
      });
    }
    const changedOn = body.changedOn ?? call.today;
    if (changedOn > call.today) {
      throw invalid('changedOn cannot be in the future.', 'date_in_future', {
        field: '/changedOn',
      });
    }
    if (changedOn < call.header.openedOn) {
      throw invalid('changedOn cannot be before openedOn.', 'date_order', {
        field: '/changedOn',
        other: 'openedOn',
      });
    }
    const reason = body.reason ?? null;
    return { phase: body.phase, changedOn, helpPlanAreas, reason, createdById: call.actorId };
  },
  checkUpdate: (_patch: never) => undefined,
  // The case shows its current phase, and its statistics fact counts it.
  async afterCreate(change, call) {
    await call.updateCase({ exitPhase: change.phase });
    await call.recordFact('case', call.caseId);
  },
});

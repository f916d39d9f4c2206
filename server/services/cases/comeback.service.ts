import type { DbClient } from '../../database/db-client.ts';
import { AppError, type ErrorParams, type ErrorReason } from '../../errors/app-error.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type { CaseRepository } from '../../repositories/case-work/case.repository.ts';
import type {
  ExitPhaseRepository,
  PreventionRepository,
  RiskAssessmentRecord,
  RiskAssessmentRepository,
} from '../../repositories/case-work/comeback-records.repository.ts';
import type { StaffRepository } from '../../repositories/case-work/staff.repository.ts';
import type { StatsFactRecorder } from '../../repositories/stats/stats-facts.repository.ts';
import type {
  AssessRiskBody,
  ChangePhaseBody,
  EventListQuery,
  ExitProcessView,
  PhaseChangeView,
  PreventionContactView,
  RiskAssessmentView,
  TrainingView,
} from '../../schemas/comeback.schema.ts';
import type { RequestContext } from '../actor.ts';
import {
  berlinDay,
  missing,
  requireDayBetween,
  requireService,
  type CaseWorkEvent,
  type CaseWorkScope,
  addReason,
  yearsBefore,
} from './case-work-scope.ts';

const invalid = (message: string, reason: ErrorReason, params?: ErrorParams) =>
  new AppError('invalid_request', message, { reason, ...(params ? { params } : {}) });
const HELD_ON_YEARS_BACK = 2;
const ENDING_PHASES = new Set(['closing', 'breaking_off']);

/**
 * ComeBack's case work: the exit process (phase history, risk assessments whose changes of
 * level need a second counsellor) and prevention work without personal data.
 */
export function createComebackService(deps: {
  scope: CaseWorkScope;
  cases: CaseRepository;
  exitPhases: ExitPhaseRepository;
  risks: RiskAssessmentRepository;
  prevention: PreventionRepository;
  staff: StaffRepository;
  facts: StatsFactRecorder;
}) {
  const { scope, cases, exitPhases, risks, prevention, staff, facts } = deps;
  const today = () => berlinDay(scope.clock.now());
  // Prevention work and trainings feed the yearly statistics: recorded afterwards, and late
  // at most for the previous year's report.
  const requireHeldOn = (heldOn: string) =>
    requireDayBetween(heldOn, 'heldOn', yearsBefore(today(), HELD_ON_YEARS_BACK), today());

  async function comebackCase(
    context: RequestContext,
    service: ServiceCode,
    caseId: string,
    what: string,
    client: DbClient,
    event: CaseWorkEvent,
  ) {
    const header = await scope.openCase(context, service, caseId, client, event);
    requireService(service, 'comeback', what);
    return header;
  }

  async function staffNames(ids: (string | null)[], client: DbClient) {
    const names = await staff.usernames(
      ids.filter((id): id is string => id !== null),
      client,
    );
    return (id: string) => ({ id, username: names.get(id) ?? '' });
  }

  async function riskViews(
    records: RiskAssessmentRecord[],
    client: DbClient,
  ): Promise<RiskAssessmentView[]> {
    const ref = await staffNames(
      records.flatMap((record) => [record.proposedById, record.decidedById]),
      client,
    );
    return records.map((record) => ({
      id: record.id,
      assessedOn: record.assessedOn,
      level: record.level,
      previousLevel: record.previousLevel,
      decision: record.decision,
      threatsToPerson: record.threatsToPerson,
      threatsFromPerson: record.threatsFromPerson,
      safetyMeasures: record.safetyMeasures,
      proposedBy: ref(record.proposedById),
      decidedBy: record.decidedById === null ? null : ref(record.decidedById),
      decidedAt: record.decidedAt?.toISOString() ?? null,
      createdAt: record.createdAt.toISOString(),
    }));
  }

  async function oneRisk(service: ServiceCode, caseId: string, id: string, client: DbClient) {
    return (await riskViews([(await risks.find(service, caseId, id, client))!], client))[0]!;
  }

  return {
    exitProcess(context: RequestContext, caseId: string): Promise<ExitProcessView> {
      return scope.run(
        context,
        { action: 'exit_phase.list', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          const header = await comebackCase(context, service, caseId, 'Exit phases', client, event);
          const history = await exitPhases.list(service, caseId, client);
          const ref = await staffNames(
            history.map((change) => change.createdById),
            client,
          );
          return {
            currentPhase: header.exitPhase!,
            history: history.map((change): PhaseChangeView => ({
              id: change.id,
              phase: change.phase,
              changedOn: change.changedOn,
              helpPlanAreas: change.helpPlanAreas,
              reason: change.reason,
              createdBy: ref(change.createdById),
              createdAt: change.createdAt.toISOString(),
            })),
          };
        },
      );
    },

    /** Moves the case to a phase; closing and breaking off need a reason. Append-only. */
    changePhase(
      context: RequestContext,
      caseId: string,
      input: ChangePhaseBody,
    ): Promise<PhaseChangeView> {
      return scope.run(
        context,
        { action: 'exit_phase.change', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          const header = await comebackCase(context, service, caseId, 'Exit phases', client, event);
          if (ENDING_PHASES.has(input.phase) && !input.reason) {
            throw invalid(`The phase ${input.phase} needs a reason.`, 'reason_required', {
              field: '/reason',
            });
          }
          const helpPlanAreas = input.helpPlanAreas ?? [];
          if (helpPlanAreas.length > 0 && input.phase !== 'help_plan') {
            throw invalid('helpPlanAreas belong to the help_plan phase.', 'only_for_phase', {
              field: '/helpPlanAreas',
            });
          }
          const changedOn = input.changedOn ?? today();
          if (changedOn > today()) {
            throw invalid('changedOn cannot be in the future.', 'date_in_future', {
              field: '/changedOn',
            });
          }
          if (changedOn < header.openedOn) {
            throw invalid('changedOn cannot be before openedOn.', 'date_order', {
              field: '/changedOn',
              other: 'openedOn',
            });
          }
          const createdById = context.actor!.userId;
          const created = await exitPhases.create(
            service,
            caseId,
            {
              phase: input.phase,
              changedOn,
              helpPlanAreas,
              reason: input.reason ?? null,
              createdById,
            },
            client,
          );
          await cases.update(service, caseId, { exitPhase: input.phase }, client);
          await facts.record(service, 'exit_phase', created.id, client);
          await facts.record(service, 'case', caseId, client);
          return {
            id: created.id,
            phase: created.phase,
            changedOn: created.changedOn,
            helpPlanAreas: created.helpPlanAreas,
            reason: created.reason,
            createdBy: { id: createdById, username: context.actor!.username },
            createdAt: created.createdAt.toISOString(),
          };
        },
      );
    },

    riskAssessments(context: RequestContext, caseId: string) {
      return scope.run(
        context,
        { action: 'risk.list', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          const header = await comebackCase(
            context,
            service,
            caseId,
            'Risk assessments',
            client,
            event,
          );
          const records = await risks.list(service, caseId, client);
          return { currentLevel: header.riskLevel, assessments: await riskViews(records, client) };
        },
      );
    },

    /**
     * Records an assessment. One that keeps the current level stands at once; one that changes
     * it waits (`pending`) until a second counsellor confirms or rejects it.
     */
    assessRisk(
      context: RequestContext,
      caseId: string,
      input: AssessRiskBody,
    ): Promise<RiskAssessmentView> {
      return scope.run(
        context,
        { action: 'risk.assess', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          const header = await comebackCase(
            context,
            service,
            caseId,
            'Risk assessments',
            client,
            event,
          );
          const assessedOn = input.assessedOn ?? today();
          if (assessedOn > today()) {
            throw invalid('assessedOn cannot be in the future.', 'date_in_future', {
              field: '/assessedOn',
            });
          }
          if (await risks.hasPending(service, caseId, client)) {
            throw new AppError(
              'conflict',
              'A change of the risk level is waiting for confirmation: confirm or reject it first.',
              { reason: 'risk_change_pending' },
            );
          }
          const unchanged = input.level === header.riskLevel;
          const id = await risks.create(
            service,
            caseId,
            {
              assessedOn,
              level: input.level,
              threatsToPerson: input.threatsToPerson ?? null,
              threatsFromPerson: input.threatsFromPerson ?? null,
              safetyMeasures: input.safetyMeasures ?? null,
              previousLevel: header.riskLevel,
              decision: unchanged ? 'confirmed' : 'pending',
              proposedById: context.actor!.userId,
              decidedAt: unchanged ? scope.clock.now() : null,
            },
            client,
          );
          if (id === null) {
            throw new AppError('conflict', 'Another change of the risk level was just proposed.', {
              reason: 'risk_change_pending',
            });
          }
          await facts.record(service, 'risk', id, client);
          addReason(event, unchanged ? 'level_unchanged' : 'awaiting_confirmation');
          return oneRisk(service, caseId, id, client);
        },
      );
    },

    /** The second pair of eyes: someone other than the proposer confirms or rejects. */
    decideRisk(
      context: RequestContext,
      caseId: string,
      assessmentId: string,
      decision: 'confirmed' | 'rejected',
    ): Promise<RiskAssessmentView> {
      return scope.run(
        context,
        {
          action: decision === 'confirmed' ? 'risk.confirm' : 'risk.reject',
          targetType: 'case',
          targetId: caseId,
        },
        async (client, service, event) => {
          await comebackCase(context, service, caseId, 'Risk assessments', client, event);
          const assessment =
            (await risks.findHeader(service, caseId, assessmentId, client)) ??
            missing('No such risk assessment in this case.');
          if (assessment.decision !== 'pending') {
            throw new AppError('conflict', 'This risk assessment has been decided already.', {
              reason: 'already_decided',
            });
          }
          if (assessment.proposedById === context.actor!.userId) {
            throw new AppError(
              'four_eyes_required',
              'A second counsellor must confirm or reject a change you proposed.',
            );
          }
          const decided = await risks.decide(
            service,
            caseId,
            assessmentId,
            { decision, decidedById: context.actor!.userId, decidedAt: scope.clock.now() },
            client,
          );
          if (!decided) {
            throw new AppError('conflict', 'This risk assessment was just decided.', {
              reason: 'already_decided',
            });
          }
          await facts.record(service, 'risk', assessmentId, client);
          if (decision === 'confirmed') {
            await cases.update(service, caseId, { riskLevel: assessment.level }, client);
          }
          return oneRisk(service, caseId, assessmentId, client);
        },
      );
    },

    preventionContacts(context: RequestContext, query: EventListQuery) {
      const { limit, offset, ...period } = query;
      return scope.run(
        context,
        { action: 'prevention.list', targetType: 'prevention_contact' },
        async (client, service) => {
          requireService(service, 'comeback', 'Prevention contacts');
          const found = await prevention.listContacts(service, period, { limit, offset }, client);
          const ref = await staffNames(
            found.items.map((item) => item.createdById),
            client,
          );
          return {
            contacts: found.items.map((item): PreventionContactView => ({
              id: item.id,
              heldOn: item.heldOn,
              setting: item.setting,
              participants: item.participants,
              createdBy: ref(item.createdById),
              createdAt: item.createdAt.toISOString(),
            })),
            total: found.total,
            limit,
            offset,
          };
        },
      );
    },

    createPreventionContact(
      context: RequestContext,
      input: Pick<PreventionContactView, 'heldOn' | 'setting' | 'participants'>,
    ): Promise<PreventionContactView> {
      return scope.run(
        context,
        { action: 'prevention.create', targetType: 'prevention_contact' },
        async (client, service, event) => {
          requireService(service, 'comeback', 'Prevention contacts');
          requireHeldOn(input.heldOn);
          const item = await prevention.createContact(
            service,
            { ...input, createdById: context.actor!.userId },
            client,
          );
          await facts.record(service, 'prevention', item.id, client);
          event.targetId = item.id;
          return {
            id: item.id,
            heldOn: item.heldOn,
            setting: item.setting,
            participants: item.participants,
            createdBy: { id: context.actor!.userId, username: context.actor!.username },
            createdAt: item.createdAt.toISOString(),
          };
        },
      );
    },

    trainings(context: RequestContext, query: EventListQuery) {
      const { limit, offset, ...period } = query;
      return scope.run(
        context,
        { action: 'training.list', targetType: 'training' },
        async (client, service) => {
          requireService(service, 'comeback', 'Multiplier trainings');
          const found = await prevention.listTrainings(service, period, { limit, offset }, client);
          const ref = await staffNames(
            found.items.map((item) => item.createdById),
            client,
          );
          return {
            trainings: found.items.map((item): TrainingView => ({
              id: item.id,
              heldOn: item.heldOn,
              format: item.format,
              audience: item.audience,
              participants: item.participants,
              createdBy: ref(item.createdById),
              createdAt: item.createdAt.toISOString(),
            })),
            total: found.total,
            limit,
            offset,
          };
        },
      );
    },

    createTraining(
      context: RequestContext,
      input: Pick<TrainingView, 'heldOn' | 'format' | 'audience' | 'participants'>,
    ): Promise<TrainingView> {
      return scope.run(
        context,
        { action: 'training.create', targetType: 'training' },
        async (client, service, event) => {
          requireService(service, 'comeback', 'Multiplier trainings');
          requireHeldOn(input.heldOn);
          const item = await prevention.createTraining(
            service,
            { ...input, createdById: context.actor!.userId },
            client,
          );
          await facts.record(service, 'training', item.id, client);
          event.targetId = item.id;
          return {
            id: item.id,
            heldOn: item.heldOn,
            format: item.format,
            audience: item.audience,
            participants: item.participants,
            createdBy: { id: context.actor!.userId, username: context.actor!.username },
            createdAt: item.createdAt.toISOString(),
          };
        },
      );
    },
  };
}

export type ComebackService = ReturnType<typeof createComebackService>;

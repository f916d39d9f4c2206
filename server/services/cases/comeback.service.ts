import type { DbClient } from '../../database/db-client.ts';
import { AppError } from '../../errors/app-error.ts';
import type { CaseRepository } from '../../repositories/case-work/case.repository.ts';
import type {
  ExitPhaseRepository,
  PreventionRepository,
  RiskAssessmentRepository,
} from '../../repositories/case-work/comeback-records.repository.ts';
import type { StaffRepository } from '../../repositories/case-work/staff.repository.ts';
import type { StatsFactRecorder } from '../../repositories/stats/stats-facts.repository.ts';
import type {
  EventListQuery,
  PreventionContactView,
  RiskAssessmentView,
  TrainingView,
} from '../../schemas/comeback.schema.ts';
import type { RequestContext } from '../actor.ts';
import { caseRecordAccess, createCaseRecordService } from '../../case-records/record.service.ts';
import { exitPhases } from '../../case-records/types/exit-phases.ts';
import { riskAssessments } from '../../case-records/types/risk-assessments.ts';
import {
  berlinDay,
  missing,
  requireDayBetween,
  requireService,
  type CaseWorkScope,
  yearsBefore,
} from './case-work-scope.ts';

const HELD_ON_YEARS_BACK = 2;

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
  const { scope, cases, risks, prevention, staff, facts } = deps;
  const inCase = caseRecordAccess(scope);
  const exitPhaseRecords = createCaseRecordService(
    { scope, staff, facts, cases },
    exitPhases,
    deps.exitPhases,
  );
  const riskRecords = createCaseRecordService({ scope, staff, facts }, riskAssessments, risks);
  const today = () => berlinDay(scope.clock.now());
  // Prevention work and trainings feed the yearly statistics: recorded afterwards, and late
  // at most for the previous year's report.
  const requireHeldOn = (heldOn: string) =>
    requireDayBetween(heldOn, 'heldOn', yearsBefore(today(), HELD_ON_YEARS_BACK), today());

  async function staffNames(ids: (string | null)[], client: DbClient) {
    const names = await staff.usernames(
      ids.filter((id): id is string => id !== null),
      client,
    );
    return (id: string) => ({ id, username: names.get(id) ?? '' });
  }

  return {
    /** The exit phases and risk assessments: the generic path of case records. */
    records: { exitPhases: exitPhaseRecords, riskAssessments: riskRecords },

    /** The second pair of eyes: someone other than the proposer confirms or rejects. */
    decideRisk(
      context: RequestContext,
      caseId: string,
      assessmentId: string,
      decision: 'confirmed' | 'rejected',
    ): Promise<RiskAssessmentView> {
      const action = decision === 'confirmed' ? 'risk.confirm' : 'risk.reject';
      return inCase(riskAssessments, context, caseId, action, async ({ service, client }) => {
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
        return riskRecords.viewOne(context, service, caseId, assessmentId, client);
      });
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

import type { DbClient } from '../../database/db-client.ts';
import { AppError } from '../../errors/app-error.ts';
import type { CaseRepository } from '../../repositories/case-work/case.repository.ts';
import type {
  EventPeriod,
  ExitPhaseRepository,
  PreventionRepository,
  RiskAssessmentRepository,
} from '../../repositories/case-work/comeback-records.repository.ts';
import type { StaffRepository } from '../../repositories/case-work/staff.repository.ts';
import type {
  FactSubject,
  StatsFactRecorder,
} from '../../repositories/stats/stats-facts.repository.ts';
import type { Page } from '../../repositories/case-work/sealed-fields.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type { AuditAction } from '../../schemas/audit-actions.ts';
import type { StaffRef } from '../../schemas/case-work.schema.ts';
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

  /** What prevention contacts and trainings share: counts by day, nothing personal. */
  interface PreventionEvent {
    id: string;
    heldOn: string;
    participants: number;
    createdById: string;
    createdAt: Date;
  }
  const eventView = (item: PreventionEvent, ref: (id: string) => StaffRef) => ({
    id: item.id,
    heldOn: item.heldOn,
    participants: item.participants,
    createdBy: ref(item.createdById),
    createdAt: item.createdAt.toISOString(),
  });
  interface EventKind {
    action: AuditAction;
    targetType: string;
    what: string;
  }

  function listEvents<T extends PreventionEvent>(
    context: RequestContext,
    query: EventListQuery,
    list: (
      service: ServiceCode,
      period: EventPeriod,
      page: Page,
      client: DbClient,
    ) => Promise<{ items: T[]; total: number }>,
    kind: EventKind,
  ) {
    const { limit, offset, ...period } = query;
    return scope.run(
      context,
      { action: kind.action, targetType: kind.targetType },
      async (client, service) => {
        requireService(service, 'comeback', kind.what);
        const found = await list(service, period, { limit, offset }, client);
        const ref = await staffNames(
          found.items.map((item) => item.createdById),
          client,
        );
        const items = found.items.map((item) => ({ base: eventView(item, ref), item }));
        return { items, total: found.total, limit, offset };
      },
    );
  }

  function createEvent<I extends { heldOn: string }, T extends PreventionEvent>(
    context: RequestContext,
    input: I,
    create: (
      service: ServiceCode,
      input: I & { createdById: string },
      client: DbClient,
    ) => Promise<T>,
    kind: EventKind & { fact: FactSubject },
  ) {
    return scope.run(
      context,
      { action: kind.action, targetType: kind.targetType },
      async (client, service, event) => {
        requireService(service, 'comeback', kind.what);
        requireHeldOn(input.heldOn);
        const actor = context.actor!;
        const item = await create(service, { ...input, createdById: actor.userId }, client);
        await facts.record(service, kind.fact, item.id, client);
        event.targetId = item.id;
        return { base: eventView(item, (id) => ({ id, username: actor.username })), item };
      },
    );
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
      return listEvents(context, query, prevention.listContacts, {
        action: 'prevention.list',
        targetType: 'prevention_contact',
        what: 'Prevention contacts',
      }).then(({ items, ...page }) => ({
        contacts: items.map(({ base, item }): PreventionContactView => ({
          ...base,
          setting: item.setting,
        })),
        ...page,
      }));
    },

    async createPreventionContact(
      context: RequestContext,
      input: Pick<PreventionContactView, 'heldOn' | 'setting' | 'participants'>,
    ): Promise<PreventionContactView> {
      const { base, item } = await createEvent(context, input, prevention.createContact, {
        action: 'prevention.create',
        targetType: 'prevention_contact',
        what: 'Prevention contacts',
        fact: 'prevention',
      });
      return { ...base, setting: item.setting };
    },

    trainings(context: RequestContext, query: EventListQuery) {
      return listEvents(context, query, prevention.listTrainings, {
        action: 'training.list',
        targetType: 'training',
        what: 'Multiplier trainings',
      }).then(({ items, ...page }) => ({
        trainings: items.map(({ base, item }): TrainingView => ({
          ...base,
          format: item.format,
          audience: item.audience,
        })),
        ...page,
      }));
    },

    async createTraining(
      context: RequestContext,
      input: Pick<TrainingView, 'heldOn' | 'format' | 'audience' | 'participants'>,
    ): Promise<TrainingView> {
      const { base, item } = await createEvent(context, input, prevention.createTraining, {
        action: 'training.create',
        targetType: 'training',
        what: 'Multiplier trainings',
        fact: 'training',
      });
      return { ...base, format: item.format, audience: item.audience };
    },
  };
}

export type ComebackService = ReturnType<typeof createComebackService>;

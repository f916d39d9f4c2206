import type { DbClient } from '../../database/db-client.ts';
import { AppError } from '../../errors/app-error.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type {
  AccompanimentRepository,
  ClaimRepository,
} from '../../repositories/case-work/backup-counselling-records.repository.ts';
import type {
  FollowUpRecord,
  FollowUpRepository,
} from '../../repositories/case-work/follow-up.repository.ts';
import type { StaffRepository } from '../../repositories/case-work/staff.repository.ts';
import type {
  CreateFollowUpBody,
  FollowUpSuggestion,
  FollowUpView,
  UpdateFollowUpBody,
} from '../../schemas/follow-ups.schema.ts';
import type { RequestContext } from '../actor.ts';
import { berlinDay, daysBefore, missing, type CaseWorkScope } from './case-work-scope.ts';

/** `YYYY-MM-DD` plus whole months; a day the month lacks is its last day (§ 188 Abs. 3 BGB). */
export function monthsAfter(day: string, months: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth, 0)).getUTCDate();
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(targetYear, 4)}-${pad(targetMonth)}-${pad(Math.min(date, lastDay))}`;
}

/** How a follow-up is answered (also in the Art. 15 export); `ref` names the staff. */
export function followUpView(
  record: FollowUpRecord,
  ref: (id: string) => { id: string; username: string },
): FollowUpView {
  return {
    id: record.id,
    caseId: record.caseId,
    dueOn: record.dueOn,
    body: record.body,
    assignee: ref(record.assigneeId),
    done: record.doneAt !== null,
    doneAt: record.doneAt?.toISOString() ?? null,
    doneBy: record.doneById ? ref(record.doneById) : null,
    createdBy: ref(record.createdById),
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** Claim decisions an objection can follow (Widerspruch within a month of the notice). */
const APPEALABLE = new Set(['rejected', 'partially_granted']);
/** Days before a court hearing that its preparation is due. */
const COURT_PREPARATION_DAYS = 7;

/**
 * Follow-ups with deadlines (Wiedervorlage) of a case, under the same access rule as every
 * other record of a case: a colleague's case needs a reason, another service's answers 404.
 */
export function createFollowUpService(deps: {
  scope: CaseWorkScope;
  followUps: FollowUpRepository;
  claims: ClaimRepository;
  accompaniments: AccompanimentRepository;
  staff: StaffRepository;
}) {
  const { scope, followUps, staff } = deps;

  async function views(records: FollowUpRecord[], client: DbClient): Promise<FollowUpView[]> {
    const names = await staff.usernames(
      records.flatMap((r) => [r.assigneeId, r.createdById, ...(r.doneById ? [r.doneById] : [])]),
      client,
    );
    const ref = (id: string) => ({ id, username: names.get(id) ?? '' });
    return records.map((record) => followUpView(record, ref));
  }

  async function requireAssignee(service: ServiceCode, id: string, client: DbClient) {
    if (!(await staff.findCounsellor(service, id, client))) {
      throw new AppError(
        'invalid_request',
        'The follow-up must be assigned to an active counsellor of your service.',
        { reason: 'not_an_active_counsellor', params: { field: '/assigneeId' } },
      );
    }
  }

  /** Typical deadlines from the case's records that no follow-up is due on yet. */
  async function suggestions(
    service: ServiceCode,
    caseId: string,
    existing: FollowUpRecord[],
    client: DbClient,
  ): Promise<FollowUpSuggestion[]> {
    if (service !== 'backup') return [];
    const today = berlinDay(scope.clock.now());
    const taken = new Set(existing.map((record) => record.dueOn));
    const found: FollowUpSuggestion[] = [];
    for (const claim of await deps.claims.list(service, caseId, client)) {
      if (claim.decidedOn && APPEALABLE.has(claim.status)) {
        found.push({
          kind: 'claim_appeal',
          dueOn: monthsAfter(claim.decidedOn, 1),
          sourceId: claim.id,
        });
      }
    }
    for (const hearing of await deps.accompaniments.list(service, caseId, client)) {
      if (hearing.kind === 'court_hearing') {
        found.push({
          kind: 'court_preparation',
          dueOn: daysBefore(hearing.takesPlaceOn, COURT_PREPARATION_DAYS),
          sourceId: hearing.id,
        });
      }
    }
    return found
      .filter((suggestion) => suggestion.dueOn >= today && !taken.has(suggestion.dueOn))
      .sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  }

  return {
    async list(context: RequestContext, caseId: string) {
      return scope.run(
        context,
        { action: 'follow_up.list', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await scope.openCase(context, service, caseId, client, event);
          const records = await followUps.list(service, caseId, client);
          return {
            followUps: await views(records, client),
            suggestions: await suggestions(service, caseId, records, client),
          };
        },
      );
    },

    async create(
      context: RequestContext,
      caseId: string,
      input: CreateFollowUpBody,
    ): Promise<FollowUpView> {
      return scope.run(
        context,
        { action: 'follow_up.create', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await scope.openCase(context, service, caseId, client, event);
          const assigneeId = input.assigneeId ?? context.actor!.userId;
          await requireAssignee(service, assigneeId, client);
          const record = await followUps.create(
            service,
            caseId,
            { ...input, assigneeId, createdById: context.actor!.userId },
            client,
          );
          return (await views([record], client))[0]!;
        },
      );
    },

    async update(
      context: RequestContext,
      caseId: string,
      followUpId: string,
      input: UpdateFollowUpBody,
    ): Promise<FollowUpView> {
      return scope.run(
        context,
        { action: 'follow_up.update', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await scope.openCase(context, service, caseId, client, event);
          const current =
            (await followUps.find(service, caseId, followUpId, client)) ??
            missing('No such follow-up in this case.');
          if (input.assigneeId !== undefined) {
            await requireAssignee(service, input.assigneeId, client);
          }
          const { done, ...change } = input;
          // Marking done again keeps who did it first; only a change of state is recorded.
          const doneChange =
            done === undefined || done === (current.doneAt !== null)
              ? {}
              : { done: done ? { at: scope.clock.now(), by: context.actor!.userId } : null };
          const record = await followUps.update(
            service,
            caseId,
            followUpId,
            { ...change, ...doneChange },
            client,
          );
          return (await views([record], client))[0]!;
        },
      );
    },
  };
}

export type FollowUpService = ReturnType<typeof createFollowUpService>;

import type { DbClient } from '../database/db-client.ts';
import type { ServiceCode } from '../generated/prisma/enums.ts';
import type { CaseHeader } from '../repositories/case-work/case.repository.ts';
import type { SealedSpec } from '../repositories/case-work/sealed-fields.ts';
import type { StaffRepository } from '../repositories/case-work/staff.repository.ts';
import type { StatsFactRecorder } from '../repositories/stats/stats-facts.repository.ts';
import type { AuditAction } from '../schemas/audit-actions.ts';
import type { StaffRef } from '../schemas/case-work.schema.ts';
import type { RequestContext } from '../services/actor.ts';
import {
  addChanged,
  berlinDay,
  missing,
  requireService,
  type CaseWorkEvent,
  type CaseWorkScope,
} from '../services/cases/case-work-scope.ts';
import type { CaseRecordRepository } from '../repositories/case-records/record.repository.ts';
import type { CaseRecordType, RecordCall } from './record-type.ts';

/** What the generic service needs besides the record type and its repository. */
export interface CaseRecordDeps {
  scope: CaseWorkScope;
  staff: Pick<StaffRepository, 'usernames'>;
  facts: StatsFactRecorder;
  /** Changes a case's own columns (a new exit phase moves the case). */
  cases?: {
    update(service: ServiceCode, id: string, changes: object, client: DbClient): Promise<void>;
  };
}

type CaseWork<T> = (call: RecordCall, event: CaseWorkEvent) => Promise<T>;

/**
 * The access path of everything recorded about a case: one scoped transaction with its
 * access-log event (`action`, target the case), the case under the access rule (another
 * service's case is 404, an unassigned one needs a reason), and the record type's service
 * (the other counselling service is refused, 403).
 */
export function caseRecordAccess(scope: CaseWorkScope) {
  return function inCase<T>(
    owner: { service: ServiceCode; what: string },
    context: RequestContext,
    caseId: string,
    action: AuditAction,
    work: CaseWork<T>,
  ): Promise<T> {
    return scope.run(
      context,
      { action, targetType: 'case', targetId: caseId },
      async (client, service, event) => {
        const header: CaseHeader = await scope.openCase(context, service, caseId, client, event);
        requireService(service, owner.service, owner.what);
        const now = scope.clock.now();
        const call = {
          service,
          caseId,
          header,
          now,
          today: berlinDay(now),
          actorId: context.actor!.userId,
          client,
        };
        return work(call, event);
      },
    );
  };
}

/** User names for the staff a view names; the caller's own from the session. */
export async function staffNames(
  staff: Pick<StaffRepository, 'usernames'>,
  context: RequestContext,
  ids: readonly (string | null)[],
  client: DbClient,
): Promise<(id: string) => StaffRef> {
  const actor = context.actor;
  const others = ids.filter((id): id is string => id !== null && id !== actor?.userId);
  const names = await staff.usernames(others, client);
  if (actor) names.set(actor.userId, actor.username);
  return (id: string) => ({ id, username: names.get(id) ?? '' });
}

/**
 * The one service layer of a record type: list, create and (if the type has one) update, each
 * under `caseRecordAccess`, with the type's statistics fact rewritten on every write and the
 * changed fields (names only) in the update's event.
 */
export function createCaseRecordService<
  Rec extends { id: string },
  Input extends object,
  Create,
  Patch extends object,
  View,
  List,
  Row,
  Sealed extends SealedSpec,
>(
  deps: CaseRecordDeps,
  type: CaseRecordType<Rec, Input, Create, Patch, View, List, Row, Sealed>,
  records: CaseRecordRepository<Input, Rec>,
) {
  const inCase = caseRecordAccess(deps.scope);

  async function views(context: RequestContext, found: Rec[], client: DbClient) {
    const ids = type.staffIds ? found.flatMap((record) => type.staffIds!(record)) : [];
    const ref = await staffNames(deps.staff, context, ids, client);
    return found.map((record) => type.view(record, ref));
  }

  async function recordFact(call: RecordCall, id: string) {
    if (type.fact) await deps.facts.record(call.service, type.fact, id, call.client);
  }

  return {
    type,

    /** One record's view, inside a call that has opened its case already. */
    async viewOne(
      context: RequestContext,
      service: ServiceCode,
      caseId: string,
      id: string,
      client: DbClient,
    ): Promise<View> {
      const found = (await records.find(service, caseId, id, client)) ?? missing(type.notFound);
      return (await views(context, [found], client))[0]!;
    },

    list(context: RequestContext, caseId: string): Promise<List> {
      return inCase(type, context, caseId, type.audit.list, async (call) => {
        const found = await records.list(call.service, caseId, call.client);
        return type.list(await views(context, found, call.client), call.header);
      });
    },

    create(context: RequestContext, caseId: string, body: Create): Promise<View> {
      return inCase(type, context, caseId, type.audit.create, async (call, event) => {
        const input = await type.input(body, call);
        const created = await records.create(call.service, caseId, input, call.client);
        if (created === null) {
          throw type.duplicate?.() ?? new Error(`${type.store.table}: a create was refused`);
        }
        await recordFact(call, created.id);
        await type.afterCreate?.(created, {
          ...call,
          updateCase: async (fields) => {
            if (!deps.cases) throw new TypeError(`${type.store.table} needs the case repository`);
            await deps.cases.update(call.service, caseId, fields, call.client);
          },
          recordFact: (subject, id) => deps.facts.record(call.service, subject, id, call.client),
          event,
        });
        return (await views(context, [created], call.client))[0]!;
      });
    },

    update(context: RequestContext, caseId: string, id: string, patch: Patch): Promise<View> {
      const action = type.audit.update;
      if (action === undefined) throw new TypeError(`${type.store.table} records do not change`);
      return inCase(type, context, caseId, action, async (call, event) => {
        const current =
          (await records.find(call.service, caseId, id, call.client)) ?? missing(type.notFound);
        type.checkUpdate?.(patch, current);
        await records.update(call.service, caseId, id, patch as Partial<Input>, call.client);
        await recordFact(call, id);
        const [before, after] = await views(
          context,
          [current, (await records.find(call.service, caseId, id, call.client))!],
          call.client,
        );
        addChanged(event, before as object, after as object, Object.keys(patch));
        return after!;
      });
    },
  };
}

export type CaseRecordService = ReturnType<
  typeof createCaseRecordService<never, never, never, never, never, never, never, never>
>;

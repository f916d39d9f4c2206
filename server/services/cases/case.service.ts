import type { DbClient } from '../../database/db-client.ts';
import { AppError, type ErrorParams, type ErrorReason } from '../../errors/app-error.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type { AccompanimentRepository } from '../../repositories/case-work/backup-counselling-records.repository.ts';
import {
  decodeCaseCursor,
  type CaseFilter,
  type CaseHeader,
  type CaseListRow,
  type CaseOrder,
  type CaseRecord,
  type CaseRepository,
  type CaseSealedValues,
  type CaseSort,
} from '../../repositories/case-work/case.repository.ts';

/** How a list or search is ordered and where its page starts, as the request says it. */
interface CaseListOrder {
  sort?: CaseSort;
  order?: 'asc' | 'desc';
  cursor?: string;
}
import type { ExitPhaseRepository } from '../../repositories/case-work/comeback-records.repository.ts';
import type { Page } from '../../repositories/case-work/sealed-fields.ts';
import type { StaffRepository } from '../../repositories/case-work/staff.repository.ts';
import type { StatsFactRecorder } from '../../repositories/stats/stats-facts.repository.ts';
import type {
  AppointmentSlot,
  CaseList,
  CaseView,
  CaseWarning,
  CreateCaseBody,
  CreatedCase,
  PersonView,
  UpdateCaseBody,
} from '../../schemas/cases.schema.ts';
import type { StaffRef } from '../../schemas/case-work.schema.ts';
import type { RequestContext } from '../actor.ts';
import { mixesLookAlikeScripts, readableLength, visibleText } from '../text/visible-text.ts';
import {
  BACKDATING_DAYS,
  berlinDay,
  caseRoleOf,
  caseNumbersTarget,
  daysBefore,
  missing,
  type CaseWorkScope,
  addChanged,
  addReason,
  NO_SUCH_CASE,
  OPENED_YEARS_BEFORE_CREATION,
  requireDayBetween,
  yearsBefore,
} from './case-work-scope.ts';

export function slotView(slot: {
  id: string;
  kind: AppointmentSlot['kind'];
  startsAt: Date;
  endsAt: Date;
}): AppointmentSlot {
  return {
    id: slot.id,
    kind: slot.kind,
    start: slot.startsAt.toISOString(),
    end: slot.endsAt.toISOString(),
  };
}

/** The person of a case as the API shows it (case view, subject-access export). */
export function personView(record: CaseRecord): PersonView {
  const s = record.sealed;
  return {
    pseudonym: s.pseudonym,
    name: s.realName,
    dateOfBirth: s.dateOfBirth,
    phone: s.phone,
    email: s.email,
    address: s.address,
    preferredLanguage: s.preferredLanguage,
    interpreterNeeded: s.interpreterNeeded,
    safeContact: s.safeContact,
  };
}

/** The API's person fields → the repository's encrypted fields (undefined: unchanged). */
function personSealed(person: Partial<CreateCaseBody['person']>): CaseSealedValues {
  return {
    pseudonym: person.pseudonym,
    realName: person.name,
    dateOfBirth: person.dateOfBirth,
    phone: person.phone,
    email: person.email,
    address: person.address,
    preferredLanguage: person.preferredLanguage,
    interpreterNeeded: person.interpreterNeeded,
    safeContact: person.safeContact,
  };
}

const invalid = (message: string, reason: ErrorReason, params?: ErrorParams) =>
  new AppError('invalid_request', message, { reason, ...(params ? { params } : {}) });

/**
 * A pseudonym is what colleagues tell cases apart by: stored in compatibility form, with
 * something readable, and without hidden characters or look-alike letters of another script
 * inside a word (400 pseudonym_invalid).
 */
function checkedPseudonym(raw: string): string {
  const text = visibleText(raw);
  if (text === null || readableLength(text) === 0 || mixesLookAlikeScripts(text)) {
    throw new AppError(
      'pseudonym_invalid',
      'A pseudonym needs letters or digits, without control, invisible or direction characters, ' +
        'and without look-alike letters of another script inside a word.',
    );
  }
  return text;
}

/**
 * Cases of both services: list and search (exact matches through blind indexes), view,
 * create, update. Every call is scoped to the actor's service and is an access-log event.
 */
export function createCaseService(deps: {
  scope: CaseWorkScope;
  cases: CaseRepository;
  staff: StaffRepository;
  accompaniments: AccompanimentRepository;
  exitPhases: ExitPhaseRepository;
  facts: StatsFactRecorder;
}) {
  const { scope, cases, staff, accompaniments, exitPhases, facts } = deps;
  const now = () => scope.clock.now();

  function listItems(rows: CaseListRow[]): CaseList['cases'] {
    return rows.map((row) => ({
      ...row,
      nextAppointment: row.nextAppointment ? slotView(row.nextAppointment) : null,
    }));
  }

  function caseView(record: CaseRecord): CaseView {
    const next = record.nextAppointment;
    return {
      id: record.id,
      caseNumber: record.caseNumber,
      service: record.service,
      status: record.status,
      anonymous: record.anonymous,
      openedOn: record.openedOn,
      closedOn: record.closedOn,
      closingReason: record.sealed.closingReason,
      assignedCounsellor: record.assignedCounsellor,
      coCounsellor: record.coCounsellor,
      person: personView(record),
      summary: record.sealed.summary,
      exitPhase: record.exitPhase,
      riskLevel: record.riskLevel,
      nextAppointment: next ? slotView(next) : null,
      createdAt: record.createdAt.toISOString(),
      updatedAt: record.updatedAt.toISOString(),
    };
  }

  async function requireCounsellor(
    service: ServiceCode,
    id: string,
    role: string,
    client: DbClient,
  ): Promise<StaffRef> {
    const found = await staff.findCounsellor(service, id, client);
    if (!found) {
      throw invalid(
        `The ${role} must be an active counsellor of your service.`,
        'not_an_active_counsellor',
        { field: role === 'co-counsellor' ? '/coCounsellorId' : '/assignedCounsellorId' },
      );
    }
    return found;
  }

  async function load(
    service: ServiceCode,
    id: string,
    client: DbClient,
    event?: { caseNumber?: string },
  ) {
    const record = await cases.findById(service, id, now(), client, (header) => {
      if (event) event.caseNumber = header.caseNumber;
    });
    return record ?? missing(NO_SUCH_CASE);
  }

  /** A warning, not a refusal: namesakes exist, but colleagues should notice. */
  async function pseudonymWarnings(
    service: ServiceCode,
    pseudonym: string,
    id: string,
    client: DbClient,
  ): Promise<{ warnings?: CaseWarning[] }> {
    return (await cases.pseudonymInUse(service, pseudonym, id, client))
      ? { warnings: ['duplicate_pseudonym'] }
      : {};
  }

  /**
   * Anonymous mode and clearing a recorded person field destroy data for good (no old
   * version is kept), so only the assigned counsellor may do either (403
   * assigned_counsellor_only). Emptied fields that were empty already are no change.
   */
  async function refuseWipe(
    service: ServiceCode,
    id: string,
    current: CaseHeader,
    patch: UpdateCaseBody,
    client: DbClient,
  ): Promise<void> {
    const cleared = Object.entries(patch.person ?? {}).flatMap(([field, value]) =>
      value === null ? [field as keyof PersonView] : [],
    );
    const anonymises = patch.anonymous === true && !current.anonymous;
    if (cleared.length === 0 && !anonymises) return;
    const person = personView(await load(service, id, client));
    if ((anonymises && person.name !== null) || cleared.some((field) => person[field] !== null)) {
      throw new AppError(
        'assigned_counsellor_only',
        "Only the case's assigned counsellor may delete person data or make the case anonymous.",
      );
    }
  }

  /** Sort and cursor of a list or search request, checked (400 for a cursor not of ours). */
  function orderOf({ sort = 'openedOn', order, cursor }: CaseListOrder): CaseOrder {
    const after = cursor === undefined ? undefined : decodeCaseCursor(sort, cursor);
    if (after === null) {
      throw new AppError('invalid_request', 'This cursor does not belong to this list.', {
        reason: 'invalid_format',
        params: { field: '/cursor' },
      });
    }
    // Newest first by opening day; every other column A to Z unless asked otherwise.
    const descending = order === undefined ? sort === 'openedOn' : order === 'desc';
    return { sort, descending, ...(after ? { after } : {}) };
  }

  return {
    async list(
      context: RequestContext,
      { sort, order, cursor, ...filter }: CaseFilter & CaseListOrder,
      page: Page,
    ): Promise<CaseList> {
      return scope.run(
        context,
        { action: 'case.list', targetType: 'case_list' },
        async (client, service, event) => {
          const { rows, total, totalCapped, nextCursor } = await cases.list(
            service,
            filter,
            page,
            now(),
            client,
            orderOf({ sort, order, cursor }),
          );
          event.targetId = caseNumbersTarget(rows.map((row) => row.caseNumber));
          return { cases: listItems(rows), total, totalCapped, nextCursor, ...page };
        },
      );
    },

    /**
     * The query text is never logged or audited; only the case numbers found are. A real name
     * confirms that a person is a client, so a hit by real name alone counts only on the
     * caller's own cases, or, with an access reason, on colleagues' cases too; the event then
     * keeps the reason and is marked `unassigned`.
     */
    async search(
      context: RequestContext,
      text: string,
      { sort, order, cursor, ...filter }: CaseFilter & CaseListOrder,
      page: Page,
    ): Promise<CaseList> {
      return scope.run(
        context,
        { action: 'case.search', targetType: 'case_list' },
        async (client, service, event) => {
          const byFileNumber =
            service === 'backup'
              ? await accompaniments.caseIdsByFileNumber(service, text, client)
              : [];
          const { rows, total, totalCapped, nextCursor, realNameOnly } = await cases.search(
            service,
            {
              text,
              alsoCaseIds: byFileNumber,
              realNameCounts: (counsellors) =>
                context.accessReason !== undefined || scope.mayReadUnasked(context, counsellors),
            },
            filter,
            page,
            now(),
            client,
            orderOf({ sort, order, cursor }),
          );
          const colleagues = realNameOnly.filter((hit) => !scope.mayReadUnasked(context, hit));
          if (colleagues[0]) {
            await scope.sealReason(context, service, colleagues[0], client, event);
          }
          event.targetId = caseNumbersTarget(rows.map((row) => row.caseNumber));
          return { cases: listItems(rows), total, totalCapped, nextCursor, ...page };
        },
      );
    },

    /**
     * Opening a case not assigned to the reader (nor as co-counsellor) needs a short reason,
     * which the access log keeps, encrypted under the case key, for the auditors.
     * The rule is checked before anything of the case is decrypted.
     */
    async get(context: RequestContext, id: string): Promise<CaseView> {
      return scope.run(
        context,
        { action: 'case.view', targetType: 'case', targetId: id },
        async (client, service, event) => {
          await scope.openCase(context, service, id, client, event);
          return caseView(await load(service, id, client, event));
        },
      );
    },

    async create(context: RequestContext, input: CreateCaseBody): Promise<CreatedCase> {
      const actorId = context.actor!.userId;
      return scope.run(
        context,
        { action: 'case.create', targetType: 'case' },
        async (client, service, event) => {
          const anonymous = input.anonymous ?? false;
          if (anonymous && input.person.name) {
            throw invalid(
              'An anonymous case records no name: leave person.name empty.',
              'anonymous_has_no_name',
              { field: '/person/name' },
            );
          }
          const pseudonym = checkedPseudonym(input.person.pseudonym);
          const today = berlinDay(now());
          const openedOn = input.openedOn ?? today;
          requireDayBetween(
            openedOn,
            'openedOn',
            yearsBefore(today, OPENED_YEARS_BEFORE_CREATION),
            today,
          );
          const assignedCounsellorId = input.assignedCounsellorId ?? actorId;
          await requireCounsellor(service, assignedCounsellorId, 'assigned counsellor', client);
          const coCounsellorId = input.coCounsellorId ?? null;
          if (coCounsellorId !== null) {
            if (coCounsellorId === assignedCounsellorId) {
              throw invalid(
                'The co-counsellor must be someone other than the assigned counsellor.',
                'same_counsellor_twice',
                { field: '/coCounsellorId' },
              );
            }
            await requireCounsellor(service, coCounsellorId, 'co-counsellor', client);
          }
          const created = await cases.create(
            {
              service,
              year: Number(today.slice(0, 4)),
              anonymous,
              openedOn,
              assignedCounsellorId,
              coCounsellorId,
              exitPhase: service === 'comeback' ? 'first_contact' : null,
              createdById: actorId,
              sealed: {
                ...personSealed(input.person),
                pseudonym,
                summary: input.summary,
              },
            },
            client,
          );
          const warnings = await pseudonymWarnings(service, pseudonym, created.id, client);
          if (service === 'comeback') {
            const firstPhase = await exitPhases.create(
              service,
              created.id,
              {
                phase: 'first_contact',
                changedOn: openedOn,
                helpPlanAreas: [],
                reason: null,
                createdById: actorId,
              },
              client,
            );
            await facts.record(service, 'exit_phase', firstPhase!.id, client);
          }
          await facts.record(service, 'case', created.id, client);
          event.targetId = created.id;
          event.caseNumber = created.caseNumber;
          return { ...created, ...warnings };
        },
      );
    },

    /**
     * A partial update. Closing needs a reason; reopening clears the closing date and reason;
     * anonymous mode deletes a recorded name. The event names the fields that changed.
     */
    async update(context: RequestContext, id: string, patch: UpdateCaseBody): Promise<CaseView> {
      return scope.run(
        context,
        { action: 'case.update', targetType: 'case', targetId: id },
        async (client, service, event) => {
          const reassigns =
            patch.assignedCounsellorId !== undefined || patch.coCounsellorId !== undefined;
          // Who a case belongs to decides who needs a reason: changing it needs one from
          // everyone but the assigned counsellor, the co-counsellor included.
          const current = await scope.openCase(context, service, id, client, event, {
            assignedOnly: reassigns,
          });
          const role = caseRoleOf(context, current);
          if (role !== 'assigned') {
            await refuseWipe(service, id, current, patch, client);
            const actorId = context.actor!.userId;
            if (patch.assignedCounsellorId === actorId || patch.coCounsellorId === actorId) {
              addReason(event, 'self_assigned');
            }
          }
          const pseudonym =
            patch.person?.pseudonym === undefined
              ? undefined
              : checkedPseudonym(patch.person.pseudonym);
          const sealed: CaseSealedValues = {
            ...(patch.person ? personSealed(patch.person) : {}),
            pseudonym,
            summary: patch.summary,
          };
          const anonymous = patch.anonymous ?? current.anonymous;
          if (anonymous && typeof sealed.realName === 'string') {
            throw invalid(
              'An anonymous case records no name: leave person.name empty.',
              'anonymous_has_no_name',
              { field: '/person/name' },
            );
          }
          if (patch.anonymous === true) sealed.realName = null;

          const status = patch.status ?? current.status;
          const openedOn = patch.openedOn ?? current.openedOn;
          const at = now();
          const today = berlinDay(at);
          // Typed days are bounded by the server's own record of the case, so that no one can
          // back-date a case into statistics or retention; retention itself counts from
          // closedAt, which only the server sets.
          const created = [berlinDay(current.createdAt), today].sort()[0]!;
          if (patch.openedOn !== undefined) {
            requireDayBetween(
              openedOn,
              'openedOn',
              yearsBefore(created, OPENED_YEARS_BEFORE_CREATION),
              today,
            );
          }
          let closedOn: string | null | undefined;
          let closedAt: Date | null | undefined;
          if (status === 'closed') {
            if (current.status !== 'closed' && patch.closingReason === undefined) {
              throw invalid('Closing a case needs a closingReason.', 'reason_required', {
                field: '/closingReason',
              });
            }
            closedOn = patch.closedOn ?? current.closedOn ?? today;
            if (patch.closedOn !== undefined) {
              requireDayBetween(closedOn, 'closedOn', daysBefore(created, BACKDATING_DAYS), today);
            }
            if (closedOn < openedOn) {
              throw invalid('closedOn cannot be before openedOn.', 'date_order', {
                field: '/closedOn',
                other: 'openedOn',
              });
            }
            if (current.status !== 'closed') closedAt = at;
            sealed.closingReason = patch.closingReason;
          } else {
            if (patch.closingReason !== undefined || patch.closedOn !== undefined) {
              throw invalid(
                'closingReason and closedOn belong to closing a case (status closed).',
                'only_when_closing',
                { field: patch.closingReason !== undefined ? '/closingReason' : '/closedOn' },
              );
            }
            if (current.status === 'closed') {
              closedOn = null;
              closedAt = null;
              sealed.closingReason = null;
            }
          }

          if (patch.assignedCounsellorId !== undefined) {
            await requireCounsellor(
              service,
              patch.assignedCounsellorId,
              'assigned counsellor',
              client,
            );
          }
          if (patch.coCounsellorId) {
            await requireCounsellor(service, patch.coCounsellorId, 'co-counsellor', client);
          }
          const before = loggedFields(caseView(await load(service, id, client)));
          await cases.update(
            service,
            id,
            {
              status: patch.status,
              openedOn: patch.openedOn,
              closedOn,
              closedAt,
              anonymous: patch.anonymous,
              assignedCounsellorId: patch.assignedCounsellorId,
              coCounsellorId: patch.coCounsellorId,
              sealed,
            },
            client,
          );
          await facts.record(service, 'case', id, client);
          const record = await load(service, id, client);
          if (record.coCounsellor && record.coCounsellor.id === record.assignedCounsellor.id) {
            throw invalid(
              'The co-counsellor must be someone other than the assigned counsellor.',
              'same_counsellor_twice',
              { field: '/coCounsellorId' },
            );
          }
          addChanged(event, before, loggedFields(caseView(record)));
          return {
            ...caseView(record),
            ...(pseudonym === undefined
              ? {}
              : await pseudonymWarnings(service, pseudonym, id, client)),
          };
        },
      );
    },

    async counsellors(context: RequestContext): Promise<StaffRef[]> {
      return scope.run(
        context,
        { action: 'staff.counsellor_list', targetType: 'service' },
        async (client, service, event) => {
          event.targetId = service;
          return staff.counsellors(service, client);
        },
      );
    },
  };
}

/** A case's fields as the access log names them (`person.address`), to see which changed. */
function loggedFields(view: CaseView): Record<string, unknown> {
  const { person, assignedCounsellor, coCounsellor } = view;
  return {
    status: view.status,
    anonymous: view.anonymous,
    openedOn: view.openedOn,
    closedOn: view.closedOn,
    closingReason: view.closingReason,
    summary: view.summary,
    assignedCounsellorId: assignedCounsellor.id,
    coCounsellorId: coCounsellor?.id ?? null,
    ...Object.fromEntries(Object.entries(person).map(([key, value]) => [`person.${key}`, value])),
  };
}

export type CaseService = ReturnType<typeof createCaseService>;

import type { DbClient } from '../../database/db-client.ts';
import { AppError, type ErrorParams, type ErrorReason } from '../../errors/app-error.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type {
  AppointmentFields,
  AppointmentRecord,
  AppointmentRepository,
} from '../../repositories/case-work/appointment.repository.ts';
import type { CaseRepository } from '../../repositories/case-work/case.repository.ts';
import type { StaffRepository } from '../../repositories/case-work/staff.repository.ts';
import type {
  AppointmentListQuery,
  AppointmentView,
  CreateAppointmentBody,
  SavedAppointment,
  UpdateAppointmentBody,
} from '../../schemas/appointments.schema.ts';
import type { RequestContext } from '../actor.ts';
import {
  caseNumbersTarget,
  missing,
  type CaseWorkEvent,
  type CaseWorkScope,
  addChanged,
  addReason,
} from '../cases/case-work-scope.ts';
import { slotView } from '../cases/case.service.ts';

const NO_SUCH_APPOINTMENT = 'No such appointment.';
const DAY_MS = 86_400_000;
/** A week view asks for 7 days; a month view for up to 6 weeks. */
const MAX_PERIOD_MS = 42 * DAY_MS;
const MAX_DURATION_MS = DAY_MS;
const LIST_LIMIT = 500;
const invalid = (message: string, reason: ErrorReason, params?: ErrorParams) =>
  new AppError('invalid_request', message, { reason, ...(params ? { params } : {}) });

/**
 * Appointments of counsellors: week views per counsellor and for the team of the service, an
 * overlap warning on every save, optional link to a case of the same service.
 */
export function createAppointmentService(deps: {
  scope: CaseWorkScope;
  appointments: AppointmentRepository;
  cases: CaseRepository;
  staff: StaffRepository;
}) {
  const { scope, appointments, cases, staff } = deps;

  /**
   * Views of appointments. A list shows many cases' appointments at once and cannot ask for a
   * reason per case, so place and note of an appointment on a colleague's case (one not
   * assigned to the caller, nor the caller's own appointment) are left out: `restricted`.
   * A single appointment has passed openAppointment and is shown whole.
   */
  async function views(
    context: RequestContext,
    service: ServiceCode,
    records: AppointmentRecord[],
    client: DbClient,
    opened = false,
  ): Promise<AppointmentView[]> {
    const refs = await cases.caseRefs(
      service,
      records.flatMap((record) => (record.caseId ? [record.caseId] : [])),
      client,
    );
    return records.map((record) => {
      const ref = record.caseId ? refs.get(record.caseId)! : null;
      const restricted =
        !opened &&
        ref !== null &&
        record.counsellor.id !== context.actor?.userId &&
        !scope.mayReadUnasked(context, ref);
      return {
        id: record.id,
        start: record.startsAt.toISOString(),
        end: record.endsAt.toISOString(),
        kind: record.kind,
        status: record.status,
        location: restricted ? null : record.location,
        note: restricted ? null : record.note,
        counsellor: record.counsellor,
        case: ref ? { id: record.caseId!, caseNumber: ref.caseNumber } : null,
        restricted,
        createdAt: record.createdAt.toISOString(),
        updatedAt: record.updatedAt.toISOString(),
      };
    });
  }

  /**
   * An appointment belongs to its case: reading or changing it follows the case's access
   * rule, except for the appointment's own counsellor, who works with it without a reason
   * as long as the change leaves case and counsellor as they are. Moving it to another case
   * opens that case too.
   */
  async function openAppointment(
    context: RequestContext,
    service: ServiceCode,
    id: string,
    client: DbClient,
    event: CaseWorkEvent,
    patch: Pick<UpdateAppointmentBody, 'caseId' | 'counsellorId'> = {},
  ): Promise<AppointmentRecord> {
    const record =
      (await appointments.findById(service, id, client)) ?? missing(NO_SUCH_APPOINTMENT);
    const ownAppointment =
      record.counsellor.id === context.actor?.userId &&
      patch.caseId === undefined &&
      patch.counsellorId === undefined;
    const caseIds = [
      ...(record.caseId && !ownAppointment ? [record.caseId] : []),
      ...(patch.caseId ? [patch.caseId] : []),
    ];
    await scope.openCases(context, service, caseIds, client, event);
    return record;
  }

  function checkTimes(startsAt: Date, endsAt: Date) {
    if (endsAt <= startsAt) {
      throw invalid('end must be after start.', 'date_order', { field: '/end', other: 'start' });
    }
    if (endsAt.getTime() - startsAt.getTime() > MAX_DURATION_MS) {
      throw invalid('An appointment lasts at most 24 hours.', 'duration_too_long', {
        field: '/end',
        limit: 24,
      });
    }
  }

  /** A linked case must be one of this service (404 like any other missing case). */
  async function linkedCase(
    context: RequestContext,
    service: ServiceCode,
    caseId: string | null,
    client: DbClient,
    event: CaseWorkEvent,
  ) {
    if (caseId !== null) await scope.openCase(context, service, caseId, client, event);
  }

  async function counsellor(service: ServiceCode, id: string, client: DbClient) {
    if (!(await staff.findCounsellor(service, id, client))) {
      throw invalid(
        'The counsellor must be an active counsellor of your service.',
        'not_an_active_counsellor',
        { field: '/counsellorId' },
      );
    }
  }

  async function saved(
    context: RequestContext,
    service: ServiceCode,
    id: string,
    client: DbClient,
  ): Promise<SavedAppointment> {
    const record = (await appointments.findById(service, id, client))!;
    const overlaps =
      record.status === 'scheduled'
        ? await appointments.overlapping(
            service,
            record.counsellor.id,
            record.startsAt,
            record.endsAt,
            id,
            client,
          )
        : [];
    return {
      appointment: (await views(context, service, [record], client, true))[0]!,
      overlaps: overlaps.map(slotView),
    };
  }

  return {
    list(context: RequestContext, query: AppointmentListQuery) {
      const from = new Date(query.from);
      const to = new Date(query.to);
      return scope.run(
        context,
        { action: 'appointment.list', targetType: 'case_list' },
        async (client, service, event) => {
          if (to <= from) {
            throw invalid('to must be after from.', 'date_order', {
              field: '/to',
              in: 'querystring',
              other: 'from',
            });
          }
          if (to.getTime() - from.getTime() > MAX_PERIOD_MS) {
            throw invalid('Ask for at most 42 days at a time.', 'period_too_long', {
              field: '/to',
              in: 'querystring',
              limit: 42,
            });
          }
          if (query.team && query.counsellorId) {
            throw invalid('Ask either for the team or for one counsellor.', 'team_or_counsellor', {
              in: 'querystring',
            });
          }
          const found = await appointments.list(
            service,
            {
              from,
              to,
              counsellorId: query.team ? undefined : (query.counsellorId ?? context.actor!.userId),
              includeCancelled: query.includeCancelled ?? false,
              limit: LIST_LIMIT,
            },
            client,
          );
          const shown = await views(context, service, found.appointments, client);
          event.targetId = caseNumbersTarget(
            shown.flatMap((a) => (a.case ? [a.case.caseNumber] : [])),
          );
          addReason(event, `shown:${shown.length}`);
          return { appointments: shown, truncated: found.truncated };
        },
      );
    },

    listForCase(context: RequestContext, caseId: string) {
      return scope.run(
        context,
        { action: 'appointment.list', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await scope.openCase(context, service, caseId, client, event);
          const found = await appointments.list(
            service,
            {
              from: new Date(0),
              to: new Date(Date.UTC(9999, 0)),
              caseId,
              includeCancelled: true,
              limit: LIST_LIMIT,
            },
            client,
          );
          return {
            appointments: await views(context, service, found.appointments, client, true),
            truncated: found.truncated,
          };
        },
      );
    },

    get(context: RequestContext, id: string): Promise<{ appointment: AppointmentView }> {
      return scope.run(
        context,
        { action: 'appointment.view', targetType: 'appointment', targetId: id },
        async (client, service, event) => {
          const record = await openAppointment(context, service, id, client, event);
          return { appointment: (await views(context, service, [record], client, true))[0]! };
        },
      );
    },

    /** Saves even when it overlaps: the answer lists the overlaps as a warning. */
    create(context: RequestContext, input: CreateAppointmentBody): Promise<SavedAppointment> {
      return scope.run(
        context,
        { action: 'appointment.create', targetType: 'appointment' },
        async (client, service, event) => {
          const startsAt = new Date(input.start);
          const endsAt = new Date(input.end);
          checkTimes(startsAt, endsAt);
          const counsellorId = input.counsellorId ?? context.actor!.userId;
          await counsellor(service, counsellorId, client);
          const caseId = input.caseId ?? null;
          await linkedCase(context, service, caseId, client, event);
          const id = await appointments.create(
            service,
            {
              counsellorId,
              caseId,
              kind: input.kind,
              status: 'scheduled',
              startsAt,
              endsAt,
              location: input.location ?? null,
              note: input.note ?? null,
              createdById: context.actor!.userId,
            },
            client,
          );
          event.targetId = id;
          return saved(context, service, id, client);
        },
      );
    },

    update(
      context: RequestContext,
      id: string,
      patch: UpdateAppointmentBody,
    ): Promise<SavedAppointment> {
      return scope.run(
        context,
        { action: 'appointment.update', targetType: 'appointment', targetId: id },
        async (client, service, event) => {
          const current = await openAppointment(context, service, id, client, event, patch);
          const startsAt = patch.start === undefined ? current.startsAt : new Date(patch.start);
          const endsAt = patch.end === undefined ? current.endsAt : new Date(patch.end);
          checkTimes(startsAt, endsAt);
          if (patch.counsellorId !== undefined) {
            await counsellor(service, patch.counsellorId, client);
          }
          const changes: Partial<AppointmentFields> = {
            counsellorId: patch.counsellorId,
            caseId: patch.caseId,
            kind: patch.kind,
            status: patch.status,
            startsAt: patch.start === undefined ? undefined : startsAt,
            endsAt: patch.end === undefined ? undefined : endsAt,
            location: patch.location,
            note: patch.note,
          };
          await appointments.update(service, id, changes, client);
          const updated = (await appointments.findById(service, id, client))!;
          addChanged(event, loggedFields(current), loggedFields(updated), Object.keys(patch));
          return saved(context, service, id, client);
        },
      );
    },

    /**
     * The caller's own scheduled appointments in [from, to), as a week view shows them; for
     * another view's scoped call (the start page), which writes the access-log event.
     */
    async ownBetween(
      context: RequestContext,
      service: ServiceCode,
      from: Date,
      to: Date,
      client: DbClient,
    ) {
      const found = await appointments.list(
        service,
        {
          from,
          to,
          counsellorId: context.actor!.userId,
          includeCancelled: false,
          limit: LIST_LIMIT,
        },
        client,
      );
      return {
        appointments: await views(context, service, found.appointments, client),
        truncated: found.truncated,
      };
    },
  };
}

export type AppointmentService = ReturnType<typeof createAppointmentService>;

/** An appointment's fields under the request's names, to see which an update changed. */
function loggedFields(record: AppointmentRecord): Record<string, unknown> {
  return {
    counsellorId: record.counsellor.id,
    caseId: record.caseId,
    kind: record.kind,
    status: record.status,
    start: record.startsAt.toISOString(),
    end: record.endsAt.toISOString(),
    location: record.location,
    note: record.note,
  };
}

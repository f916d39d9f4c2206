import type { CaseRepository } from '../../repositories/case-work/case.repository.ts';
import type { FollowUpRepository } from '../../repositories/case-work/follow-up.repository.ts';
import type { StaffRepository } from '../../repositories/case-work/staff.repository.ts';
import {
  WORKPLACE_LIMIT,
  type WorkplaceRepository,
} from '../../repositories/case-work/workplace.repository.ts';
import type { WorkplaceView } from '../../schemas/workplace.schema.ts';
import type { RequestContext } from '../actor.ts';
import type { AppointmentService } from '../appointments/appointment.service.ts';
import { addReason, berlinDay, caseNumbersTarget, type CaseWorkScope } from './case-work-scope.ts';

const DAY_MS = 86_400_000;

/** The instant a German calendar day begins (midnight in Europe/Berlin). */
export function berlinMidnight(day: string): Date {
  // The offset at 00:00 UTC of that day is the one in force at the German midnight before it:
  // clocks change at 02:00/03:00 local time, never between these two instants.
  const offset = new Intl.DateTimeFormat('en-US', {
    timeZone: 'Europe/Berlin',
    timeZoneName: 'longOffset',
  })
    .formatToParts(new Date(`${day}T00:00:00Z`))
    .find((part) => part.type === 'timeZoneName')!
    .value.replace('GMT', '');
  return new Date(`${day}T00:00:00${offset || '+00:00'}`);
}

/** `YYYY-MM-DD` plus whole days. */
function daysAfter(day: string, days: number): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * A counsellor's start page in one scoped call and one access-log event (like any list: the
 * case numbers it showed). "Today" is the service clock's day in Germany.
 */
export function createWorkplaceService(deps: {
  scope: CaseWorkScope;
  workplace: WorkplaceRepository;
  followUps: FollowUpRepository;
  cases: CaseRepository;
  appointments: AppointmentService;
  staff: StaffRepository;
}) {
  const { scope, workplace, followUps, cases, staff } = deps;

  return {
    async view(context: RequestContext): Promise<WorkplaceView> {
      return scope.run(
        context,
        { action: 'workplace.view', targetType: 'case_list' },
        async (client, service, event) => {
          const me = context.actor!.userId;
          const now = scope.clock.now();
          const today = berlinDay(now);
          const weekday = (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
          const weekEnd = daysAfter(today, 6 - weekday);
          const week = await deps.appointments.ownBetween(
            context,
            service,
            berlinMidnight(today),
            berlinMidnight(daysAfter(weekEnd, 1)),
            client,
          );
          const openCases = await workplace.myOpenCases(service, me, now, client);
          const due = await followUps.dueFor(service, me, weekEnd, WORKPLACE_LIMIT, client);
          const refs = await cases.caseRefs(
            service,
            due.map((followUp) => followUp.caseId),
            client,
          );
          // A follow-up on a colleague's case shows its day and case, not its text: reading
          // that needs the case opened with a reason.
          const readable = due.filter((followUp) =>
            scope.mayReadUnasked(context, refs.get(followUp.caseId)!),
          );
          const texts = await followUps.texts(
            service,
            readable.map((followUp) => followUp.id),
            client,
          );
          const checks = await workplace.pendingRiskChecks(service, me, client);
          const names = await staff.usernames(
            checks.map((check) => check.proposedById),
            client,
          );
          const view: WorkplaceView = {
            today,
            weekEnd,
            appointments: week.appointments,
            appointmentsTruncated: week.truncated,
            openCases: openCases.map((found) => ({
              ...found,
              lastContactAt: found.lastContactAt?.toISOString() ?? null,
              nextAppointmentAt: found.nextAppointmentAt?.toISOString() ?? null,
            })),
            followUps: due.map((followUp) => ({
              id: followUp.id,
              caseId: followUp.caseId,
              caseNumber: refs.get(followUp.caseId)!.caseNumber,
              dueOn: followUp.dueOn,
              overdue: followUp.dueOn < today,
              body: texts.get(followUp.id) ?? null,
            })),
            riskChecks: checks.map(({ proposedById, ...check }) => ({
              ...check,
              proposedBy: { id: proposedById, username: names.get(proposedById) ?? '' },
            })),
          };
          event.targetId = caseNumbersTarget([
            ...view.appointments.flatMap((a) => (a.case ? [a.case.caseNumber] : [])),
            ...view.openCases.map((found) => found.caseNumber),
            ...view.followUps.map((followUp) => followUp.caseNumber),
            ...view.riskChecks.map((check) => check.caseNumber),
          ]);
          addReason(event, `shown:${view.openCases.length}`);
          return view;
        },
      );
    },
  };
}

export type WorkplaceService = ReturnType<typeof createWorkplaceService>;

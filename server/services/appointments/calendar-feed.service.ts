import { AppError } from '../../errors/app-error.ts';
import { hashSecretToken, newSecretToken } from '../secret-token.ts';
import type { AppointmentKind, ServiceCode } from '../../generated/prisma/enums.ts';
import type {
  AppointmentRepository,
  AppointmentSlot,
} from '../../repositories/case-work/appointment.repository.ts';
import type { CalendarFeedRepository } from '../../repositories/case-work/calendar-feed.repository.ts';
import type { ScopedTransaction } from '../../repositories/case-work/sealed-fields.ts';
import type { StaffRepository } from '../../repositories/case-work/staff.repository.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditLog } from '../audit-log.ts';
import type { CaseWorkScope } from '../cases/case-work-scope.ts';

export const FEED_PATH = '/api/calendar/feed.ics';
const SERVICES: readonly ServiceCode[] = ['backup', 'comeback'];
const DAY_MS = 86_400_000;

/** What a calendar shows: "Termin" and the kind. Nothing about the person, place or case. */
const KIND_LABELS: Record<AppointmentKind, string> = {
  counselling_session: 'Beratung',
  police_interview: 'Polizei',
  court_hearing: 'Gericht',
  other: 'Sonstiges',
};

const icsTime = (at: Date) =>
  at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** RFC 5545 calendar of slots: UID, times and "Termin (kind)", nothing else. */
export function renderCalendar(slots: readonly AppointmentSlot[], now: Date): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//casework//Terminfeed//DE',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'X-WR-CALNAME:casework',
    'REFRESH-INTERVAL;VALUE=DURATION:PT30M',
  ];
  for (const slot of slots) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${slot.id}@casework`,
      `DTSTAMP:${icsTime(now)}`,
      `DTSTART:${icsTime(slot.startsAt)}`,
      `DTEND:${icsTime(slot.endsAt)}`,
      `SUMMARY:Termin (${KIND_LABELS[slot.kind]})`,
      'CLASS:PRIVATE',
      'TRANSP:OPAQUE',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * A counsellor's calendar feed behind a secret token (256 bits, shown once; only its SHA-256
 * is stored). Revoking it, or creating a new one, makes the old link worthless at once.
 */
export function createCalendarFeedService(deps: {
  scope: CaseWorkScope;
  transact: ScopedTransaction;
  feeds: CalendarFeedRepository;
  appointments: AppointmentRepository;
  staff: StaffRepository;
  audit: AuditLog;
}) {
  const { scope, transact, feeds, appointments, staff, audit } = deps;

  return {
    status(context: RequestContext) {
      return scope.run(
        context,
        { action: 'calendar.feed_status', targetType: 'user', targetId: context.actor?.userId },
        async (client, service) => {
          const feed = await feeds.findActive(service, context.actor!.userId, client);
          return { active: feed !== null, createdAt: feed?.createdAt.toISOString() ?? null };
        },
      );
    },

    /** A new token; any earlier one stops working. */
    create(context: RequestContext) {
      const { token, hash } = newSecretToken();
      return scope.run(
        context,
        { action: 'calendar.feed_create', targetType: 'user', targetId: context.actor?.userId },
        async (client, service) => {
          const userId = context.actor!.userId;
          const feed = await feeds.issue(service, userId, hash, scope.clock.now(), client);
          return {
            token,
            path: `${FEED_PATH}?token=${token}`,
            createdAt: feed.createdAt.toISOString(),
          };
        },
      );
    },

    revoke(context: RequestContext): Promise<void> {
      return scope.run(
        context,
        { action: 'calendar.feed_revoke', targetType: 'user', targetId: context.actor?.userId },
        async (client, service) => {
          await feeds.revoke(service, context.actor!.userId, scope.clock.now(), client);
        },
      );
    },

    /**
     * The feed for a token, without a session. The token does not say which service it
     * belongs to, so each service is asked in its own scope. An unknown, revoked or disabled
     * account's token answers 404; every read and every refusal is an access-log event.
     */
    async feed(context: RequestContext, token: string): Promise<string> {
      const tokenHash = hashSecretToken(token);
      const now = scope.clock.now();
      for (const service of SERVICES) {
        const calendar = await transact(service, async (client) => {
          const feed = await feeds.findByTokenHash(service, tokenHash, client);
          if (!feed || !(await staff.findCounsellor(service, feed.userId, client))) return null;
          const slots = await appointments.slots(
            service,
            feed.userId,
            new Date(now.getTime() - 30 * DAY_MS),
            new Date(now.getTime() + 365 * DAY_MS),
            client,
          );
          await audit.record(
            context,
            {
              action: 'calendar.feed_read',
              outcome: 'allowed',
              targetType: 'user',
              targetId: feed.userId,
            },
            client,
          );
          return renderCalendar(slots, now);
        });
        if (calendar !== null) return calendar;
      }
      await audit.record(context, {
        action: 'calendar.feed_read',
        outcome: 'denied',
        reason: 'unknown_token',
      });
      throw new AppError('not_found', 'No such calendar feed.');
    },
  };
}

export type CalendarFeedService = ReturnType<typeof createCalendarFeedService>;

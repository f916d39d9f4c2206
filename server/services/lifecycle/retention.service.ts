import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { RetentionPolicy } from '../../config/config.schema.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type { ScopedTransaction } from '../../repositories/case-work/sealed-fields.ts';
import type { LifecycleRepository } from '../../repositories/lifecycle/lifecycle.repository.ts';
import type { DeletionCertificate } from '../../schemas/lifecycle.schema.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditLog } from '../audit-log.ts';
import { berlinDay } from '../cases/case-work-scope.ts';
import { certificate, certificateReason } from './lifecycle.service.ts';

const SERVICES: readonly ServiceCode[] = ['backup', 'comeback'];

/** One record the retention rules say is due. */
export interface DueItem {
  kind: 'case' | 'appointment' | 'incident';
  service: ServiceCode;
  id: string;
  /** The case number, or `appointment` / `incident` for a record of no case. */
  label: string;
  /** The rule as a code, e.g. `retention.backup.closed_case.3y`. */
  rule: `retention.${string}`;
  /**
   * Why it is due: when the server recorded the closing of a case (never the closing day a
   * counsellor typed), the end of an appointment.
   */
  dueSince: string;
  onHold: boolean;
}

export interface RetentionReport {
  due: DueItem[];
  erased: DeletionCertificate[];
  /** Due but on legal hold: kept. */
  held: DueItem[];
  /** Appointments of no case erased. */
  erasedAppointments: number;
  /** Incidents of no case erased. */
  erasedIncidents: number;
  /** Due but gone by the time the sweep reached them (erased concurrently). */
  skipped: DueItem[];
  dryRun: boolean;
}

export { yearsBefore } from '../cases/case-work-scope.ts';

export function monthsBefore(at: Date, months: number): Date {
  const shifted = new Date(at);
  shifted.setUTCMonth(shifted.getUTCMonth() - months);
  return shifted;
}

/**
 * Retention: closed cases are erased a configured number of years after closing
 * (per service), appointments that belong to no case some months after they ended. A case
 * on legal hold is listed but kept. Used by the daily sweep inside the server and by
 * `casework retention run`. Every erasure is its own transaction with its access-log event.
 */
export function createRetentionService(deps: {
  transact: ScopedTransaction;
  audit: AuditLog;
  clock: Clock;
  lifecycle: LifecycleRepository;
  policy: RetentionPolicy;
}) {
  const { transact, audit, clock, lifecycle, policy } = deps;

  async function plan(): Promise<DueItem[]> {
    const now = clock.now();
    const items: DueItem[] = [];
    for (const service of SERVICES) {
      const years = policy.closedCaseYears[service];
      const rule = `retention.${service}.closed_case.${years}y` as const;
      const cases = await transact(service, (client) =>
        lifecycle.dueCases(service, monthsBefore(now, years * 12), client),
      );
      items.push(
        ...cases.map((found) => ({
          kind: 'case' as const,
          service,
          id: found.id,
          label: found.caseNumber,
          rule,
          dueSince: found.closedAt.toISOString(),
          onHold: found.onHold,
        })),
      );
      const months = policy.appointmentMonths;
      const appointments = await transact(service, (client) =>
        lifecycle.dueAppointments(service, monthsBefore(now, months), client),
      );
      items.push(
        ...appointments.map((appointment) => ({
          kind: 'appointment' as const,
          service,
          id: appointment.id,
          label: 'appointment',
          rule: `retention.${service}.appointment.${months}m` as const,
          dueSince: appointment.endsAt.toISOString(),
          onHold: false,
        })),
      );
      const incidentMonths = policy.unlinkedIncidentMonths;
      const incidents = await transact(service, (client) =>
        lifecycle.dueIncidents(service, monthsBefore(now, incidentMonths), client),
      );
      items.push(
        ...incidents.map((incident) => ({
          kind: 'incident' as const,
          service,
          id: incident.id,
          label: 'incident',
          rule: `retention.${service}.unlinked_incident.${incidentMonths}m` as const,
          dueSince: incident.updatedAt.toISOString(),
          onHold: false,
        })),
      );
    }
    return items;
  }

  /** Erases one due item, unless it is gone already or was put on hold meanwhile. */
  async function eraseItem(
    context: RequestContext,
    item: DueItem,
  ): Promise<DeletionCertificate | 'appointment' | 'incident' | 'gone' | 'held'> {
    const at = clock.now();
    const eventId = randomUUID();
    return transact(item.service, async (client) => {
      if (item.kind !== 'case') {
        const erase =
          item.kind === 'appointment' ? lifecycle.eraseAppointment : lifecycle.eraseIncident;
        if (!(await erase(item.service, item.id, at, client))) return 'gone';
        await audit.record(
          context,
          {
            id: eventId,
            action: `${item.kind}.erase`,
            outcome: 'allowed',
            targetType: item.kind,
            targetId: item.id,
            reason: item.rule,
          },
          client,
        );
        return item.kind;
      }
      if (await lifecycle.findHold(item.service, item.id, client)) return 'held';
      const summary = await lifecycle.eraseCase(
        item.service,
        item.id,
        { rule: item.rule, at, erasedOn: berlinDay(at) },
        client,
      );
      if (!summary) return 'gone';
      await audit.record(
        context,
        {
          id: eventId,
          action: 'case.erase',
          outcome: 'allowed',
          targetType: 'case',
          targetId: item.id,
          caseNumber: summary.caseNumber,
          reason: certificateReason(item.rule, summary),
        },
        client,
      );
      return certificate(summary, { rule: item.rule, at, by: 'retention', eventId });
    });
  }

  return {
    /**
     * Lists what is due and, unless `dryRun`, erases it. `onProgress` is called after each
     * item (for a progress bar). A dry run writes one access-log event (who looked) and
     * changes nothing else.
     */
    async run(
      context: RequestContext,
      options: { dryRun: boolean; onStart?: (total: number) => void; onProgress?: () => void },
    ): Promise<RetentionReport> {
      const due = await plan();
      const report: RetentionReport = {
        due,
        erased: [],
        held: due.filter((item) => item.onHold),
        erasedAppointments: 0,
        erasedIncidents: 0,
        skipped: [],
        dryRun: options.dryRun,
      };
      const toErase = due.filter((item) => !item.onHold);
      if (!options.dryRun) {
        options.onStart?.(toErase.length);
        for (const item of toErase) {
          const outcome = await eraseItem(context, item);
          if (outcome === 'held') report.held.push(item);
          else if (outcome === 'gone') report.skipped.push(item);
          else if (outcome === 'appointment') report.erasedAppointments += 1;
          else if (outcome === 'incident') report.erasedIncidents += 1;
          else report.erased.push(outcome);
          options.onProgress?.();
        }
      }
      await audit.record(context, {
        action: options.dryRun ? 'retention.plan' : 'retention.sweep',
        outcome: 'allowed',
        targetType: 'retention',
        reason: `due:${due.length},held:${report.held.length},erased:${report.erased.length}`,
      });
      return report;
    },

    /** When the last sweep ran (persisted in the access log), for scheduling the next one. */
    lastSweepAt: () => lifecycle.lastSweepAt(),
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;

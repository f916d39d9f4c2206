import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors/app-error.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type { ScopedTransaction } from '../../repositories/case-work/sealed-fields.ts';
import type {
  IncidentCounts,
  MonitoringRepository,
} from '../../repositories/stats/monitoring.repository.ts';
import type { MonitoringExportQuery, MonitoringReport } from '../../schemas/monitoring.schema.ts';
import type { AuditAction } from '../../schemas/audit-actions.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditLog } from '../audit-log.ts';
import { berlinDay, createScopedRunner, requireService } from '../cases/case-work-scope.ts';
import { labeller } from './stats-csv.ts';

/**
 * The VBRG annual monitoring: attacks and directly affected persons, exact, by offence type,
 * motive and district. An attack with several motives is counted once under each of them
 * (rows by motive add up to more than the total, as in the VBRG's own tables); the totals
 * count it once.
 */
export function monitoringFigures(year: number, incidents: readonly IncidentCounts[]) {
  const t = labeller('de');
  const rows = new Map<string, MonitoringReport['rows'][number]>();
  for (const incident of incidents) {
    for (const motive of incident.motives) {
      const key = `${incident.offenceType}|${motive}|${incident.district}`;
      const row = rows.get(key) ?? {
        offenceType: incident.offenceType,
        offenceTypeLabel: t(`cases.offenceType.${incident.offenceType}`),
        motive,
        motiveLabel: t(`cases.motive.${motive}`),
        district: incident.district,
        districtLabel: t(`cases.district.${incident.district}`),
        attacks: 0,
        affected: 0,
      };
      row.attacks += 1;
      row.affected += incident.affectedCount;
      rows.set(key, row);
    }
  }
  const sorted = [...rows.values()].sort(
    (a, b) =>
      a.offenceType.localeCompare(b.offenceType) ||
      a.motive.localeCompare(b.motive) ||
      a.district.localeCompare(b.district),
  );
  const figures = {
    year,
    attacks: incidents.length,
    affected: incidents.reduce((sum, incident) => sum + incident.affectedCount, 0),
    rows: sorted,
  };
  // What the team lead saw: the export answers only while the figures are still these.
  const previewId = createHash('sha256').update(JSON.stringify(figures)).digest('hex');
  return { ...figures, previewId };
}

/** The figures as CSV for German office software and partners: `;`, BOM, codes and labels. */
export function monitoringCsv(report: MonitoringReport): string {
  return stringify(
    [
      [
        'Jahr',
        'Tatbestand (Code)',
        'Tatbestand',
        'Motiv (Code)',
        'Motiv',
        'Kreis (Code)',
        'Kreis',
        'Angriffe',
        'Direkt Betroffene',
      ],
      ...report.rows.map((row) => [
        report.year,
        row.offenceType,
        row.offenceTypeLabel,
        row.motive,
        row.motiveLabel,
        row.district,
        row.districtLabel,
        row.attacks,
        row.affected,
      ]),
      [report.year, 'total', 'Gesamt', '', '', '', '', report.attacks, report.affected],
    ],
    { delimiter: ';', bom: true, record_delimiter: 'windows' },
  );
}

/**
 * Exact figures leave casework only here: a BackUp team lead looks at the preview, then
 * exports exactly those figures (`preview` must match). Both are access-log events.
 */
export function createMonitoringService(deps: {
  transact: ScopedTransaction;
  audit: AuditLog;
  clock: Clock;
  monitoring: MonitoringRepository;
}) {
  const { audit, clock, monitoring } = deps;
  const runScoped = createScopedRunner({ ...deps, deniesConflicts: true });

  function backupTeamLead(context: RequestContext): ServiceCode {
    const service = context.actor?.service;
    if (!service || context.actor?.role !== 'team_lead') {
      throw new AppError('forbidden', 'Only team leads export the monitoring.');
    }
    requireService(service, 'backup', 'Monitoring figures');
    return service;
  }

  function checkYear(year: number) {
    const current = Number(berlinDay(clock.now()).slice(0, 4));
    if (year > current) {
      throw new AppError('invalid_request', 'The year cannot be in the future.', {
        reason: 'date_in_future',
        params: { field: '/year', in: 'querystring' },
      });
    }
  }

  async function figures(
    context: RequestContext,
    year: number,
    action: Extract<AuditAction, `monitoring.${string}`>,
    preview?: string,
  ): Promise<MonitoringReport> {
    const event = { action, targetType: 'monitoring', targetId: String(year) };
    let service: ServiceCode;
    try {
      // Outside a scoped call: who is not a BackUp team lead has no service scope to run in.
      service = backupTeamLead(context);
    } catch (error) {
      if (error instanceof AppError) {
        await audit.record(context, { ...event, outcome: 'denied', reason: error.code });
      }
      throw error;
    }
    checkYear(year);
    return runScoped(context, service, event, async (client) => {
      const report = monitoringFigures(
        year,
        await monitoring.incidentsOfYear(service, year, client),
      );
      if (preview !== undefined && report.previewId !== preview) {
        throw new AppError('conflict', 'The figures changed since the preview.', {
          reason: 'preview_outdated',
        });
      }
      return report;
    });
  }

  return {
    preview(context: RequestContext, year: number): Promise<MonitoringReport> {
      return figures(context, year, 'monitoring.preview');
    },

    export(context: RequestContext, query: MonitoringExportQuery): Promise<MonitoringReport> {
      return figures(context, query.year, 'monitoring.export', query.preview);
    },
  };
}

export type MonitoringService = ReturnType<typeof createMonitoringService>;

import type { Clock } from '../../clock.ts';
import { tableCsv, type CsvLanguage } from './stats-csv.ts';
import { AppError } from '../../errors/app-error.ts';
import {
  AccompanimentKind,
  District,
  ExitPhase,
  IncidentMotive,
  IncidentSource,
  OffenceType,
  PoliceReport,
  PreventionSetting,
  RiskLevel,
  TrainingAudience,
  type ServiceCode,
} from '../../generated/prisma/enums.ts';
import type { ScopedTransaction } from '../../repositories/case-work/sealed-fields.ts';
import {
  DURATION_RANGES,
  type FactSubject,
  type MonthCount,
  type FactCounts,
  type StatsFactsRepository,
  type WorkloadRepository,
} from '../../repositories/stats/stats-facts.repository.ts';
import type {
  AnnualReport,
  StatsGranularity,
  StatsResponse,
  StatsTable,
  WorkloadResponse,
} from '../../schemas/stats.schema.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditLog, AuditReasonCode } from '../audit-log.ts';
import {
  buildFamily,
  byRow,
  sumRows,
  type FamilyPattern,
  type FamilySpec,
  type TableSpec,
} from './stats-tables.ts';
import type { AuditAction } from '../../schemas/audit-actions.ts';

// Team leads' statistics: counts of the facts tables (never a decrypted record), suppressed by
// stats-tables.ts. Every call is an access-log event.

const codes = (values: Record<string, string>) => Object.values(values);

const BERLIN_YEAR = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
});

/** Records per transaction when rebuilding facts (a transaction must end within 15 s). */
const REBUILD_BATCH = 200;

type Table = Omit<TableSpec, 'counts'> & { rows: MonthCount[] };

/** A family of tables that share one total; `totals` absent: the rows partition it. */
function family(tables: Table[], totals?: MonthCount[]): FamilySpec {
  const specs = tables.map(({ rows, ...table }) => ({ ...table, counts: byRow(rows) }));
  return {
    tables: specs,
    totals: totals
      ? sumRows(byRow(totals).values())
      : sumRows(specs.flatMap((spec) => [...spec.counts.values()])),
  };
}

async function backupFamilies(facts: FactCounts): Promise<FamilySpec[]> {
  const breakdowns = await facts.incidentBreakdowns();
  type Dimension = keyof typeof breakdowns;
  const incidents = (dimension: Dimension) => breakdowns[dimension].incidents;
  const affected = (dimension: Dimension) => breakdowns[dimension].affected;
  const activity = await facts.activityBreakdowns();
  const cases = await facts.caseCounts();
  return [
    family(
      [
        {
          id: 'incidents_by_offence',
          chart: 'stacked',
          rowDimension: 'offenceType',
          rowKeys: codes(OffenceType),
          rows: incidents('offence_type'),
        },
        {
          id: 'incidents_by_motive',
          chart: 'bar',
          rowDimension: 'motive',
          rowKeys: codes(IncidentMotive),
          rows: incidents('motive'),
        },
        {
          id: 'incidents_by_district',
          chart: 'bar',
          rowDimension: 'district',
          rowKeys: codes(District),
          rows: incidents('district'),
        },
        {
          id: 'incidents_by_police_report',
          chart: 'stacked',
          rowDimension: 'policeReport',
          rowKeys: codes(PoliceReport),
          rows: incidents('reported_to_police'),
        },
        {
          id: 'incidents_by_source',
          chart: 'bar',
          rowDimension: 'source',
          rowKeys: codes(IncidentSource),
          rows: incidents('source'),
        },
      ],
      incidents('all'),
    ),
    family(
      [
        {
          id: 'affected_by_offence',
          chart: 'stacked',
          rowDimension: 'offenceType',
          rowKeys: codes(OffenceType),
          rows: affected('offence_type'),
        },
        {
          id: 'affected_by_district',
          chart: 'bar',
          rowDimension: 'district',
          rowKeys: codes(District),
          rows: affected('district'),
        },
      ],
      affected('all'),
    ),
    family([
      {
        id: 'cases_opened_closed',
        chart: 'line',
        rowDimension: 'measure',
        rowKeys: ['opened', 'closed'],
        rows: cases.openedClosed,
      },
    ]),
    family([
      {
        id: 'accompaniments_by_kind',
        chart: 'stacked',
        rowDimension: 'accompanimentKind',
        rowKeys: codes(AccompanimentKind),
        rows: activity('accompaniment', 'events'),
      },
    ]),
    family([
      {
        id: 'contacts_by_kind',
        chart: 'line',
        rowDimension: 'contactKind',
        rowKeys: ['counselling_session', 'phone_call'],
        rows: activity('contact', 'events'),
      },
    ]),
  ];
}

/** ComeBack's table families (exported for their test). */
export async function comebackFamilies(facts: FactCounts): Promise<FamilySpec[]> {
  const cases = await facts.caseCounts();
  const activity = await facts.activityBreakdowns();
  return [
    family([
      {
        id: 'cases_opened_closed',
        chart: 'line',
        rowDimension: 'measure',
        rowKeys: ['opened', 'closed'],
        rows: cases.openedClosed,
      },
    ]),
    family([
      {
        id: 'exit_phases_reached',
        chart: 'stacked',
        rowDimension: 'exitPhase',
        rowKeys: codes(ExitPhase),
        rows: activity('exit_phase', 'events'),
      },
    ]),
    family(
      [
        {
          id: 'endings_by_reason',
          chart: 'stacked',
          rowDimension: 'ending',
          rowKeys: ['closing', 'breaking_off'],
          rows: cases.endings,
        },
        {
          id: 'durations_to_exit',
          chart: 'bar',
          rowDimension: 'durationRange',
          rowKeys: [...DURATION_RANGES],
          rows: cases.durations,
        },
        // Both tables count the same exits, each once: their shared total is the exits, not
        // the sum of both tables' rows.
      ],
      cases.endings,
    ),
    family([
      {
        id: 'risk_levels',
        chart: 'stacked',
        rowDimension: 'riskLevel',
        rowKeys: codes(RiskLevel),
        rows: activity('risk_level', 'events'),
      },
    ]),
    family([
      {
        id: 'prevention_contacts_by_setting',
        chart: 'stacked',
        rowDimension: 'preventionSetting',
        rowKeys: codes(PreventionSetting),
        rows: activity('prevention', 'events'),
      },
    ]),
    family([
      {
        id: 'prevention_participants_by_setting',
        chart: 'stacked',
        rowDimension: 'preventionSetting',
        rowKeys: codes(PreventionSetting),
        rows: activity('prevention', 'participants'),
      },
    ]),
    family([
      {
        id: 'trainings_by_audience',
        chart: 'bar',
        rowDimension: 'trainingAudience',
        rowKeys: codes(TrainingAudience),
        rows: activity('training', 'events'),
      },
    ]),
    family([
      {
        id: 'training_participants_by_audience',
        chart: 'bar',
        rowDimension: 'trainingAudience',
        rowKeys: codes(TrainingAudience),
        rows: activity('training', 'participants'),
      },
    ]),
  ];
}

export function createStatsService(deps: {
  transact: ScopedTransaction;
  facts: StatsFactsRepository;
  workload: WorkloadRepository;
  audit: AuditLog;
  clock: Clock;
  minCellSize: number;
}) {
  const { transact, facts, workload, audit, clock, minCellSize } = deps;

  /** Team leads of a counselling service only (the route says so too; checked again here). */
  function serviceOf(context: RequestContext): ServiceCode {
    const service = context.actor?.service;
    if (!service || context.actor?.role !== 'team_lead') {
      throw new AppError('forbidden', 'Statistics are for team leads.');
    }
    return service;
  }

  // A pattern depends only on the counts: while they stay the same (no write since), every
  // view, export and report reuses it instead of solving the suppression again.
  const patterns = new Map<string, { digest: string; pattern: FamilyPattern }>();
  function cachedPattern(name: string, spec: FamilySpec): FamilyPattern {
    const digest = familyDigest(spec);
    const cached = patterns.get(name);
    if (cached?.digest === digest) return cached.pattern;
    const pattern = buildFamily(spec, minCellSize);
    patterns.set(name, { digest, pattern });
    return pattern;
  }

  /**
   * Every table of the service for one view, from one suppression pattern per family. The
   * counts are read in one transaction; the suppression is solved after it, so a slow solve
   * never holds a pool connection.
   */
  async function tables(
    service: ServiceCode,
    granularity: StatsGranularity,
    year: number,
  ): Promise<StatsTable[]> {
    const backup = service === 'backup';
    const counts = await transact(service, (client) =>
      facts.viewCounts(service, { incidents: backup }, client),
    );
    const families = await (backup ? backupFamilies(counts) : comebackFamilies(counts));
    return families.flatMap((spec, index) => {
      const pattern = cachedPattern(`${service}:${index}`, spec);
      return spec.tables.map((table) => pattern.render(table.id, granularity, year)!);
    });
  }

  /** Runs a read for the caller's service; the answer leaves only once its event is written. */
  async function answer<T>(
    context: RequestContext,
    action: AuditAction,
    reason: AuditReasonCode,
    work: (service: ServiceCode) => Promise<T>,
  ): Promise<T> {
    const service = serviceOf(context);
    const result = await work(service);
    await audit.record(context, {
      action,
      outcome: 'allowed',
      targetType: 'statistics',
      targetId: service,
      reason,
    });
    return result;
  }

  const currentYear = () => Number(BERLIN_YEAR.format(clock.now()));

  return {
    minCellSize,

    view(
      context: RequestContext,
      query: { granularity?: StatsGranularity; year?: number },
    ): Promise<StatsResponse> {
      const granularity = query.granularity ?? 'month';
      const year = query.year ?? currentYear();
      return answer(context, 'stats.view', `${granularity}:${year}`, async (service) => ({
        service,
        granularity,
        year,
        minCellSize,
        tables: await tables(service, granularity, year),
      }));
    },

    /** One table as CSV; an unknown table answers 404 (audited as denied). */
    async exportCsv(
      context: RequestContext,
      query: {
        table: string;
        granularity?: StatsGranularity;
        year?: number;
        language?: CsvLanguage;
      },
    ): Promise<string> {
      const granularity = query.granularity ?? 'month';
      const year = query.year ?? currentYear();
      const reason = `${query.table}:${granularity}:${year}` as const;
      try {
        return await answer(context, 'stats.export', reason, async (service) => {
          const found = (await tables(service, granularity, year)).find(
            (table) => table.id === query.table,
          );
          if (!found) throw new AppError('not_found', 'No such statistics table.');
          return tableCsv(found, query.language ?? 'de');
        });
      } catch (error) {
        if (error instanceof AppError && error.code === 'not_found') {
          await audit.record(context, {
            action: 'stats.export',
            outcome: 'denied',
            targetType: 'statistics',
            targetId: context.actor?.service ?? undefined,
            reason: 'not_found',
          });
        }
        throw error;
      }
    },

    report(context: RequestContext, query: { year?: number }): Promise<AnnualReport> {
      const year = query.year ?? currentYear();
      return answer(context, 'stats.report', `year:${year}`, async (service) => ({
        service,
        year,
        minCellSize,
        tables: await tables(service, 'quarter', year),
      }));
    },

    /**
     * Makes the facts of every record of a service again (`casework stats rebuild`): for
     * records written before statistics existed, or after a restore. Idempotent; facts of
     * erased records stay. One access-log event per service.
     */
    async rebuildFacts(
      context: RequestContext,
      service: ServiceCode,
      progress: { onStart?(total: number): void; onProgress?(done: number): void } = {},
    ): Promise<number> {
      const sources = await transact(service, (client) => facts.sourceIds(service, client));
      const work = Object.entries(sources).flatMap(([subject, ids]) =>
        ids.map((id) => ({ subject: subject as FactSubject, id })),
      );
      progress.onStart?.(work.length);
      for (let start = 0; start < work.length; start += REBUILD_BATCH) {
        const batch = work.slice(start, start + REBUILD_BATCH);
        await transact(service, async (client) => {
          for (const { subject, id } of batch) await facts.record(service, subject, id, client);
        });
        progress.onProgress?.(start + batch.length);
      }
      await audit.record(context, {
        action: 'stats.rebuild',
        outcome: 'allowed',
        targetType: 'statistics',
        targetId: service,
        reason: `records:${work.length}`,
      });
      return work.length;
    },

    workload(context: RequestContext): Promise<WorkloadResponse> {
      return answer(context, 'stats.workload', 'counts', async (service) => ({
        counsellors: await transact(service, (client) =>
          workload.counsellorWorkload(service, clock.now(), client),
        ),
      }));
    },
  };
}

export type StatsService = ReturnType<typeof createStatsService>;

/** Everything a family's pattern depends on, as one string. */
function familyDigest(spec: FamilySpec): string {
  const series = (counts: ReadonlyMap<number, number>) =>
    [...counts].sort(([a], [b]) => a - b).join(';');
  return [
    series(spec.totals),
    ...spec.tables.flatMap((table) => [
      table.id,
      ...table.rowKeys.map((key) => `${key}=${series(table.counts.get(key) ?? new Map())}`),
    ]),
  ].join('|');
}

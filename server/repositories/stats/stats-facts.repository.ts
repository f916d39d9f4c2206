import { statisticsFactKey } from '../../../crypto/statistics-key.ts';
import type { DbClient } from '../../database/db-client.ts';
import type { Database } from '../../database/prisma-client.ts';
import type {
  ExitPhase,
  IncidentMotive,
  IncidentSource,
  OffenceType,
  District,
  PoliceReport,
  ServiceCode,
} from '../../generated/prisma/enums.ts';
import type { Keyring } from '../../keys/keyring.ts';

// The facts behind team leads' statistics (SECURITY.md, Statistics). Writes read the source
// record's clear category columns (never a ciphertext) and replace its fact; reads count facts.
// A fact's key is a keyed hash of the source id: nothing here stores or returns a record id.

/** What a fact is made from; also the hash's domain, so two subjects never share a key. */
export type FactSubject =
  | 'incident'
  | 'case'
  | 'accompaniment'
  | 'note'
  | 'exit_phase'
  | 'risk'
  | 'prevention'
  | 'training';

export type Activity =
  'accompaniment' | 'contact' | 'exit_phase' | 'risk_level' | 'prevention' | 'training';

/** What the case-work services call after a write, in the write's transaction. */
export interface StatsFactRecorder {
  /** Replaces the fact of this record; a record that is gone (erased) leaves its fact alone. */
  record(service: ServiceCode, subject: FactSubject, id: string, client: DbClient): Promise<void>;
}

/** One count: a period (YYYYMM), a category code and the number. */
export interface MonthCount {
  month: number;
  key: string;
  value: number;
}

export type IncidentDimension = 'offence_type' | 'district' | 'reported_to_police' | 'source';

/** Note kinds that count as a counselling contact. */
const CONTACT_KINDS = new Set(['counselling_session', 'phone_call']);
const ENDINGS = new Set<ExitPhase>(['closing', 'breaking_off']);

export const DURATION_RANGES = ['0-3m', '3-6m', '6-12m', '12-24m', '24m+'] as const;

const BERLIN_MONTH = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
});

/** YYYYMM of a calendar day (a `@db.Date`, midnight UTC). */
function dayMonth(day: Date): number {
  return day.getUTCFullYear() * 100 + day.getUTCMonth() + 1;
}

/** YYYYMM of an instant, in Germany. */
function instantMonth(at: Date): number {
  const [year, month] = BERLIN_MONTH.format(at).split('-');
  return Number(year) * 100 + Number(month);
}

/** The range of the time from first contact to the end of the exit work. */
export function durationRange(from: Date, to: Date): (typeof DURATION_RANGES)[number] {
  const days = Math.max(0, Math.round((to.getTime() - from.getTime()) / 86_400_000));
  if (days < 92) return '0-3m';
  if (days < 183) return '3-6m';
  if (days < 366) return '6-12m';
  if (days < 731) return '12-24m';
  return '24m+';
}

type IncidentFact = {
  month: number;
  offenceType: OffenceType;
  motives: IncidentMotive[];
  district: District;
  affectedCount: number;
  reportedToPolice: PoliceReport;
  source: IncidentSource;
};
type CaseFact = {
  openedMonth: number;
  closedMonth: number | null;
  endedMonth: number | null;
  ending: ExitPhase | null;
  durationRange: string | null;
};
type ActivityFact = {
  month: number;
  activity: Activity;
  kind: string;
  participants: number | null;
};

/** Bulk input of the benchmark and of imports: facts with the ids of their records. */
export interface FactBatch {
  incidents?: Array<IncidentFact & { id: string }>;
  cases?: Array<CaseFact & { id: string }>;
  activities?: Array<ActivityFact & { subject: FactSubject; id: string }>;
}

export function createStatsFactsRepository(keyring: Keyring) {
  /**
   * The key under the current statistics key, and those under every other version this
   * process holds (from memory: asking the database for a destroyed version would take a
   * second pool connection inside the request's transaction). Before a version is destroyed,
   * `keys destroy-retired` moves every live fact to the current key (stats rebuild).
   */
  async function factKeys(service: ServiceCode, subject: FactSubject, id: string) {
    const current = await keyring.currentSubkeys(service);
    const others = (await keyring.allSubkeys(service)).filter(
      (subkeys) => subkeys.version !== current.version,
    );
    const all = [current, ...others].map((subkeys) =>
      statisticsFactKey(subkeys.statisticsKey, subject, id),
    );
    return { current: all[0]!, all };
  }

  /** The clear category columns a fact is made from; undefined when the record is gone. */
  async function readSource(
    service: ServiceCode,
    subject: FactSubject,
    id: string,
    client: DbClient,
  ): Promise<
    | { table: 'incident'; fact: IncidentFact }
    | { table: 'case'; fact: CaseFact }
    | { table: 'activity'; fact: ActivityFact | null }
    | undefined
  > {
    switch (subject) {
      case 'incident': {
        const row = await client.incident.findFirst({
          where: { id, service },
          select: {
            occurredOn: true,
            offenceType: true,
            motives: true,
            district: true,
            affectedCount: true,
            reportedToPolice: true,
            source: true,
          },
        });
        if (!row) return undefined;
        const { occurredOn, ...categories } = row;
        return { table: 'incident', fact: { month: dayMonth(occurredOn), ...categories } };
      }
      case 'case': {
        const row = await client.case.findFirst({
          where: { id, service },
          select: {
            openedOn: true,
            closedOn: true,
            exitPhaseChanges: {
              select: { phase: true, changedOn: true },
              orderBy: [{ changedOn: 'asc' }, { createdAt: 'asc' }],
            },
          },
        });
        if (!row) return undefined;
        // The exit work ended with the last change to closing or breaking off, unless the
        // case went back to an active phase afterwards (aftercare keeps the ending).
        let ended: { phase: ExitPhase; on: Date } | null = null;
        for (const change of row.exitPhaseChanges) {
          if (ENDINGS.has(change.phase)) ended = { phase: change.phase, on: change.changedOn };
          else if (change.phase !== 'aftercare') ended = null;
        }
        return {
          table: 'case',
          fact: {
            openedMonth: dayMonth(row.openedOn),
            closedMonth: row.closedOn ? dayMonth(row.closedOn) : null,
            endedMonth: ended ? dayMonth(ended.on) : null,
            ending: ended?.phase ?? null,
            durationRange: ended ? durationRange(row.openedOn, ended.on) : null,
          },
        };
      }
      case 'accompaniment': {
        const row = await client.accompaniment.findFirst({
          where: { id, service },
          select: { kind: true, takesPlaceOn: true },
        });
        if (!row) return undefined;
        return {
          table: 'activity',
          fact: {
            month: dayMonth(row.takesPlaceOn),
            activity: 'accompaniment',
            kind: row.kind,
            participants: null,
          },
        };
      }
      case 'note': {
        const row = await client.caseNote.findFirst({
          where: { id, service },
          select: { kind: true, createdAt: true, amendsNoteId: true },
        });
        if (!row) return undefined;
        const counts = row.amendsNoteId === null && CONTACT_KINDS.has(row.kind);
        return {
          table: 'activity',
          fact: counts
            ? {
                month: instantMonth(row.createdAt),
                activity: 'contact',
                kind: row.kind,
                participants: null,
              }
            : null,
        };
      }
      case 'exit_phase': {
        const row = await client.exitPhaseChange.findFirst({
          where: { id, service },
          select: { phase: true, changedOn: true },
        });
        if (!row) return undefined;
        return {
          table: 'activity',
          fact: {
            month: dayMonth(row.changedOn),
            activity: 'exit_phase',
            kind: row.phase,
            participants: null,
          },
        };
      }
      case 'risk': {
        const row = await client.riskAssessment.findFirst({
          where: { id, service },
          select: { level: true, decision: true, assessedOn: true },
        });
        if (!row) return undefined;
        return {
          table: 'activity',
          fact:
            row.decision === 'confirmed'
              ? {
                  month: dayMonth(row.assessedOn),
                  activity: 'risk_level',
                  kind: row.level,
                  participants: null,
                }
              : null,
        };
      }
      case 'prevention': {
        const row = await client.preventionContact.findFirst({
          where: { id, service },
          select: { setting: true, heldOn: true, participants: true },
        });
        if (!row) return undefined;
        return {
          table: 'activity',
          fact: {
            month: dayMonth(row.heldOn),
            activity: 'prevention',
            kind: row.setting,
            participants: row.participants,
          },
        };
      }
      case 'training': {
        const row = await client.multiplierTraining.findFirst({
          where: { id, service },
          select: { audience: true, heldOn: true, participants: true },
        });
        if (!row) return undefined;
        return {
          table: 'activity',
          fact: {
            month: dayMonth(row.heldOn),
            activity: 'training',
            kind: row.audience,
            participants: row.participants,
          },
        };
      }
    }
  }

  return {
    async record(service: ServiceCode, subject: FactSubject, id: string, client: DbClient) {
      const source = await readSource(service, subject, id, client);
      if (!source) return;
      const keys = await factKeys(service, subject, id);
      const key = keys.current;
      switch (source.table) {
        case 'incident':
          await client.statsIncidentFact.deleteMany({ where: { key: { in: keys.all }, service } });
          await client.statsIncidentFact.create({ data: { key, service, ...source.fact } });
          return;
        case 'case':
          await client.statsCaseFact.deleteMany({ where: { key: { in: keys.all }, service } });
          await client.statsCaseFact.create({ data: { key, service, ...source.fact } });
          return;
        case 'activity':
          await client.statsActivityFact.deleteMany({ where: { key: { in: keys.all }, service } });
          if (source.fact) {
            await client.statsActivityFact.create({ data: { key, service, ...source.fact } });
          }
          return;
      }
    },

    /** The ids of every record of a service that a fact is made from (to rebuild them). */
    async sourceIds(service: ServiceCode, client: DbClient) {
      const where = { where: { service }, select: { id: true } } as const;
      const ids = (rows: { id: string }[]) => rows.map((row) => row.id);
      return {
        incident: ids(await client.incident.findMany(where)),
        case: ids(await client.case.findMany(where)),
        accompaniment: ids(await client.accompaniment.findMany(where)),
        note: ids(await client.caseNote.findMany(where)),
        exit_phase: ids(await client.exitPhaseChange.findMany(where)),
        risk: ids(await client.riskAssessment.findMany(where)),
        prevention: ids(await client.preventionContact.findMany(where)),
        training: ids(await client.multiplierTraining.findMany(where)),
      } satisfies Record<FactSubject, string[]>;
    },

    /** Bulk insert (benchmark, imports): facts keyed like record() keys them. */
    async insertBatch(service: ServiceCode, batch: FactBatch, client: DbClient): Promise<void> {
      const { statisticsKey } = await keyring.currentSubkeys(service);
      const keyOf = (subject: FactSubject, id: string) =>
        statisticsFactKey(statisticsKey, subject, id);
      if (batch.incidents?.length) {
        await client.statsIncidentFact.createMany({
          data: batch.incidents.map(({ id, ...fact }) => ({
            key: keyOf('incident', id),
            service,
            ...fact,
          })),
        });
      }
      if (batch.cases?.length) {
        await client.statsCaseFact.createMany({
          data: batch.cases.map(({ id, ...fact }) => ({
            key: keyOf('case', id),
            service,
            ...fact,
          })),
        });
      }
      if (batch.activities?.length) {
        await client.statsActivityFact.createMany({
          data: batch.activities.map(({ id, subject, ...fact }) => ({
            key: keyOf(subject, id),
            service,
            ...fact,
          })),
        });
      }
    },

    /**
     * Every count a dashboard view shows, in one statement: incidents and people affected per
     * month for every breakdown (grouping sets; motives apart, several per incident), cases
     * opened, closed and ended (one scan, grouping sets), and events and participants per
     * activity and kind. Incidents only where the service records them.
     */
    async viewCounts(
      service: ServiceCode,
      options: { incidents: boolean },
      client: DbClient,
    ): Promise<FactCounts> {
      const rows = await client.$queryRaw<ViewRow[]>`
        SELECT 'incident' AS part,
               CASE WHEN GROUPING(offence_type) = 0 THEN 'offence_type'
                    WHEN GROUPING(district) = 0 THEN 'district'
                    WHEN GROUPING(reported_to_police) = 0 THEN 'reported_to_police'
                    WHEN GROUPING(source) = 0 THEN 'source' ELSE 'all' END AS dimension,
               month, coalesce(offence_type::text, district::text, reported_to_police::text,
                               source::text) AS key,
               count(*)::int AS a, sum(affected_count)::int AS b
          FROM stats_incident_facts
         WHERE service = ${service}::service_code AND ${options.incidents}::boolean
         GROUP BY GROUPING SETS ((month, offence_type), (month, district),
                                 (month, reported_to_police), (month, source), (month))
        UNION ALL
        SELECT 'incident', 'motive', month, motive::text, count(*)::int,
               sum(affected_count)::int
          FROM stats_incident_facts, unnest(motives) AS motive
         WHERE service = ${service}::service_code AND ${options.incidents}::boolean
         GROUP BY month, motive
        UNION ALL
        SELECT 'case',
               CASE WHEN GROUPING(opened_month) = 0 THEN 'opened'
                    WHEN GROUPING(closed_month) = 0 THEN 'closed'
                    WHEN GROUPING(ending) = 0 THEN 'ending' ELSE 'duration' END,
               coalesce(opened_month, closed_month, ended_month),
               CASE WHEN GROUPING(opened_month) = 0 THEN 'opened'
                    WHEN GROUPING(closed_month) = 0 THEN 'closed'
                    WHEN GROUPING(ending) = 0 THEN ending::text ELSE duration_range END,
               count(*)::int, 0
          FROM stats_case_facts WHERE service = ${service}::service_code
         GROUP BY GROUPING SETS ((opened_month), (closed_month), (ended_month, ending),
                                 (ended_month, duration_range))
        -- Closed and ended counts are of the cases that were closed or ended.
        HAVING GROUPING(opened_month) = 0
            OR (GROUPING(closed_month) = 0 AND closed_month IS NOT NULL)
            OR (GROUPING(ended_month) = 0 AND ended_month IS NOT NULL)
        UNION ALL
        SELECT 'activity', activity, month, kind, count(*)::int,
               coalesce(sum(participants), 0)::int
          FROM stats_activity_facts WHERE service = ${service}::service_code
         GROUP BY month, activity, kind`;
      const incidents = {} as IncidentBreakdowns;
      for (const name of [...INCIDENT_DIMENSIONS, 'motive', 'all'] as const) {
        incidents[name] = { incidents: [], affected: [] };
      }
      const cases: CaseCounts = { openedClosed: [], endings: [], durations: [] };
      const activities: ActivityRow[] = [];
      for (const { part, dimension, month, key, a, b } of rows) {
        if (part === 'incident') {
          const name = dimension as keyof IncidentBreakdowns;
          const rowKey = name === 'all' ? 'all' : key!;
          incidents[name].incidents.push({ month, key: rowKey, value: a });
          incidents[name].affected.push({ month, key: rowKey, value: b });
        } else if (part === 'case') {
          const into =
            dimension === 'ending'
              ? cases.endings
              : dimension === 'duration'
                ? cases.durations
                : cases.openedClosed;
          into.push({ month, key: key!, value: a });
        } else {
          activities.push({
            month,
            activity: dimension as Activity,
            key: key!,
            events: a,
            participants: b,
          });
        }
      }
      const activity = (kind: Activity, measure: 'events' | 'participants'): MonthCount[] =>
        activities
          .filter((row) => row.activity === kind)
          .map((row) => ({ month: row.month, key: row.key, value: row[measure] }));
      return {
        incidentBreakdowns: async () => incidents,
        caseCounts: async () => cases,
        activityBreakdowns: async () => activity,
      };
    },
  };
}

const INCIDENT_DIMENSIONS = ['offence_type', 'district', 'reported_to_police', 'source'] as const;

type IncidentBreakdowns = Record<
  IncidentDimension | 'motive' | 'all',
  { incidents: MonthCount[]; affected: MonthCount[] }
>;
type CaseCounts = { openedClosed: MonthCount[]; endings: MonthCount[]; durations: MonthCount[] };
type ActivityRow = {
  month: number;
  activity: Activity;
  key: string;
  events: number;
  participants: number;
};
type ViewRow = {
  part: 'incident' | 'case' | 'activity';
  dimension: string;
  month: number;
  key: string | null;
  a: number;
  b: number;
};

/** The counts of one view, read once; the table builders take them from here. */
export interface FactCounts {
  incidentBreakdowns(): Promise<IncidentBreakdowns>;
  caseCounts(): Promise<CaseCounts>;
  activityBreakdowns(): Promise<
    (activity: Activity, measure: 'events' | 'participants') => MonthCount[]
  >;
}

export type StatsFactsRepository = ReturnType<typeof createStatsFactsRepository>;

/** Workload of a service's counsellors: counts from the case-work tables, nothing decrypted. */
export function createWorkloadRepository(db: Database) {
  return {
    async counsellorWorkload(service: ServiceCode, now: Date, client: DbClient = db) {
      const counsellors = await client.user.findMany({
        where: { role: 'counsellor', serviceCode: service, disabledAt: null },
        orderBy: { username: 'asc' },
        select: { id: true, username: true },
      });
      const [openCases, upcoming] = await Promise.all([
        client.case.groupBy({
          by: ['assignedCounsellorId'],
          where: { service, status: { not: 'closed' } },
          _count: { _all: true },
        }),
        client.appointment.groupBy({
          by: ['counsellorId'],
          where: { service, status: 'scheduled', startsAt: { gte: now } },
          _count: { _all: true },
        }),
      ]);
      const open = new Map(openCases.map((row) => [row.assignedCounsellorId, row._count._all]));
      const appointments = new Map(upcoming.map((row) => [row.counsellorId, row._count._all]));
      return counsellors.map((user) => ({
        userId: user.id,
        displayName: user.username,
        openCases: open.get(user.id) ?? 0,
        upcomingAppointments: appointments.get(user.id) ?? 0,
      }));
    },
  };
}

export type WorkloadRepository = ReturnType<typeof createWorkloadRepository>;

import { statisticsFactKey } from '../../../crypto/statistics-key.ts';
import type { DbClient } from '../../database/db-client.ts';
import type { Database } from '../../database/prisma-client.ts';
import { Prisma } from '../../generated/prisma/client.ts';
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

  async function countRows(client: DbClient, query: Prisma.Sql): Promise<MonthCount[]> {
    const rows =
      await client.$queryRaw<{ month: number; key: string; value: bigint | number }[]>(query);
    return rows.map((row) => ({ month: row.month, key: row.key, value: Number(row.value) }));
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
     * Incidents and people affected per month for every breakdown: one scan for the single-
     * valued dimensions (grouping sets), one for the motives (several per incident).
     */
    async incidentBreakdowns(service: ServiceCode, client: DbClient) {
      const dimensions = ['offence_type', 'district', 'reported_to_police', 'source'] as const;
      type Row = Record<(typeof dimensions)[number], string | null> & {
        month: number;
        incidents: number;
        affected: number;
      };
      const rows = await client.$queryRaw<Row[]>`
        SELECT month, offence_type::text, district::text, reported_to_police::text, source::text,
               count(*)::int AS incidents, sum(affected_count)::int AS affected
          FROM stats_incident_facts WHERE service = ${service}::service_code
         GROUP BY GROUPING SETS ((month, offence_type), (month, district),
                                 (month, reported_to_police), (month, source), (month))`;
      const motives = await client.$queryRaw<
        { month: number; key: string; incidents: number; affected: number }[]
      >`
        SELECT month, motive::text AS key, count(*)::int AS incidents,
               sum(affected_count)::int AS affected
          FROM stats_incident_facts, unnest(motives) AS motive
         WHERE service = ${service}::service_code
         GROUP BY 1, 2`;
      const result = {} as Record<
        IncidentDimension | 'motive' | 'all',
        { incidents: MonthCount[]; affected: MonthCount[] }
      >;
      for (const name of [...dimensions, 'motive', 'all'] as const) {
        result[name] = { incidents: [], affected: [] };
      }
      for (const row of rows) {
        const dimension = dimensions.find((name) => row[name] !== null) ?? 'all';
        const key = dimension === 'all' ? 'all' : row[dimension]!;
        result[dimension].incidents.push({ month: row.month, key, value: row.incidents });
        result[dimension].affected.push({ month: row.month, key, value: row.affected });
      }
      for (const row of motives) {
        result.motive.incidents.push({ month: row.month, key: row.key, value: row.incidents });
        result.motive.affected.push({ month: row.month, key: row.key, value: row.affected });
      }
      return result;
    },

    /** Cases opened, closed and (ComeBack) ended, per month. */
    async caseCounts(service: ServiceCode, client: DbClient) {
      const scoped = Prisma.sql`FROM stats_case_facts WHERE service = ${service}::service_code`;
      const [opened, closed, endings, durations] = await Promise.all([
        countRows(
          client,
          Prisma.sql`SELECT opened_month AS month, 'opened' AS key, count(*)::int AS value ${scoped} GROUP BY 1`,
        ),
        countRows(
          client,
          Prisma.sql`SELECT closed_month AS month, 'closed' AS key, count(*)::int AS value ${scoped}
            AND closed_month IS NOT NULL GROUP BY 1`,
        ),
        countRows(
          client,
          Prisma.sql`SELECT ended_month AS month, ending::text AS key, count(*)::int AS value ${scoped}
            AND ended_month IS NOT NULL GROUP BY 1, 2`,
        ),
        countRows(
          client,
          Prisma.sql`SELECT ended_month AS month, duration_range AS key, count(*)::int AS value ${scoped}
            AND ended_month IS NOT NULL GROUP BY 1, 2`,
        ),
      ]);
      return { openedClosed: [...opened, ...closed], endings, durations };
    },

    /** Events and their participants per activity, month and kind, in one scan. */
    async activityBreakdowns(service: ServiceCode, client: DbClient) {
      const rows = await client.$queryRaw<
        { month: number; activity: Activity; key: string; events: number; participants: number }[]
      >`
        SELECT month, activity, kind AS key, count(*)::int AS events,
               coalesce(sum(participants), 0)::int AS participants
          FROM stats_activity_facts WHERE service = ${service}::service_code
         GROUP BY 1, 2, 3`;
      return (activity: Activity, measure: 'events' | 'participants'): MonthCount[] =>
        rows
          .filter((row) => row.activity === activity)
          .map((row) => ({ month: row.month, key: row.key, value: row[measure] }));
    },
  };
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

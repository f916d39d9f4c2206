/**
 * `npm run bench:stats`: seeds the statistics facts of 100,000 BackUp incidents and
 * 20,000 ComeBack cases (with their accompaniments, contacts, exit phases, risk levels and
 * prevention events) in bulk through the facts repository, plus counsellors, a few hundred
 * cases and upcoming appointments for the workload view, then measures the server time
 * (Fastify's reply.elapsedTime, requests through app.inject) of a full dashboard request and of
 * the annual report: p50 and p99 over 50 runs each. Runs on its own embedded PostgreSQL.
 *
 *   BENCH_INCIDENTS=100000 BENCH_COMEBACK_CASES=20000 BENCH_RUNS=50 npm run bench:stats
 */
import { buildApp } from '../../server/app.ts';
import { systemClock } from '../../server/clock.ts';
import { createDataLayer } from '../../server/container.ts';
import { loadConfig } from '../../server/config/load-config.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { closeDatabase, createDatabase } from '../../server/database/prisma-client.ts';
import { inServiceScope } from '../../server/database/service-scope.ts';
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
} from '../../server/generated/prisma/enums.ts';
import {
  DURATION_RANGES,
  type FactBatch,
} from '../../server/repositories/stats/stats-facts.repository.ts';
import type { RequestContext } from '../../server/services/actor.ts';
import { startBenchDatabase } from './support/bench-database.ts';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 100_000);
const COMEBACK_CASES = Number(process.env.BENCH_COMEBACK_CASES ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const YEARS = [2020, 2021, 2022, 2023, 2024, 2025, 2026];
const BATCH = 1_000;
const SYSTEM: RequestContext = { actor: null, clientAddress: null, requestId: 'bench' };

const log = (message: string) => console.log(`[bench:stats] ${message}`);
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const values = <T extends string>(codes: Record<string, T>) => Object.values(codes);
const month = () => pick(YEARS) * 100 + 1 + Math.floor(Math.random() * 12);
/** YYYYMM `months` later, at most December 2026. */
const later = (period: number, months: number) => {
  const index = Math.floor(period / 100) * 12 + (period % 100) - 1 + months;
  return Math.min(Math.floor(index / 12) * 100 + (index % 12) + 1, 202612);
};
let sequence = 0;
const sourceId = () => `bench-${(sequence += 1)}`;

/** A fact batch of `count` BackUp incidents with cases, accompaniments and contacts. */
function backupBatch(count: number): FactBatch {
  return {
    incidents: Array.from({ length: count }, () => ({
      id: sourceId(),
      month: month(),
      offenceType: pick(values(OffenceType)),
      motives: [pick(values(IncidentMotive)), pick(values(IncidentMotive))].filter(
        (motive, index, all) => all.indexOf(motive) === index,
      ),
      district: pick(values(District)),
      affectedCount: 1 + Math.floor(Math.random() * 3),
      reportedToPolice: pick(values(PoliceReport)),
      source: pick(values(IncidentSource)),
    })),
    cases: Array.from({ length: Math.round(count / 3) }, () => {
      const opened = month();
      return {
        id: sourceId(),
        openedMonth: opened,
        closedMonth: Math.random() < 0.6 ? later(opened, 2) : null,
        endedMonth: null,
        ending: null,
        durationRange: null,
      };
    }),
    activities: [
      ...Array.from({ length: Math.round(count / 4) }, () => ({
        subject: 'accompaniment' as const,
        id: sourceId(),
        month: month(),
        activity: 'accompaniment' as const,
        kind: pick(values(AccompanimentKind)),
        participants: null,
      })),
      ...Array.from({ length: count }, () => ({
        subject: 'note' as const,
        id: sourceId(),
        month: month(),
        activity: 'contact' as const,
        kind: pick(['counselling_session', 'phone_call']),
        participants: null,
      })),
    ],
  };
}

/** A fact batch of `count` ComeBack cases with their phases, risk levels and events. */
function comebackBatch(count: number): FactBatch {
  return {
    cases: Array.from({ length: count }, () => {
      const opened = month();
      const ended = Math.random() < 0.5;
      return {
        id: sourceId(),
        openedMonth: opened,
        closedMonth: ended ? later(opened, 6) : null,
        endedMonth: ended ? later(opened, 6) : null,
        ending: ended ? pick(['closing', 'breaking_off'] as const) : null,
        durationRange: ended ? pick(DURATION_RANGES) : null,
      };
    }),
    activities: [
      ...Array.from({ length: count * 3 }, () => ({
        subject: 'exit_phase' as const,
        id: sourceId(),
        month: month(),
        activity: 'exit_phase' as const,
        kind: pick(values(ExitPhase)),
        participants: null,
      })),
      ...Array.from({ length: count }, () => ({
        subject: 'risk' as const,
        id: sourceId(),
        month: month(),
        activity: 'risk_level' as const,
        kind: pick(values(RiskLevel)),
        participants: null,
      })),
      ...Array.from({ length: Math.round(count / 10) }, () => ({
        subject: 'prevention' as const,
        id: sourceId(),
        month: month(),
        activity: 'prevention' as const,
        kind: pick(values(PreventionSetting)),
        participants: 5 + Math.floor(Math.random() * 30),
      })),
      ...Array.from({ length: Math.round(count / 20) }, () => ({
        subject: 'training' as const,
        id: sourceId(),
        month: month(),
        activity: 'training' as const,
        kind: pick(values(TrainingAudience)),
        participants: 5 + Math.floor(Math.random() * 40),
      })),
    ],
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const bench = await startBenchDatabase('bench-stats');
try {
  const { appUrl, masterKey } = bench;
  const config = loadConfig({
    CASEWORK_MASTER_KEY: masterKey.toString('base64'),
    CASEWORK_TOTP: 'optional',
    CASEWORK_LOG_LEVEL: 'warn',
    CASEWORK_DATA_DIR: bench.scratch,
    DATABASE_URL: appUrl,
  });
  const app = await buildApp(config);
  let lastElapsed = 0;
  app.addHook('onResponse', async (_request, reply) => {
    lastElapsed = reply.elapsedTime;
  });
  await app.ready();

  const leads: Partial<Record<ServiceCode, { username: string; password: string }>> = {};
  const counsellors: Record<ServiceCode, string[]> = { backup: [], comeback: [] };
  for (const service of ['backup', 'comeback'] as const) {
    const password = `Leuchtturm Nebelhorn ${service} Sanddorn Teamleitung`;
    await app.services.accounts.create(SYSTEM, {
      username: `bench-lead-${service}`,
      role: 'team_lead',
      service,
      password,
    });
    leads[service] = { username: `bench-lead-${service}`, password };
    for (let i = 0; i < 6; i += 1) {
      const { user } = await app.services.accounts.create(SYSTEM, {
        username: `bench-${service}-${i}`,
        role: 'counsellor',
        service,
        password: `Leuchtturm Nebelhorn ${service} ${i} Sanddorn`,
      });
      counsellors[service].push(user.id);
    }
  }

  const db = createDatabase({ url: appUrl, poolMax: 4 });
  const { facts, cases, appointments } = createDataLayer(db, masterKey, systemClock).repositories;
  const seedStarted = performance.now();
  for (let left = INCIDENTS; left > 0; left -= BATCH) {
    const batch = backupBatch(Math.min(BATCH, left));
    await inServiceScope(db, 'backup', (client) => facts.insertBatch('backup', batch, client));
  }
  for (let left = COMEBACK_CASES; left > 0; left -= BATCH) {
    const batch = comebackBatch(Math.min(BATCH, left));
    await inServiceScope(db, 'comeback', (client) => facts.insertBatch('comeback', batch, client));
  }
  log(`seeded facts in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

  // The workload view counts the case-work tables: some real (encrypted) cases and
  // upcoming appointments per counsellor.
  for (const service of ['backup', 'comeback'] as const) {
    const created = await inServiceScope(db, service, (client) =>
      cases.createMany(
        Array.from({ length: 300 }, () => ({
          service,
          year: 2026,
          anonymous: true,
          openedOn: '2026-03-01',
          assignedCounsellorId: pick(counsellors[service]),
          coCounsellorId: null,
          exitPhase: service === 'comeback' ? ('first_contact' as const) : null,
          createdById: counsellors[service][0]!,
          sealed: { pseudonym: `Falke ${Math.floor(Math.random() * 1000)}` },
        })),
        client,
      ),
    );
    await inServiceScope(db, service, async (client) => {
      for (let i = 0; i < 200; i += 1) {
        const startsAt = new Date(Date.now() + (1 + Math.floor(Math.random() * 24 * 30)) * 3.6e6);
        await appointments.create(
          service,
          {
            counsellorId: pick(counsellors[service]),
            caseId: pick(created).id,
            kind: 'counselling_session',
            status: 'scheduled',
            startsAt,
            endsAt: new Date(startsAt.getTime() + 3.6e6),
            location: null,
            note: null,
            createdById: counsellors[service][0]!,
          },
          client,
        );
      }
    });
  }
  await closeDatabase(db);
  await withClient(bench.ownerUrl, (client) => client.query('ANALYZE'));
  const counted = await withClient(bench.superuserUrl, (client) =>
    client.query(
      `SELECT (SELECT count(*)::int FROM stats_incident_facts) AS incidents,
              (SELECT count(*)::int FROM stats_case_facts WHERE service = 'comeback') AS comeback_cases,
              (SELECT count(*)::int FROM stats_activity_facts) AS activities`,
    ),
  );
  const seeded = counted.rows[0] as {
    incidents: number;
    comeback_cases: number;
    activities: number;
  };
  log(
    `facts: ${seeded.incidents} BackUp incidents, ${seeded.comeback_cases} ComeBack cases, ${seeded.activities} activities`,
  );

  const results: { name: string; p50: number; p99: number; wallP50: number; cold: number }[] = [];
  for (const service of ['backup', 'comeback'] as const) {
    const lead = leads[service]!;
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: lead.username, password: lead.password },
    });
    if (login.statusCode !== 200) throw new Error(`sign-in failed: ${login.body}`);
    const cookie = [login.headers['set-cookie'] ?? []]
      .flat()
      .find((c) => c.startsWith('casework_session='))!
      .split(';')[0]!;
    const measure = async (name: string, url: string) => {
      const server: number[] = [];
      const wall: number[] = [];
      let cold = 0;
      for (let run = 0; run < RUNS + 3; run += 1) {
        const started = performance.now();
        const response = await app.inject({ method: 'GET', url, headers: { cookie } });
        const elapsed = performance.now() - started;
        if (response.statusCode !== 200) {
          throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
        }
        if (run === 0) cold = lastElapsed;
        if (run < 3) continue; // warm-up
        server.push(lastElapsed);
        wall.push(elapsed);
      }
      server.sort((a, b) => a - b);
      wall.sort((a, b) => a - b);
      results.push({
        name: `${service} ${name}`,
        p50: percentile(server, 50),
        p99: percentile(server, 99),
        wallP50: percentile(wall, 50),
        cold,
      });
    };
    await measure('GET /api/stats (month)', '/api/stats?granularity=month&year=2026');
    await measure('GET /api/stats (year)', '/api/stats?granularity=year&year=2026');
    await measure('GET /api/stats/workload', '/api/stats/workload');
    await measure('GET /api/stats/report', '/api/stats/report?year=2026');
  }

  console.log('');
  console.log(
    `Statistics benchmark: ${seeded.incidents} BackUp incidents, ${seeded.comeback_cases} ComeBack cases, ${seeded.activities} activity facts; ${RUNS} runs each, server time (reply.elapsedTime)`,
  );
  console.log(
    'request                                   p50 ms   p99 ms  first ms  (inject p50 ms)',
  );
  for (const { name, p50, p99, wallP50, cold } of results) {
    console.log(
      `${name.padEnd(40)} ${p50.toFixed(1).padStart(7)} ${p99.toFixed(1).padStart(8)} ${cold.toFixed(1).padStart(9)} ${wallP50.toFixed(1).padStart(12)}`,
    );
  }
  console.log(
    'first: the first request after seeding (suppression solved); p50/p99: the next 50 (same data, pattern reused)',
  );
  await app.close();
} catch (error) {
  console.error('[bench:stats] failed:', error);
  process.exitCode = 1;
} finally {
  await bench.stop();
}

/**
 * `npm run bench:api`: seeds 100,000 cases across both services through the
 * repositories (every field encrypted, blind-indexed, a data key per case), starts the app on
 * a port and measures with autocannon, in one run: GET /api/cases (50 rows), GET
 * /api/cases/:id, POST /api/cases/:id/notes, and a hello-world route registered only here on
 * the same server as the reference. Runs on its own embedded PostgreSQL; never in `npm test`.
 *
 *   BENCH_CASES=100000 BENCH_SECONDS=10 BENCH_CONNECTIONS=10 npm run bench:api
 */
import autocannon from 'autocannon';
import { buildApp } from '../../server/app.ts';
import { systemClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config/load-config.ts';
import { createDataLayer } from '../../server/container.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { closeDatabase, createDatabase } from '../../server/database/prisma-client.ts';
import { inServiceScope } from '../../server/database/service-scope.ts';
import type { ServiceCode } from '../../server/generated/prisma/enums.ts';
import type { RequestContext } from '../../server/services/actor.ts';
import { startBenchDatabase } from './support/bench-database.ts';

const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
// `npm run bench:audit` sets this: GET /api/cases/:id with and without its audit write.
const AUDIT_COMPARISON = process.env.BENCH_AUDIT_COMPARISON === '1';
const COUNSELLORS_PER_SERVICE = 8;
// A batch is one transaction, which Prisma ends after 5 s.
const BATCH = 500;
const PARALLEL_BATCHES = 4;
const SYSTEM: RequestContext = { actor: null, clientAddress: null, requestId: 'bench' };

const FIRST = [
  'Ali',
  'Anna',
  'Ayşe',
  'Ben',
  'Chiara',
  'Dmitri',
  'Elif',
  'Fatima',
  'Jan',
  'Jürgen',
  'Kemal',
  'Lea',
  'Mehmet',
  'Nina',
  'Olga',
  'Paul',
  'Sara',
  'Tomasz',
  'Yusuf',
  'Zoe',
];
const LAST = [
  'Müller',
  'Schmidt',
  'Yılmaz',
  'Kaya',
  'Nowak',
  'Weber',
  'Demir',
  'Fischer',
  'Ivanova',
  'Becker',
  'Öztürk',
  'Wagner',
  'Hoffmann',
  'Kowalski',
  'Schäfer',
];
const BIRDS = [
  'Amsel',
  'Bussard',
  'Dohle',
  'Eisvogel',
  'Falke',
  'Habicht',
  'Kranich',
  'Lerche',
  'Meise',
  'Pirol',
  'Reiher',
  'Specht',
  'Star',
  'Uhu',
  'Zaunkönig',
];
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

const log = (message: string) => console.log(`[bench:api] ${message}`);
const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

const bench = await startBenchDatabase('bench-api');
try {
  const { appUrl, masterKey } = bench;
  const config = loadConfig({
    CASEWORK_MASTER_KEY: masterKey.toString('base64'),
    CASEWORK_TOTP: 'optional',
    CASEWORK_LOG_LEVEL: 'warn',
    CASEWORK_DATA_DIR: bench.scratch,
    DATABASE_URL: appUrl,
  });
  // The benchmark-only switch: bench:audit:requests measures this same server with and without
  // its access-log writes (one Prisma client, one session, alternating rounds).
  const auditSwitch = { off: false };
  const app = await buildApp(config, { benchmarkAuditSwitch: auditSwitch });
  // The reference: a route on the same server, through the same hooks, touching nothing.
  app.get('/bench/hello', { config: { access: 'public', audit: 'none' } }, async () => ({
    hello: 'world',
  }));
  await app.ready();

  // Counsellors, through the real account service.
  const counsellors: Record<ServiceCode, { id: string; username: string; password: string }[]> = {
    backup: [],
    comeback: [],
  };
  for (const service of ['backup', 'comeback'] as const) {
    for (let i = 0; i < COUNSELLORS_PER_SERVICE; i++) {
      const username = `bench-${service}-${i}`;
      const password = `Leuchtturm Nebelhorn ${service} ${i} Sanddorn`;
      const { user } = await app.services.accounts.create(SYSTEM, {
        username,
        role: 'counsellor',
        service,
        password,
      });
      counsellors[service].push({ id: user.id, username, password });
    }
  }

  // Seeding through the case repository: every field encrypted under a fresh data key per
  // case, blind indexes computed, case numbers reserved per service and year.
  const db = createDatabase({ url: appUrl, poolMax: PARALLEL_BATCHES + 2 });
  const { cases, appointments } = createDataLayer(db, masterKey, systemClock).repositories;
  const backupIds: string[] = [];
  const seedStarted = process.hrtime.bigint();
  const batches: { service: ServiceCode; year: number; count: number }[] = [];
  for (let left = CASES, i = 0; left > 0; i++) {
    const count = Math.min(BATCH, left);
    batches.push({ service: i % 2 === 0 ? 'backup' : 'comeback', year: 2019 + (i % 8), count });
    left -= count;
  }
  let done = 0;
  let lastReport = Date.now();
  const seedBatch = async (batch: (typeof batches)[number]) => {
    const assignees = Array.from(
      { length: batch.count },
      () => pick(counsellors[batch.service]).id,
    );
    const created = await inServiceScope(db, batch.service, (client) =>
      cases.createMany(
        assignees.map((assignedCounsellorId) => {
          const named = Math.random() < 0.4;
          const month = String(1 + Math.floor(Math.random() * 12)).padStart(2, '0');
          const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
          return {
            service: batch.service,
            year: batch.year,
            anonymous: !named && Math.random() < 0.2,
            openedOn: `${batch.year}-${month}-${day}`,
            assignedCounsellorId,
            coCounsellorId: null,
            exitPhase: batch.service === 'comeback' ? ('first_contact' as const) : null,
            createdById: counsellors[batch.service][0]!.id,
            sealed: {
              pseudonym: `${pick(BIRDS)} ${Math.floor(Math.random() * 1000)}`,
              realName: named ? `${pick(FIRST)} ${pick(LAST)}` : null,
              phone: named ? `+49 17${Math.floor(Math.random() * 1e8)}` : null,
              safeContact: named ? 'Nur abends anrufen' : null,
              summary: 'Erstkontakt über Beratungsstelle; weitere Termine vereinbart.',
            },
          };
        }),
        client,
      ),
    );
    if (batch.service === 'backup') {
      // The benchmark's counsellor opens only cases assigned to them: anything else needs a
      // stated access reason (403 access_reason_required) and would measure the refusal.
      const ownerId = counsellors.backup[0]!.id;
      backupIds.push(...created.filter((_, i) => assignees[i] === ownerId).map((c) => c.id));
    }
    done += batch.count;
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      log(`seeded ${done} cases (${Math.round(done / seconds(seedStarted))}/s)`);
    }
  };
  const queue = [...batches];
  await Promise.all(
    Array.from({ length: PARALLEL_BATCHES }, async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) await seedBatch(batch);
    }),
  );
  const seedSeconds = seconds(seedStarted);
  log(
    `seeded ${done} cases in ${seedSeconds.toFixed(1)} s (${Math.round(done / seedSeconds)} cases/s)`,
  );

  // Upcoming appointments for some BackUp cases, so lists show a next appointment.
  const now = Date.now();
  for (let chunk = 0; chunk < 10; chunk++) {
    await inServiceScope(db, 'backup', async (client) => {
      for (let i = 0; i < 200; i++) {
        const startsAt = new Date(now + (1 + Math.floor(Math.random() * 60 * 24)) * 3_600_000);
        await appointments.create(
          'backup',
          {
            counsellorId: pick(counsellors.backup).id,
            caseId: pick(backupIds),
            kind: 'counselling_session',
            status: 'scheduled',
            startsAt,
            endsAt: new Date(startsAt.getTime() + 3_600_000),
            location: 'Beratungsstelle',
            note: null,
            createdById: counsellors.backup[0]!.id,
          },
          client,
        );
      }
    });
  }
  await closeDatabase(db);
  await withClient(bench.ownerUrl, (client) => client.query('ANALYZE'));
  const counts = await withClient(bench.superuserUrl, (client) =>
    client.query(`SELECT service, count(*)::int AS n FROM cases GROUP BY service ORDER BY service`),
  );
  log(`cases: ${counts.rows.map((row) => `${row.service} ${row.n}`).join(', ')}`);

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const who = counsellors.backup[0]!;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: who.username, password: who.password }),
  });
  if (!login.ok) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('casework_session='))!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const headers = { cookie: cookie.split(';')[0]!, 'x-csrf-token': csrfToken };

  const listed = (await (await fetch(`${base}/api/cases`, { headers })).json()) as {
    cases?: unknown[];
  };
  if (listed.cases?.length !== 50)
    throw new Error(`GET /api/cases gave ${listed.cases?.length} rows`);

  const run = async (name: string, options: Parameters<typeof autocannon>[0]) => {
    await autocannon({ ...options, duration: Math.min(2, SECONDS) }); // warm-up
    const result = await autocannon({ ...options, connections: CONNECTIONS, duration: SECONDS });
    return { name, result };
  };
  if (AUDIT_COMPARISON) {
    await compareAuditCost(base, headers);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // requests autocannon left
    await app.close();
  } else {
    const results: { name: string; result: Awaited<ReturnType<typeof autocannon>> }[] = [];
    results.push(await run('hello world (reference)', { url: `${base}/bench/hello` }));
    results.push(await run('GET /api/cases (50 rows)', { url: `${base}/api/cases`, headers }));
    results.push(
      await run('GET /api/cases/:id', {
        url: base,
        headers,
        requests: [
          { method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/cases/${pick(backupIds)}` }) },
        ],
      }),
    );
    results.push(
      await run('POST /api/cases/:id/notes', {
        url: base,
        headers: { ...headers, 'content-type': 'application/json' },
        requests: [
          {
            method: 'POST',
            setupRequest: (r) => ({
              ...r,
              path: `/api/cases/${pick(backupIds)}/notes`,
              body: JSON.stringify({
                kind: 'phone_call',
                body: 'Rückruf: Termin beim Amtsgericht bestätigt, Begleitung organisiert.',
              }),
            }),
          },
        ],
      }),
    );

    const reference = results[0]!.result.requests.average;
    console.log('');
    console.log(
      `API benchmark: ${done} cases (${counts.rows.map((row) => `${row.service} ${row.n}`).join(', ')}), seeded in ${seedSeconds.toFixed(1)} s; ${CONNECTIONS} connections, ${SECONDS} s per route, pool ${config.database.poolMax}`,
    );
    console.log(
      'route                          req/s     p50 ms   p99 ms   vs reference   non-2xx  errors',
    );
    for (const { name, result } of results) {
      console.log(
        [
          name.padEnd(28),
          Math.round(result.requests.average).toString().padStart(8),
          result.latency.p50.toFixed(1).padStart(10),
          result.latency.p99.toFixed(1).padStart(8),
          `${((result.requests.average / reference) * 100).toFixed(1)} %`.padStart(14),
          String(result.non2xx).padStart(9),
          String(result.errors + result.timeouts).padStart(7),
        ].join(' '),
      );
    }
    // autocannon drops its connections at the end; let the requests still running finish.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await app.close();
  }

  /** GET /api/cases/:id with and without its audit write, in alternating rounds. */
  async function compareAuditCost(url: string, viewHeaders: Record<string, string>) {
    const view = () =>
      run('GET /api/cases/:id', {
        url,
        headers: viewHeaders,
        requests: [
          { method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/cases/${pick(backupIds)}` }) },
        ],
      });
    const totals = { with: 0, without: 0, withP99: 0, withoutP99: 0 };
    const ROUNDS = 3;
    for (let round = 0; round < ROUNDS; round++) {
      auditSwitch.off = false;
      const a = (await view()).result;
      auditSwitch.off = true;
      const b = (await view()).result;
      auditSwitch.off = false;
      if (a.non2xx + a.errors + b.non2xx + b.errors > 0) {
        throw new Error(
          `round ${round}: ${a.non2xx + b.non2xx} non-2xx, ${a.errors + b.errors} errors`,
        );
      }
      totals.with += a.requests.average / ROUNDS;
      totals.without += b.requests.average / ROUNDS;
      totals.withP99 = Math.max(totals.withP99, a.latency.p99);
      totals.withoutP99 = Math.max(totals.withoutP99, b.latency.p99);
    }
    console.log('');
    console.log(
      `GET /api/cases/:id with audit write:    ${Math.round(totals.with)} req/s (p99 ≤ ${totals.withP99} ms)`,
    );
    console.log(
      `GET /api/cases/:id without audit write: ${Math.round(totals.without)} req/s (p99 ≤ ${totals.withoutP99} ms)`,
    );
    console.log(`audit_write_throughput_ratio=${(totals.with / totals.without).toFixed(2)}`);
  }
} catch (error) {
  console.error('[bench:api] failed:', error);
  process.exitCode = 1;
} finally {
  await bench.stop();
}

/**
 * `npm run test:load`: the real server (`npm start`'s entry point, its own process)
 * on a fresh embedded database with seeded data, driven by autocannon from this process with
 * 200 signed-in users — counsellors of both services, team leads and auditors — in a mix of
 * list, view, search, note, appointment, statistics and access-log requests for 60 seconds.
 * Prints requests/s and p50/p99 per route and the error count, then checks that every note
 * acknowledged during the run is stored and readable and that the access log verifies. Exits 1
 * on any error.
 *
 *   LOAD_USERS=200 LOAD_SECONDS=60 LOAD_RATE=1 npm run test:load
 *
 * LOAD_RATE (a whole number, default 1) caps the requests per second of each user: every user
 * waits for an answer before the next request, so a slow server shows up as latency, and each
 * user gets a fair share (a cap over all connections let the first ones take it all).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import autocannon, { type RequestStep } from 'autocannon';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config/load-config.ts';
import { findFreePort } from '../../server/database/embedded-postgres.ts';
import type { ServiceCode } from '../../server/generated/prisma/enums.ts';
import type { RequestContext } from '../../server/services/actor.ts';
import { startBenchDatabase } from '../bench/support/bench-database.ts';
import { planFor, type LoadUser, type PlannedRequest } from './request-mix.ts';

const USERS = Number(process.env.LOAD_USERS ?? 200);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const RATE = Number(process.env.LOAD_RATE ?? 1);
const CASES_PER_COUNSELLOR = 3;
const SYSTEM: RequestContext = { actor: null, clientAddress: null, requestId: 'load' };
const ROOT = path.resolve(import.meta.dirname, '..', '..');

const log = (message: string) => console.log(`[test:load] ${message}`);
const bench = await startBenchDatabase('load');
let failures = 0;
const fail = (message: string) => {
  failures += 1;
  console.error(`[test:load] FAIL ${message}`);
};

try {
  const env = {
    CASEWORK_MASTER_KEY: bench.masterKey.toString('base64'),
    CASEWORK_TOTP: 'optional',
    CASEWORK_LOG_LEVEL: 'warn',
    CASEWORK_DATA_DIR: bench.scratch,
    DATABASE_URL: bench.appUrl,
    CASEWORK_MIGRATION_DATABASE_URL: bench.ownerUrl,
  };

  // Users, their sessions (kept in PostgreSQL, so the server process accepts them) and their
  // cases, made through the real services of an app in this process. Each user signs in from
  // an address of their own, as 200 people in their offices would.
  const setup = await buildApp(loadConfig(env));
  await setup.ready();
  const users: LoadUser[] = [];
  for (let i = 0; i < USERS; i++) {
    const share = ((i * 37) % USERS) / USERS; // roles interleaved along the user list
    const role = share < 0.75 ? 'counsellor' : share < 0.9 ? 'team_lead' : 'auditor';
    const service: ServiceCode | null = role === 'auditor' ? null : i % 2 ? 'comeback' : 'backup';
    const username = `load-${role}-${i}`;
    const password = `Gezeitenstrom Wattwurm ${i} Seeschwalbe`;
    await setup.services.accounts.create(SYSTEM, { username, role, service, password });
    const login = await setup.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: `10.20.${i >> 8}.${i & 255}`,
      payload: { username, password },
    });
    if (login.statusCode !== 200) throw new Error(`sign-in ${username}: ${login.body}`);
    const cookie = [login.headers['set-cookie'] ?? []]
      .flat()
      .find((c) => c.startsWith('casework_session='))!
      .split(';')[0]!;
    const headers = { cookie, 'x-csrf-token': login.json<{ csrfToken: string }>().csrfToken };
    const user: LoadUser = { index: i, role, service, headers, cases: [] };
    for (let k = 0; role === 'counsellor' && k < CASES_PER_COUNSELLOR; k++) {
      const pseudonym = `Lastprobe ${i}-${k}`;
      const created = await setup.inject({
        method: 'POST',
        url: '/api/cases',
        headers,
        payload: { person: { pseudonym } },
      });
      if (created.statusCode !== 201) throw new Error(`case for ${username}: ${created.body}`);
      user.cases.push({ id: created.json<{ id: string }>().id, pseudonym });
    }
    users.push(user);
  }
  const routes = new Set(setup.routeTable.map((route) => `${route.method} ${route.url}`));
  await setup.close();
  log(`${USERS} users signed in, ${users.reduce((n, u) => n + u.cases.length, 0)} cases seeded`);

  // The server under test, as `npm start` runs it.
  const port = await findFreePort();
  // LOAD_CPU_PROFILE=<dir> writes a V8 CPU profile of the server (open it in Chrome DevTools).
  const profile = process.env.LOAD_CPU_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LOAD_CPU_PROFILE}`]
    : [];
  const server = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', path.join('server', 'main.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, ...env, PORT: String(port) },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let tries = 0; ; tries++) {
      if (server.exitCode !== null) throw new Error('the server exited during start');
      const health = await fetch(`${base}/api/health`).catch(() => null);
      if (health?.ok) break;
      if (tries > 1200) throw new Error('the server did not become healthy within 120 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const plan = planFor((method, url) => routes.has(`${method} ${url}`));
    if (!plan.statistics) log('no /api/stats route yet: team leads use workload-free requests');
    const latencies = new Map<string, number[]>();
    const refused = new Map<string, Map<number, number>>();
    const written: { user: LoadUser; caseId: string; id: string; body: string }[] = [];
    let nextUser = 0;

    // One user per connection: autocannon hands each connection (client) to setupClient once,
    // and that connection's requests carry the user's state in their closures (autocannon's
    // per-connection context is reset after every pass through the request list).
    const userRequests = (user: LoadUser): RequestStep[] => {
      let step = 0;
      let current: PlannedRequest | undefined;
      let at = 0;
      return [
        {
          setupRequest: (request) => {
            current = plan.next(user, step++);
            at = performance.now();
            return {
              ...request,
              method: current.method,
              path: current.path,
              headers: current.body
                ? { ...user.headers, 'content-type': 'application/json' }
                : user.headers,
              body: current.body ? JSON.stringify(current.body) : undefined,
            };
          },
          onResponse: (status, body) => {
            const planned = current!;
            const times = latencies.get(planned.route) ?? [];
            times.push(performance.now() - at);
            latencies.set(planned.route, times);
            if (status >= 400) {
              const byStatus = refused.get(planned.route) ?? new Map<number, number>();
              byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
              refused.set(planned.route, byStatus);
            } else if (planned.route === 'POST /api/cases/:id/notes') {
              const note = JSON.parse(body) as { id: string; body: string };
              written.push({ user, caseId: planned.caseId!, ...note });
            }
          },
        },
      ];
    };

    log(`${USERS} users for ${SECONDS} s, ${RATE} request(s)/s per user at most`);
    const result = await autocannon({
      url: base,
      connections: USERS,
      connectionRate: RATE,
      duration: SECONDS,
      timeout: 30,
      setupClient: (client) => client.setRequests(userRequests(users[nextUser++ % users.length]!)),
    });

    const percentile = (sorted: number[], p: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
    console.log('');
    console.log(
      `Load test: ${USERS} users (75 % counsellors of both services, 15 % team leads, 10 % auditors), ${SECONDS} s`,
    );
    console.log('route                               requests   req/s   p50 ms   p99 ms   errors');
    for (const [route, times] of [...latencies].sort()) {
      const sorted = times.sort((a, b) => a - b);
      console.log(
        [
          route.padEnd(34),
          String(times.length).padStart(9),
          (times.length / SECONDS).toFixed(1).padStart(7),
          percentile(sorted, 50).toFixed(0).padStart(8),
          percentile(sorted, 99).toFixed(0).padStart(8),
          [...(refused.get(route) ?? [])].map(([status, n]) => `${n}×${status}`).join(' ') ||
            '0'.padStart(8),
        ].join(' '),
      );
    }
    const errors = result.errors + result.timeouts + result.non2xx;
    console.log(
      `all: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; errors ${errors} (non-2xx ${result.non2xx}, connection errors ${result.errors}, timeouts ${result.timeouts})`,
    );
    if (errors > 0) fail(`${errors} requests failed`);

    // Every acknowledged note is stored and reads back with its text.
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // requests autocannon left
    const byCase = new Map<string, typeof written>();
    for (const note of written) byCase.set(note.caseId, [...(byCase.get(note.caseId) ?? []), note]);
    let missing = 0;
    for (const [caseId, notes] of byCase) {
      const { headers } = notes[0]!.user;
      const stored = new Map<string, string>();
      for (let offset = 0; ; offset += 100) {
        const page = await fetch(`${base}/api/cases/${caseId}/notes?limit=100&offset=${offset}`, {
          headers,
        });
        if (!page.ok) throw new Error(`reading notes of a case: ${page.status}`);
        const found = (await page.json()) as {
          notes: { id: string; body: string }[];
          total: number;
        };
        for (const note of found.notes) stored.set(note.id, note.body);
        if (offset + 100 >= found.total) break;
      }
      missing += notes.filter((note) => stored.get(note.id) !== note.body).length;
    }
    log(`${written.length} notes written during the run; ${missing} missing or changed`);
    if (written.length === 0 || missing > 0)
      fail('notes written during the run are not all stored');

    const auditor = users.find((user) => user.role === 'auditor')!;
    const verified = await fetch(`${base}/api/audit/verify`, { headers: auditor.headers });
    const report = (await verified.json()) as { ok?: boolean; checked?: number };
    log(`access log: ${verified.status} ${JSON.stringify(report)}`);
    if (!verified.ok || report.ok !== true) fail('the access log does not verify');
  } finally {
    server.kill('SIGTERM');
    await exited;
  }
} catch (error) {
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  await bench.stop();
}
process.exitCode = failures > 0 ? 1 : 0;

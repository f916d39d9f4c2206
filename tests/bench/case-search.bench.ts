/**
 * `npm run bench:search`: seeds BENCH_CASES (default 5,000) cases into one service through the
 * case repository (every field encrypted, a data key per case) and measures the server time of
 * a partial search (POST /api/cases/search, part of a pseudonym and part of a case number),
 * which decrypts the service's pseudonyms for each request. Prints median and 95th percentile
 * as the server logs them (Fastify's response time). Runs on its own embedded PostgreSQL;
 * never in `npm test`. The goal is a median under 300 ms at 5,000 cases.
 *
 *   BENCH_CASES=5000 BENCH_ROUNDS=20 npm run bench:search
 */
import { buildApp } from '../../server/app.ts';
import { systemClock } from '../../server/clock.ts';
import { createDataLayer } from '../../server/container.ts';
import { loadConfig } from '../../server/config/load-config.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { createDatabase } from '../../server/database/prisma-client.ts';
import { inServiceScope } from '../../server/database/service-scope.ts';
import type { RequestContext } from '../../server/services/actor.ts';
import { startBenchDatabase } from './support/bench-database.ts';

const CASES = Number(process.env.BENCH_CASES ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const BATCH = 500;
const SYSTEM: RequestContext = { actor: null, clientAddress: null, requestId: 'bench' };
const BIRDS = ['Amsel', 'Dohle', 'Falke', 'Kranich', 'Meise', 'Möwe', 'Reiher', 'Zeisig'];

const log = (message: string) => console.log(`[bench:search] ${message}`);

const bench = await startBenchDatabase('bench-search');
try {
  const config = loadConfig({
    CASEWORK_MASTER_KEY: bench.masterKey.toString('base64'),
    CASEWORK_TOTP: 'optional',
    CASEWORK_LOG_LEVEL: 'warn',
    CASEWORK_DATA_DIR: bench.scratch,
    DATABASE_URL: bench.appUrl,
  });
  const app = await buildApp(config);
  // Server time per request, as Fastify measures it (no network, no client in the number).
  const serverMs: number[] = [];
  app.addHook('onResponse', async (request, reply) => {
    if (request.url === '/api/cases/search') serverMs.push(reply.elapsedTime);
  });
  await app.ready();

  const password = 'Leuchtturm Nebelhorn Sanddorn Bench';
  const { user } = await app.services.accounts.create(SYSTEM, {
    username: 'bench-search',
    role: 'counsellor',
    service: 'backup',
    password,
  });

  const db = createDatabase({ url: bench.appUrl, poolMax: 2 });
  const { cases } = createDataLayer(db, bench.masterKey, systemClock).repositories;
  for (let done = 0; done < CASES; done += BATCH) {
    const count = Math.min(BATCH, CASES - done);
    const year = 2020 + ((done / BATCH) % 7); // createMany takes one year per call
    await inServiceScope(db, 'backup', (client) =>
      cases.createMany(
        Array.from({ length: count }, (_, i) => ({
          service: 'backup' as const,
          year,
          anonymous: false,
          openedOn: `${year}-03-01`,
          assignedCounsellorId: user.id,
          coCounsellorId: null,
          exitPhase: null,
          createdById: user.id,
          sealed: {
            pseudonym: `${BIRDS[(done + i) % BIRDS.length]} ${done + i}`,
            realName: null,
            summary: 'Erstkontakt über Beratungsstelle.',
          },
        })),
        client,
      ),
    );
  }
  await db.$disconnect();
  await withClient(bench.ownerUrl, (client) => client.query('ANALYZE'));
  log(`seeded ${CASES} cases in one service`);

  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'bench-search', password },
  });
  if (login.statusCode !== 200) throw new Error(`sign-in failed: ${login.statusCode}`);
  const cookie = login.cookies.find((c) => c.name === 'casework_session')!;
  const { csrfToken } = login.json() as { csrfToken: string };

  for (const term of ['Möwe 12', '2024-00']) {
    serverMs.length = 0;
    let hits = 0;
    for (let round = 0; round < ROUNDS + 2; round++) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/cases/search',
        cookies: { casework_session: cookie.value },
        headers: { 'x-csrf-token': csrfToken },
        payload: { q: term, limit: 50, offset: 0 },
      });
      if (response.statusCode !== 200) throw new Error(`search: ${response.statusCode}`);
      hits = (response.json() as { total: number }).total;
    }
    const timed = serverMs.slice(2).sort((a, b) => a - b); // the first two warm up
    const at = (q: number) => timed[Math.min(timed.length - 1, Math.floor(q * timed.length))]!;
    log(
      `partial search "${term}" over ${CASES} cases: ${hits} hits, server time ` +
        `median ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms (${timed.length} rounds)`,
    );
  }
  await app.close();
} finally {
  await bench.stop();
}

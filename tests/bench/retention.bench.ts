/**
 * `npm run bench:retention`: seeds closed cases across both services through the
 * repositories (every field encrypted, a data key per case, two notes each), half of them
 * past their retention period, and measures on an embedded PostgreSQL of its own:
 * - the dry run (finding what is due), and
 * - the sweep erasing every due case (crypto-shredding, one transaction and one access-log
 *   event with its deletion certificate per case).
 * Never part of `npm test`.
 *
 *   BENCH_CASES=5000 npm run bench:retention
 */
import { systemClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config/load-config.ts';
import { createDataLayer, createServices } from '../../server/container.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { closeDatabase, createDatabase } from '../../server/database/prisma-client.ts';
import { inServiceScope } from '../../server/database/service-scope.ts';
import type { ServiceCode } from '../../server/generated/prisma/enums.ts';
import type { RequestContext } from '../../server/services/actor.ts';
import { startBenchDatabase } from './support/bench-database.ts';

const CASES = Number(process.env.BENCH_CASES ?? 5_000);
const BATCH = 250;
const CLI: RequestContext = { actor: null, clientAddress: null, requestId: 'bench:retention' };

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

const bench = await startBenchDatabase('retention');
try {
  const db = createDatabase({ url: bench.appUrl, poolMax: 4 });
  const { repositories } = createDataLayer(db, bench.masterKey, systemClock);
  const { cases, notes } = repositories;

  const counsellors: Record<ServiceCode, string> = {
    backup: crypto.randomUUID(),
    comeback: crypto.randomUUID(),
  };
  await withClient(bench.ownerUrl, async (client) => {
    for (const [service, id] of Object.entries(counsellors)) {
      await client.query(
        `INSERT INTO users (id, username, role, service_code, password_hash, updated_at)
         VALUES ($1, $2, 'counsellor', $3, 'x', now())`,
        [id, `bench-${service}`, service],
      );
    }
  });

  const seedStarted = process.hrtime.bigint();
  for (let done = 0, i = 0; done < CASES; i++) {
    const service: ServiceCode = i % 2 === 0 ? 'backup' : 'comeback';
    const count = Math.min(BATCH, CASES - done);
    await inServiceScope(db, service, async (client) => {
      const created = await cases.createMany(
        Array.from({ length: count }, () => ({
          service,
          year: 2018,
          anonymous: false,
          openedOn: '2018-03-01',
          assignedCounsellorId: counsellors[service],
          coCounsellorId: null,
          exitPhase: service === 'comeback' ? ('first_contact' as const) : null,
          createdById: counsellors[service],
          sealed: { pseudonym: `Kranich ${Math.random()}`, summary: 'Erstkontakt' },
        })),
        client,
      );
      for (const { id } of created) {
        for (const body of ['Gespräch in der Beratungsstelle', 'Rückruf vereinbart']) {
          await notes.create(
            service,
            id,
            {
              kind: 'phone_call',
              body,
              amendsNoteId: null,
              authorId: counsellors[service],
              createdAt: new Date(),
            },
            client,
          );
        }
      }
    });
    done += count;
  }
  // Closed in 2019 (due under both services' defaults) or in 2026 (not due).
  await withClient(bench.superuserUrl, (client) =>
    client.query(`UPDATE cases SET status = 'closed', closing_reason = pseudonym,
                    closed_on = CASE WHEN random() < 0.5 THEN DATE '2019-06-30' ELSE DATE '2026-06-30' END`),
  );
  const seedSeconds = seconds(seedStarted);

  const { retention } = createServices(repositories, {
    config: {
      ...loadConfig(),
      retention: {
        closedCaseYears: { backup: 3, comeback: 5 },
        appointmentMonths: 12,
        unlinkedIncidentMonths: 36,
        sweepHours: 0,
      },
    },
    masterKey: bench.masterKey,
    clock: systemClock,
  }).lifecycle;

  const planStarted = process.hrtime.bigint();
  const plan = await retention.run(CLI, { dryRun: true });
  const planSeconds = seconds(planStarted);

  const sweepStarted = process.hrtime.bigint();
  const report = await retention.run(CLI, { dryRun: false });
  const sweepSeconds = seconds(sweepStarted);

  const left = await withClient(bench.superuserUrl, (client) =>
    client.query<{ cases: number; keys: number }>(
      `SELECT (SELECT count(*)::int FROM cases) AS cases,
              (SELECT count(*)::int FROM data_keys WHERE owner_type = 'case' AND wrapped_key IS NULL) AS keys`,
    ),
  );
  await closeDatabase(db);

  console.log(`cases seeded:           ${CASES} (2 notes each) in ${seedSeconds.toFixed(1)} s`);
  console.log(
    `dry run:                ${plan.due.length} due, found in ${planSeconds.toFixed(2)} s`,
  );
  console.log(
    `sweep:                  ${report.erased.length} cases erased in ${sweepSeconds.toFixed(1)} s ` +
      `(${((sweepSeconds * 1000) / Math.max(report.erased.length, 1)).toFixed(1)} ms per case)`,
  );
  console.log(
    `afterwards:             ${left.rows[0]!.cases} cases left, ${left.rows[0]!.keys} case keys destroyed`,
  );
} finally {
  await bench.stop();
}

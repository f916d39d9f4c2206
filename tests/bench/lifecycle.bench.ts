/**
 * `npm run bench:lifecycle`: seeds 100,000 cases across both services through the
 * repositories (as bench:api does), then measures on the same embedded PostgreSQL:
 * - key rotation of both services (every data key re-wrapped, every blind index recomputed),
 * - `backup create` (time and file size), `backup restore` into an empty database, and
 *   `backup verify` (restore into a throwaway database plus the sampled checks).
 * Never part of `npm test`.
 *
 *   BENCH_CASES=100000 npm run bench:lifecycle
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatVerifierKey, generateCheckpointSigner } from '../../crypto/index.ts';
import { systemClock } from '../../server/clock.ts';
import {
  createAccessLog,
  createDataLayer,
  createDatabaseBackup,
  createKeyRotation,
  createRestoredChecks,
} from '../../server/container.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { closeDatabase, createDatabase } from '../../server/database/prisma-client.ts';
import { inServiceScope } from '../../server/database/service-scope.ts';
import type { ServiceCode } from '../../server/generated/prisma/enums.ts';
import type { RequestContext } from '../../server/services/actor.ts';
import { startBenchDatabase } from './support/bench-database.ts';

const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const BATCH = 500;
const PARALLEL_BATCHES = 4;
const CLI: RequestContext = { actor: null, clientAddress: null, requestId: 'bench:lifecycle' };

const log = (message: string) => console.log(`[bench:lifecycle] ${message}`);
const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const BIRDS = ['Amsel', 'Bussard', 'Dohle', 'Eisvogel', 'Falke', 'Kranich', 'Lerche', 'Meise'];
const NAMES = ['Anna Müller', 'Kemal Yılmaz', 'Olga Nowak', 'Jan Becker', 'Elif Demir'];

const bench = await startBenchDatabase('bench-lifecycle');
try {
  const { ownerUrl, appUrl, scratch } = bench;
  const restoredDb = await bench.emptyDatabase('restored');
  const verifyDb = await bench.emptyDatabase('verify');

  const masterKey = new Uint8Array(bench.masterKey);
  const db = createDatabase({ url: appUrl, poolMax: PARALLEL_BATCHES + 2 });
  const { repositories } = createDataLayer(db, masterKey, systemClock);
  const cases = repositories.cases;
  const audit = createAccessLog(repositories.audits, 'none');

  // One counsellor per service (cases reference a user), inserted as the owner.
  const counsellors: Record<ServiceCode, string> = {
    backup: crypto.randomUUID(),
    comeback: crypto.randomUUID(),
  };
  await withClient(ownerUrl, async (client) => {
    for (const [service, id] of Object.entries(counsellors)) {
      await client.query(
        `INSERT INTO users (id, username, role, service_code, password_hash, updated_at)
         VALUES ($1, $2, 'counsellor', $3, 'x', now())`,
        [id, `bench-${service}`, service],
      );
    }
  });
  // Some access-log events, so the backup carries a chain to verify.
  for (let i = 0; i < 200; i++) {
    await audit.record(CLI, { action: 'backup.create', outcome: 'allowed' });
  }

  const seedStarted = process.hrtime.bigint();
  const batches: { service: ServiceCode; year: number; count: number }[] = [];
  for (let left = CASES, i = 0; left > 0; i++) {
    const count = Math.min(BATCH, left);
    batches.push({ service: i % 2 === 0 ? 'backup' : 'comeback', year: 2019 + (i % 8), count });
    left -= count;
  }
  let seeded = 0;
  const queue = [...batches];
  await Promise.all(
    Array.from({ length: PARALLEL_BATCHES }, async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) {
        const { service, year, count } = batch;
        await inServiceScope(db, service, (client) =>
          cases.createMany(
            Array.from({ length: count }, () => ({
              service,
              year,
              anonymous: false,
              openedOn: `${year}-0${1 + Math.floor(Math.random() * 9)}-1${Math.floor(Math.random() * 9)}`,
              assignedCounsellorId: counsellors[service],
              coCounsellorId: null,
              exitPhase: service === 'comeback' ? ('first_contact' as const) : null,
              createdById: counsellors[service],
              sealed: {
                pseudonym: `${pick(BIRDS)} ${Math.floor(Math.random() * 1000)}`,
                realName: Math.random() < 0.4 ? pick(NAMES) : null,
                phone: '+49 170 1234567',
                summary: 'Erstkontakt über Beratungsstelle; weitere Termine vereinbart.',
              },
            })),
            client,
          ),
        );
        seeded += count;
      }
    }),
  );
  log(`seeded ${seeded} cases in ${seconds(seedStarted).toFixed(1)} s`);
  await withClient(ownerUrl, (client) => client.query('ANALYZE'));

  // Key rotation of both services, as `keys rotate` runs it (owner role).
  const ownerDb = createDatabase({ url: ownerUrl, poolMax: 4 });
  const rotation = createKeyRotation({ ownerDb, masterKey, audit, clock: systemClock });
  const rotationStarted = process.hrtime.bigint();
  const rotated = [];
  for (const scope of ['backup', 'comeback'] as const) {
    rotated.push(await rotation.rotate(CLI, scope));
  }
  const rotationSeconds = seconds(rotationStarted);
  const rewrapped = rotated.reduce((sum, r) => sum + r.rewrapped, 0);
  const reindexed = rotated.reduce((sum, r) => sum + r.reindexed, 0);
  log(`rotated both services in ${rotationSeconds.toFixed(1)} s`);
  await closeDatabase(ownerDb);

  const backups = createDatabaseBackup({ masterKey, clock: systemClock, audit });
  const file = path.join(scratch, 'bench.backup');
  const backupStarted = process.hrtime.bigint();
  const created = await backups.create(CLI, ownerUrl, file);
  const backupSeconds = seconds(backupStarted);
  log(`backup written in ${backupSeconds.toFixed(1)} s`);

  const restoreStarted = process.hrtime.bigint();
  const restored = await backups.restore(CLI, restoredDb.ownerUrl, file);
  const restoreSeconds = seconds(restoreStarted);
  log(`restored in ${restoreSeconds.toFixed(1)} s`);

  const publicKeyFile = path.join(scratch, 'audit.pub');
  fs.writeFileSync(
    publicKeyFile,
    formatVerifierKey(generateCheckpointSigner('casework-access-log')),
  );
  const verifyStarted = process.hrtime.bigint();
  const report = await backups.verify(
    file,
    {
      ownerUrl: verifyDb.ownerUrl,
      appUrl: verifyDb.appUrl,
      drop: async () => {},
    },
    createRestoredChecks(masterKey, publicKeyFile, systemClock),
  );
  const verifySeconds = seconds(verifyStarted);
  await closeDatabase(db);
  if (!report.ok) throw new Error(`verify failed: ${JSON.stringify(report)}`);

  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  console.log('');
  console.log(`Lifecycle benchmark: ${seeded} cases (half BackUp, half ComeBack), 2 CPU cores`);
  console.log(
    `key rotation (both services): ${rotationSeconds.toFixed(1)} s — ${rewrapped} data keys re-wrapped, ${reindexed} blind-index rows recomputed (${Math.round(rewrapped / rotationSeconds)} keys/s overall)`,
  );
  console.log(
    `backup create:  ${backupSeconds.toFixed(1)} s, ${created.rows} rows, file ${mb(created.bytes)} (${Math.round(created.bytes / seeded)} bytes/case)`,
  );
  console.log(
    `backup restore: ${restoreSeconds.toFixed(1)} s, ${restored.rows} rows into an empty database`,
  );
  console.log(
    `backup verify:  ${verifySeconds.toFixed(1)} s (restore + ${report.dataKeysUnwrapped} data keys unwrapped, ${report.casesDecrypted} cases decrypted, ${report.accessLog.checked} access-log events verified)`,
  );
} catch (error) {
  console.error('[bench:lifecycle] failed:', error);
  process.exitCode = 1;
} finally {
  await bench.stop();
}

/**
 * `npm run bench:audit`, second part: the time to verify 1,000,000 access-log
 * events (the first part, a case read with and without its audit write, is api.bench.ts).
 * Runs on its own embedded PostgreSQL; never part of `npm test`.
 */
import { startBenchDatabase } from './support/bench-database.ts';
import { measureVerification } from './audit-verify.ts';

const EVENTS = Number(process.argv[2] ?? 1_000_000);

const bench = await startBenchDatabase('bench-audit');
try {
  const { ownerUrl, appUrl } = bench;
  const result = await measureVerification({ ownerUrl, appUrl }, EVENTS);
  console.log(`filled ${result.count} chained events in ${result.fillSeconds.toFixed(1)} s`);
  console.log(`verify_seconds_${result.count}=${result.verifySeconds.toFixed(2)}`);
  console.log(`verify_events_per_second=${Math.round(result.count / result.verifySeconds)}`);
} finally {
  await bench.stop();
}

/**
 * Runs the unit and integration tiers with the system clock moved to the turn of a month and
 * of a year in Europe/Berlin (Debian's `faketime`), so that no test depends on today's date:
 * every date a test compares must come from the injected test clock.
 *
 * faketime is given an offset ("+Ns"), not a start time ("@…"): with a start time every
 * process (the embedded PostgreSQL included) would start its own clock at that instant, and
 * the database would run minutes behind the server.
 *
 *   npm run test:dates                       # the default instants below
 *   npm run test:dates -- "2027-03-28 02:30" # any instants, Europe/Berlin wall time
 */
import { spawnSync } from 'node:child_process';

const ZONE = 'Europe/Berlin';
const DEFAULT_INSTANTS = ['2027-01-01 00:30:00', '2026-12-31 23:30:00'];
const TIERS = ['--project', 'unit', '--project', 'integration'];

function epochSeconds(wallTime: string): number {
  // `date` knows the zone's rules; Node's Intl cannot parse a wall time in a zone.
  const result = spawnSync('date', ['-d', wallTime, '+%s'], {
    env: { ...process.env, TZ: ZONE },
    encoding: 'utf8',
  });
  const seconds = Number(result.stdout.trim());
  if (result.status !== 0 || !Number.isInteger(seconds)) {
    throw new Error(`test:dates: cannot read the time "${wallTime}"`);
  }
  return seconds;
}

if (spawnSync('sh', ['-c', 'command -v faketime'], { stdio: 'ignore' }).status !== 0) {
  console.error(
    'test:dates: faketime is missing; install it with: sudo apt-get install -y faketime',
  );
  process.exit(1);
}

const instants = process.argv.slice(2).length > 0 ? process.argv.slice(2) : DEFAULT_INSTANTS;
const failed: string[] = [];
for (const instant of instants) {
  const offset = epochSeconds(instant) - Math.floor(Date.now() / 1000);
  console.log(`test:dates: unit and integration tiers at ${instant} (${ZONE})`);
  const run = spawnSync(
    'faketime',
    ['-f', `${offset >= 0 ? '+' : ''}${offset}s`, 'npx', 'vitest', 'run', ...TIERS],
    { env: { ...process.env, TZ: ZONE }, stdio: 'inherit' },
  );
  if (run.status !== 0) failed.push(instant);
}
if (failed.length > 0) {
  console.error(`test:dates: failed at ${failed.join(', ')} (${ZONE})`);
  process.exit(1);
}

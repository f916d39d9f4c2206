import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import type { ServiceCode } from '../generated/prisma/enums.ts';
import { cliContext, withApp } from './open-app.ts';

const SERVICES: readonly ServiceCode[] = ['backup', 'comeback'];

function service(value: string): ServiceCode {
  if (!(SERVICES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError('must be backup or comeback');
  }
  return value as ServiceCode;
}

/**
 * Makes the statistics facts of every record of these services again, under the current
 * statistics key, with a progress bar: `stats rebuild`, and `keys destroy-retired` before it
 * destroys the key versions older facts are keyed under.
 */
export async function rebuildStatisticsFacts(services: readonly ServiceCode[]): Promise<void> {
  await withApp(async (app) => {
    for (const code of services) {
      const bar = new SingleBar(
        { format: `${code} [{bar}] {value}/{total}`, stream: process.stderr },
        Presets.shades_classic,
      );
      const shown = process.stderr.isTTY === true;
      const count = await app.caseWork.stats.rebuildFacts(cliContext('stats-rebuild'), code, {
        onStart: (total) => shown && bar.start(total, 0),
        onProgress: (done) => shown && bar.update(done),
      });
      if (shown) bar.stop();
      console.log(`${code}: facts of ${count} records rebuilt`);
    }
  });
}

/** `npx casework stats rebuild [--service S]`: the statistics facts, made again. */
export function statsCommands(): Command {
  const stats = new Command('stats').description(
    'anonymised statistics for team leads (SECURITY.md, Statistics)',
  );

  stats
    .command('rebuild')
    .description(
      'make the statistics facts of every record again, from clear category columns only (idempotent; facts of erased records stay)',
    )
    .option('--service <service>', 'backup or comeback (default: both)', service)
    .action(async (options: { service?: ServiceCode }) => {
      await rebuildStatisticsFacts(options.service ? [options.service] : SERVICES);
    });

  return stats;
}

import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import type { DueItem } from '../services/lifecycle/retention.service.ts';
import { cliContext, withApp } from './open-app.ts';

/** A progress bar is worth it from this many erasures on. */
const BAR_FROM = 20;

function describe(item: DueItem): string {
  const what = item.kind === 'case' ? item.label : `${item.kind} ${item.id}`;
  const hold = item.onHold ? '  ON LEGAL HOLD: kept' : '';
  return `${item.service.padEnd(8)} ${what.padEnd(16)} due since ${item.dueSince}  rule ${item.rule}${hold}`;
}

/** `npx casework retention run [--dry-run]`: what is due, and erasing it. */
export function retentionCommands(): Command {
  const retention = new Command('retention').description(
    'retention periods: list and erase what is due (SECURITY.md, Erasure and retention)',
  );

  retention
    .command('run')
    .description(
      'erase every record whose retention period has passed, except cases on legal hold; the server also does this daily',
    )
    .option('--dry-run', 'only list what is due; change nothing')
    .action(async (options: { dryRun?: boolean }) => {
      const dryRun = options.dryRun === true;
      await withApp(async (app) => {
        const bar = new SingleBar(
          { format: 'erasing [{bar}] {value}/{total}', stream: process.stderr },
          Presets.shades_classic,
        );
        let barShown = false;
        const report = await app.lifecycle.retention.run(cliContext('retention-run'), {
          dryRun,
          onStart: (total) => {
            barShown = total >= BAR_FROM && process.stderr.isTTY === true;
            if (barShown) bar.start(total, 0);
          },
          onProgress: () => {
            if (barShown) bar.increment();
          },
        });
        if (barShown) bar.stop();
        for (const item of report.due) console.log(describe(item));
        const erasedCases = report.erased.length;
        console.log(
          dryRun
            ? `dry run: ${report.due.length} due, ${report.held.length} on legal hold; nothing was changed`
            : `${report.due.length} due: erased ${erasedCases} cases, ${report.erasedAppointments} appointments ` +
                `and ${report.erasedIncidents} incidents of no case, ` +
                `kept ${report.held.length} on legal hold` +
                (report.skipped.length ? `, ${report.skipped.length} already gone` : ''),
        );
      });
    });

  return retention;
}

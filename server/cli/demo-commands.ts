import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { systemClock } from '../clock.ts';
import { createDemoSeed } from '../container.ts';
import {
  DEMO_SIZE,
  type DemoAccount,
  type DemoSeedService,
} from '../services/demo/demo-seed.service.ts';
import { cliContext, withApp } from './open-app.ts';

/** The seed service over the application's own services (server/container.ts). */
async function withDemoSeed<T>(work: (demo: DemoSeedService) => Promise<T>): Promise<T> {
  return withApp((app) => work(createDemoSeed(app, app.db, systemClock)));
}

const pad = (text: string, width: number) => text.padEnd(width);

/** What the person at the terminal needs to sign in: shown here once, stored nowhere. */
export function formatDemoAccounts(accounts: readonly DemoAccount[]): string {
  const lines = [
    '',
    `Demo data is in place (all of it invented): ${DEMO_SIZE.backupCases} BackUp cases with incidents, notes,`,
    `accompaniments and ${DEMO_SIZE.monitoringIncidents} more incidents; ${DEMO_SIZE.comebackCases} ComeBack exit processes, prevention`,
    'contacts and multiplier trainings; appointments this week for every counsellor.',
    '',
    'Demo accounts. Their passwords and second-factor secrets are shown only now:',
    '',
    `  ${pad('user name', 20)} ${pad('role', 11)} ${pad('service', 9)} password`,
  ];
  for (const account of accounts) {
    lines.push(
      `  ${pad(account.username, 20)} ${pad(account.role, 11)} ${pad(account.service ?? '-', 9)} ${account.password}`,
    );
  }
  lines.push(
    '',
    'Sign-in needs a code from an authenticator app: add each account with its otpauth URI',
    '(or type the secret it contains; SHA-1, 6 digits, 30 seconds):',
    '',
  );
  for (const account of accounts) {
    lines.push(`  ${pad(account.username, 20)} ${account.otpauthUrl}`);
  }
  lines.push(
    '',
    'This installation is for exploring only: never enter real cases here. For real use,',
    'start with a fresh data directory and database.',
    '',
  );
  return lines.join('\n');
}

export function demoCommands(): Command {
  const demo = new Command('demo').description('demo data for exploring casework');
  demo
    .command('seed')
    .description(
      'fill a fresh installation with fictional data and one demo account per role (refuses a database that holds data)',
    )
    .action(async () => {
      await withDemoSeed(async (seeder) => {
        // Refused before the progress bar appears, with the one line main.ts prints.
        await seeder.refuseUnlessFresh();
        const bar = new SingleBar(
          { format: 'demo seed [{bar}] {value}/{total} steps', stream: process.stderr },
          Presets.shades_classic,
        );
        let started = false;
        try {
          const result = await seeder.seed(cliContext('demo-seed'), (done, total) => {
            if (!process.stderr.isTTY) return;
            if (!started) {
              bar.start(total, done);
              started = true;
            } else {
              bar.update(done);
            }
          });
          if (started) bar.stop();
          process.stdout.write(formatDemoAccounts(result.accounts));
        } finally {
          // On failure too, so that the error line starts on a line of its own.
          if (started && bar.isActive) bar.stop();
        }
      });
    });
  return demo;
}

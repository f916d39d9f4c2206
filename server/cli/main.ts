/**
 * `npx casework <command>` (docs/api.md). Each command validates the configuration like the
 * server does, opens the configured database (attaching to a running server's embedded
 * cluster when there is one), and exits non-zero with one clear line on failure.
 */
import { Command, CommanderError } from 'commander';
import { loadConfig } from '../config/load-config.ts';
import { openDatabase } from '../database/open-database.ts';
import { auditCommands } from './audit-commands.ts';
import { backupCommands } from './database-backup-commands.ts';
import { chronicleCommands } from './chronicle-commands.ts';
import { keyCommands } from './key-commands.ts';
import { demoCommands } from './demo-commands.ts';
import { userCommands } from './user-commands.ts';
import { retentionCommands } from './retention-commands.ts';
import { statsCommands } from './stats-commands.ts';

const program = new Command()
  .name('casework')
  .description('Command line of casework, the case management of BackUp and ComeBack.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const config = loadConfig();
    const database = await openDatabase(config, {
      log: (message) => console.log(message),
      attachToRunning: true,
    });
    await database.close();
    console.log('the database is up to date');
  });

program.addCommand(userCommands());
program.addCommand(auditCommands());
program.addCommand(keyCommands());
program.addCommand(backupCommands());
program.addCommand(retentionCommands());
program.addCommand(statsCommands());
program.addCommand(chronicleCommands());
program.addCommand(demoCommands());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  // AppError messages are written for people; anything else is one line too.
  process.stderr.write(`casework: ${(error as Error).message}\n`);
  process.exit(1);
}

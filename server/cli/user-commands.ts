import { Command, Option } from 'commander';
import { cliContext, withApp } from './open-app.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function userCommands(): Command {
  const user = new Command('user').description('manage accounts');
  user
    .command('create')
    .description('create an account and print its id')
    .requiredOption('--username <name>', 'lower-case user name')
    .addOption(
      new Option('--role <role>', 'role')
        .choices(['counsellor', 'team_lead', 'auditor', 'admin'])
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--service <service>', 'service (counsellor and team_lead)').choices([
        'backup',
        'comeback',
      ]),
    )
    .option(
      '--password-stdin',
      'read the password from standard input (otherwise a temporary one is printed)',
    )
    .action(
      async (options: {
        username: string;
        role: 'counsellor' | 'team_lead' | 'auditor' | 'admin';
        service?: 'backup' | 'comeback';
        passwordStdin?: boolean;
      }) => {
        // Read before opening the database, so a missing password fails fast.
        const password = options.passwordStdin ? await readStdin() : undefined;
        if (options.passwordStdin && !password) throw new Error('no password on standard input');
        await withApp(async (app) => {
          const created = await app.services.accounts.create(cliContext('user-create'), {
            username: options.username,
            role: options.role,
            service: options.service ?? null,
            password,
          });
          console.log(created.user.id);
          if (created.temporaryPassword) {
            console.error(
              `temporary password (must be changed at first sign-in): ${created.temporaryPassword}`,
            );
          }
        });
      },
    );
  return user;
}

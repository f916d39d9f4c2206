import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { Container } from '../container.ts';
import { chronicleSite } from '../services/chronicle/chronicle-site.ts';
import { cliContext, withApp } from './open-app.ts';

function destination(value: string): string {
  if (!/^[\p{L}\p{N} ._:/-]{1,200}$/u.test(value)) {
    throw new InvalidArgumentError('1 to 200 letters, digits, spaces and . _ : / -');
  }
  return value;
}

/**
 * Builds the public chronicle into `out`: the approved entries whose consent stands, recorded
 * as published at `label` (the team lead sees where and when). Answers the file names.
 */
export async function buildChronicle(
  app: Pick<Container, 'caseWork'>,
  out: string,
  label: string,
): Promise<{ files: string[]; entries: number }> {
  const build = await app.caseWork.chronicle.build(cliContext('chronicle-build'), label);
  const files = chronicleSite(build);
  await mkdir(out, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(out, name), content, 'utf8');
  }
  return { files: Object.keys(files), entries: build.entries.length };
}

/** `npx casework chronicle build --out <dir>`: BackUp's public chronicle as static files. */
export function chronicleCommands(): Command {
  const chronicle = new Command('chronicle').description(
    "BackUp's public chronicle of attacks, with the affected persons' consent (SECURITY.md)",
  );

  chronicle
    .command('build')
    .description(
      'write index.html, chronik.json and chronik.atom of the approved, consented entries only',
    )
    .requiredOption('--out <dir>', 'the folder to write the files into')
    .option(
      '--destination <label>',
      'where the files will be published, as the team lead will see it (default: website)',
      destination,
      'website',
    )
    .action(async (options: { out: string; destination: string }) => {
      await withApp(async (app) => {
        const built = await buildChronicle(app, options.out, options.destination);
        console.log(`${built.entries} entries: ${built.files.join(', ')}`);
      });
    });

  return chronicle;
}

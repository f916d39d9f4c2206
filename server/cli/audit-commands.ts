import fs from 'node:fs';
import { once } from 'node:events';
import { SingleBar, Presets } from 'cli-progress';
import { Command } from 'commander';
import { initCrypto, parseVerifierKey, verifyCheckpoint } from '../../crypto/index.ts';
import {
  ACCESS_LOG_ORIGIN,
  inMemory,
  verifyAccessLog,
  type VerificationReport,
} from '../audit/access-log-verifier.ts';
import { parseExport } from '../audit/export-format.ts';
import { cliContext, withApp } from './open-app.ts';

/** Prints a report; exit code 0 when intact, 1 naming the first bad event (docs/api.md). */
function report(result: VerificationReport): void {
  if (result.ok) {
    const checkpoint = result.lastCheckpoint
      ? `, last checkpoint at ${result.lastCheckpoint.size} (${result.lastCheckpoint.at})`
      : ', no checkpoint yet';
    console.log(`access log intact: ${result.checked} events verified${checkpoint}`);
    return;
  }
  console.log(
    `access log NOT intact: ${result.reason}; first bad event: seq ${result.firstBadSeq ?? '?'}${result.firstBadEventId ? ` (id ${result.firstBadEventId})` : ''}`,
  );
  process.exitCode = 1;
}

async function verifyFile(
  file: string,
  publicKeyFile: string,
  sinceFile: string | undefined,
): Promise<VerificationReport> {
  await initCrypto();
  const verifier = parseVerifierKey(fs.readFileSync(publicKeyFile, 'utf8').trim());
  const { rows, checkpoints } = parseExport(fs.readFileSync(file, 'utf8'));
  if (sinceFile) {
    // An earlier checkpoint the auditor kept: the log must still reproduce its head.
    const note = fs.readFileSync(sinceFile, 'utf8');
    const kept = verifyCheckpoint(note, verifier, { origin: ACCESS_LOG_ORIGIN });
    checkpoints.push({ size: kept.size, note, createdAt: new Date(0) });
    checkpoints.sort((a, b) => a.size - b.size);
  }
  return verifyAccessLog({ checkpoints, batches: inMemory(rows) }, verifier);
}

export function auditCommands(): Command {
  const audit = new Command('audit').description('the access log: verify, export, keys');

  audit
    .command('verify')
    .description(
      'check the whole access log (or an exported file, offline, with only the public key)',
    )
    .option('--file <file>', 'an export of `casework audit export` instead of the database')
    .option(
      '--public-key <file>',
      'the verifier key (with --file); `casework audit public-key` prints it',
    )
    .option(
      '--since-checkpoint <file>',
      'an earlier signed checkpoint you kept: prove the log only grew since',
    )
    .action(async (options: { file?: string; publicKey?: string; sinceCheckpoint?: string }) => {
      if (options.file) {
        if (!options.publicKey) throw new Error('--file needs --public-key');
        report(await verifyFile(options.file, options.publicKey, options.sinceCheckpoint));
        return;
      }
      if (options.sinceCheckpoint) throw new Error('--since-checkpoint goes with --file');
      await withApp(async (app) =>
        report(await app.services.accessLog.verify(cliContext('audit-verify'))),
      );
    });

  audit
    .command('export')
    .description(
      'write the whole access log and its checkpoints to a file for offline verification',
    )
    .requiredOption('--out <file>', 'where to write (JSON lines)')
    .action(async (options: { out: string }) => {
      await withApp(async (app) => {
        const out = fs.createWriteStream(options.out, { flags: 'wx', mode: 0o600 });
        const total = (await app.services.accessLog.verifyNow()).checked;
        const bar = new SingleBar(
          { format: 'export [{bar}] {value}/{total} events', stream: process.stderr },
          Presets.shades_classic,
        );
        if (process.stderr.isTTY) bar.start(total, 0);
        const written = await app.services.accessLog.exportChain(
          cliContext('audit-export'),
          async (line) => {
            if (!out.write(`${line}\n`)) await once(out, 'drain');
          },
          (done) => bar.update(done),
        );
        bar.stop();
        out.end();
        await once(out, 'finish');
        console.log(`wrote ${written} events to ${options.out}`);
      });
    });

  audit
    .command('public-key')
    .description('print the checkpoint verifier key (give it to auditors)')
    .action(async () => {
      await withApp(async (app) => console.log(await app.services.accessLog.publicKey()));
    });

  audit
    .command('sealer')
    .description('run the checkpoint sealer (for a deployment that runs it as its own service)')
    .action(async () => {
      await import('../audit/sealer-main.ts');
    });

  return audit;
}

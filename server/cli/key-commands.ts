import { Command, Option } from 'commander';
import { isKeyScope, KEY_SCOPES, type KeyScope } from '../../crypto/index.ts';
import { systemClock } from '../clock.ts';
import { createKeyRotation } from '../container.ts';
import { loadMasterKey } from '../keys/master-key.ts';
import { rebuildStatisticsFacts } from './stats-commands.ts';
import { withMaintenance, progressBar, type Maintenance } from './maintenance.ts';
import { cliContext } from './open-app.ts';

const serviceOption = () =>
  new Option('--service <scope>', 'whose key: backup, comeback or system')
    .choices(['backup', 'comeback', 'system'])
    .makeOptionMandatory();

/** The rotation service on the owner role (it retires and deletes service keys). */
export function keyRotationFor(maintenance: Maintenance) {
  return createKeyRotation({
    ownerDb: maintenance.ownerDb(),
    masterKey: maintenance.masterKey,
    audit: maintenance.audit(),
    clock: systemClock,
  });
}

function scopeOf(value: string): KeyScope {
  if (!isKeyScope(value)) throw new Error(`unknown key scope ${value}`);
  return value;
}

export function keyCommands(): Command {
  const keys = new Command('keys').description(
    'service and master keys: rotate, destroy retired versions',
  );

  keys
    .command('status')
    .description('the versions of every service key, and what still uses each')
    .action(async () => {
      await withMaintenance(async (maintenance) => {
        const rotation = keyRotationFor(maintenance);
        for (const scope of KEY_SCOPES) {
          for (const key of await rotation.status(scope)) {
            console.log(
              `${scope} v${key.version} ${key.state}${key.retiredAt ? ` since ${key.retiredAt.toISOString()}` : ''}: ${key.dataKeys} data keys, ${key.blindIndexes} blind indexes, master key ${key.masterKeyId}`,
            );
          }
        }
      });
    });

  keys
    .command('rotate')
    .description(
      'new service key version; re-wraps every data key and blind index under it (resumable)',
    )
    .addOption(serviceOption())
    .option('--batch-size <n>', 'data keys per transaction', (v) => Number.parseInt(v, 10), 500)
    .action(async (options: { service: string; batchSize: number }) => {
      const scope = scopeOf(options.service);
      await withMaintenance(async (maintenance) => {
        const bar = progressBar(`rotate ${scope}`, 'keys');
        const result = await keyRotationFor(maintenance).rotate(cliContext('keys-rotate'), scope, {
          batchSize: options.batchSize,
          onStart: (plan) => {
            console.error(
              plan.resumed
                ? `resuming the unfinished rotation of ${scope} to v${plan.version}`
                : `rotating ${scope} to the new version v${plan.version}`,
            );
            bar.start(plan.total);
          },
          onProgress: (done) => bar.update(done),
        });
        bar.stop();
        console.log(
          `service key ${scope} is now v${result.version}: ${result.rewrapped} data keys re-wrapped, ${result.reindexed} blind indexes recomputed; older versions are retired (destroy them with \`casework keys destroy-retired --service ${scope}\` once you no longer need backups made before now)`,
        );
      });
    });

  keys
    .command('destroy-retired')
    .description('destroy the retired versions of a service key, once nothing uses them')
    .addOption(serviceOption())
    .action(async (options: { service: string }) => {
      const scope = scopeOf(options.service);
      // Statistics facts are keyed under the service key version they were written with; the
      // live ones move to the current version first, or a later update of their record would
      // no longer find (and replace) them.
      if (scope !== 'system') await rebuildStatisticsFacts([scope]);
      await withMaintenance(async (maintenance) => {
        const destroyed = await keyRotationFor(maintenance).destroyRetired(
          cliContext('keys-destroy-retired'),
          scope,
        );
        console.log(
          destroyed.length === 0
            ? `service key ${scope} has no retired versions`
            : `destroyed service key ${scope} v${destroyed.join(', v')}`,
        );
      });
    });

  keys
    .command('rotate-master')
    .description('re-wrap every service root key under a new master key (resumable)')
    .requiredOption('--new-key-file <file>', 'the new master key: 32 bytes in base64, mode 0600')
    .action(async (options: { newKeyFile: string }) => {
      await withMaintenance(async (maintenance) => {
        const newKey = await loadMasterKey(
          { kind: 'file', path: options.newKeyFile, createIfMissing: false },
          () => {},
        );
        const bar = progressBar('rotate master key', 'service keys');
        const result = await keyRotationFor(maintenance).rotateMaster(
          cliContext('keys-rotate-master'),
          newKey,
          (done, total) => {
            bar.start(total);
            bar.update(done);
          },
        );
        bar.stop();
        newKey.fill(0);
        console.log(
          [
            `every service key is now wrapped under master key ${result.newKeyId} (${result.rewrapped} re-wrapped, ${result.already} already were).`,
            `Now: 1. put the new key where the servers read it (CASEWORK_MASTER_KEY_FILE or CASEWORK_MASTER_KEY) and restart every server and the CLI's environment;`,
            `2. keep the old master key ${result.oldKeyId} (paper, two people) as long as you keep backups made before now: they open only with it;`,
            `3. make a new backup (\`casework backup create\`).`,
          ].join('\n'),
        );
      });
    });

  return keys;
}

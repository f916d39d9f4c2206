import {
  generateServiceRootKey,
  KEY_SCOPES,
  masterKeyId,
  readWrappedRootKeyInfo,
  rewrapDataKey,
  rewrapServiceRootKey,
  wrapServiceRootKey,
  type KeyScope,
} from '../../../crypto/index.ts';
import type { Clock } from '../../clock.ts';
import type { DbClient } from '../../database/db-client.ts';
import type { Keyring } from '../../keys/keyring.ts';
import type { KeyMaintenanceRepository, KeyRepository } from '../../repositories/key.repository.ts';
import type { BlindIndexRotationRepository } from '../../repositories/keys/blind-index-rotation.repository.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditLog } from '../audit-log.ts';

/** A refusal written for the operator: one line, no key material, what to do next. */
export class KeyMaintenanceError extends Error {
  override readonly name = 'KeyMaintenanceError';
}

/**
 * A retired version may still be in use by a running server for up to a minute (its keyring
 * refreshes once a minute, keyring.ts); destroying it earlier could strand a data key that
 * server wraps under it in that minute.
 */
export const DESTROY_GRACE_MS = 5 * 60_000;
const DEFAULT_BATCH = 500;
/** Stale servers may wrap a few new keys under the old version; rotation sweeps them up. */
const MAX_SWEEPS = 5;

export type Transact = <T>(scope: KeyScope, work: (client: DbClient) => Promise<T>) => Promise<T>;

export interface RotationHooks {
  batchSize?: number;
  /** Once the work is known: the version rotated to and whether an earlier run is resumed. */
  onStart?(plan: { version: number; resumed: boolean; total: number }): void;
  onProgress?(done: number): void;
  /** Called after every committed batch (tests inject an interruption here). */
  afterBatch?(batch: number): void | Promise<void>;
}

export interface RotationResult {
  scope: KeyScope;
  version: number;
  resumed: boolean;
  rewrapped: number;
  reindexed: number;
}

export function createKeyRotationService(deps: {
  masterKey: Uint8Array;
  /** A keyring on the same (owner) database as the repositories. */
  keyring: Keyring;
  keys: KeyRepository;
  maintenance: KeyMaintenanceRepository;
  indexes: BlindIndexRotationRepository;
  transact: Transact;
  audit: AuditLog;
  clock: Clock;
}) {
  const { keyring, keys, maintenance, indexes, transact, audit } = deps;

  /** The version to rotate to: the newest if a rotation is unfinished, else a new one. */
  async function plan(scope: KeyScope): Promise<{ version: number; resumed: boolean }> {
    await keyring.currentSubkeys(scope); // creates version 1 on a database that has none
    const versions = await maintenance.versions(scope);
    const newest = versions.at(-1)!;
    const usage = await maintenance.dataKeyUsage(scope);
    const unfinished =
      versions.some((key) => key.version < newest.version && key.retiredAt === null) ||
      [...usage.keys()].some((version) => version < newest.version) ||
      (await transact(scope, (client) => indexes.countBelow(scope, newest.version, client))) > 0;
    if (unfinished) return { version: newest.version, resumed: true };
    const version = newest.version + 1;
    const rootKey = generateServiceRootKey();
    try {
      const created = await keys.insertServiceKey(
        scope,
        version,
        wrapServiceRootKey(deps.masterKey, { scope, version }, rootKey),
      );
      if (!created) {
        throw new KeyMaintenanceError(
          `service key ${scope} v${version} was created by someone else just now: is another rotation running?`,
        );
      }
    } finally {
      rootKey.fill(0);
    }
    return { version, resumed: false };
  }

  return {
    /** Every stored version of a scope: retired or not, and what still uses it. */
    async status(scope: KeyScope) {
      const versions = await maintenance.versions(scope);
      const usage = await maintenance.dataKeyUsage(scope);
      const newest = versions.at(-1)?.version;
      return Promise.all(
        versions.map(async (key) => ({
          version: key.version,
          state: key.retiredAt
            ? ('retired' as const)
            : key.version === newest
              ? ('current' as const)
              : ('active' as const),
          retiredAt: key.retiredAt,
          dataKeys: usage.get(key.version) ?? 0,
          blindIndexes: await transact(scope, (client) =>
            indexes.countBelow(scope, key.version, client, true),
          ),
          masterKeyId: readWrappedRootKeyInfo(key.wrappedKey).masterKeyId,
        })),
      );
    },

    /**
     * Rotates a scope's service key (docs/api.md, `keys rotate`): a new version, every live data
     * key re-wrapped under it and every blind index recomputed with it, in batches that commit
     * one by one. Interrupted, a second call resumes with the same version. Older versions
     * are marked retired only at the end, once nothing uses them.
     */
    async rotate(
      context: RequestContext,
      scope: KeyScope,
      hooks: RotationHooks = {},
    ): Promise<RotationResult> {
      const batchSize = hooks.batchSize ?? DEFAULT_BATCH;
      const { version, resumed } = await plan(scope);
      const usage = await maintenance.dataKeyUsage(scope);
      let total = [...usage].reduce((sum, [v, n]) => (v < version ? sum + n : sum), 0);
      total += await transact(scope, (client) => indexes.countBelow(scope, version, client));
      hooks.onStart?.({ version, resumed, total });
      const target = await keyring.subkeys(scope, version);
      let done = 0;
      let batches = 0;
      let rewrapped = 0;
      let reindexed = 0;
      const step = async (count: number) => {
        done += count;
        batches++;
        hooks.onProgress?.(done);
        await hooks.afterBatch?.(batches);
      };
      for (let sweep = 0; ; sweep++) {
        for (;;) {
          const count = await transact(scope, async (client) => {
            const stale = await maintenance.lockDataKeysBelow(scope, version, batchSize, client);
            const moved = [];
            for (const key of stale) {
              const old = await keyring.subkeys(scope, key.serviceVersion);
              const owner = { scope, ownerType: key.ownerType, ownerId: key.ownerId };
              moved.push({
                key,
                rewrapped: rewrapDataKey(
                  old.wrappingKey,
                  target.wrappingKey,
                  { ...owner, keyVersion: key.serviceVersion },
                  { ...owner, keyVersion: version },
                  key.wrappedKey,
                ),
              });
            }
            const stored = await maintenance.storeRewrapped(scope, version, moved, client);
            // The rows are locked, so each must have been stored; anything else would loop.
            if (stored !== stale.length) {
              throw new KeyMaintenanceError(
                `re-wrapping stored ${stored} of ${stale.length} data keys of ${scope}: run the rotation again`,
              );
            }
            return stale.length;
          });
          if (count === 0) break;
          rewrapped += count;
          await step(count);
        }
        for (;;) {
          const count = await transact(scope, (client) =>
            indexes.reindexBatch(scope, target, batchSize, client),
          );
          if (count === 0) break;
          reindexed += count;
          await step(count);
        }
        if (await maintenance.retireBelow(scope, version)) break;
        if (sweep >= MAX_SWEEPS) {
          throw new KeyMaintenanceError(
            `data keys of ${scope} keep appearing under older versions: run the rotation again`,
          );
        }
      }
      await audit.record(context, {
        action: 'keys.rotate',
        outcome: 'allowed',
        targetType: 'service_key',
        targetId: `${scope}:v${version}`,
        reason: resumed ? 'resumed' : 'new_version',
      });
      return { scope, version, resumed, rewrapped, reindexed };
    },

    /**
     * Destroys the retired versions of a scope (docs/api.md, `keys destroy-retired`): refuses, and
     * destroys nothing, while any live data key or blind index still uses one of them, or
     * while one was retired too recently for every running server to have noticed.
     */
    async destroyRetired(context: RequestContext, scope: KeyScope): Promise<number[]> {
      const versions = await maintenance.versions(scope);
      const retired = versions.filter((key) => key.retiredAt !== null);
      const now = deps.clock.now().getTime();
      for (const key of retired) {
        const age = now - key.retiredAt!.getTime();
        if (age < DESTROY_GRACE_MS) {
          throw new KeyMaintenanceError(
            `service key ${scope} v${key.version} was retired ${Math.round(age / 1000)} s ago; running servers may still use it: try again in ${Math.ceil((DESTROY_GRACE_MS - age) / 60_000)} min`,
          );
        }
      }
      // All or nothing: every retired version is checked before any is destroyed.
      const usage = await maintenance.dataKeyUsage(scope);
      for (const key of retired) {
        const dataKeys = usage.get(key.version) ?? 0;
        const other = await transact(scope, (client) =>
          indexes.countBelow(scope, key.version, client, true),
        );
        if (dataKeys > 0 || other > 0) {
          await audit.record(context, {
            action: 'keys.destroy_retired',
            outcome: 'denied',
            targetType: 'service_key',
            targetId: `${scope}:v${key.version}`,
            reason: 'in_use',
          });
          throw new KeyMaintenanceError(
            `service key ${scope} v${key.version} is still in use (${dataKeys} data keys, ${other} blind indexes): run \`npx casework keys rotate --service ${scope}\` to finish the rotation first; nothing was destroyed`,
          );
        }
      }
      const destroyed: number[] = [];
      for (const key of retired) {
        const result = await maintenance.destroyRetired(scope, key.version, (client) =>
          indexes.countBelow(scope, key.version, client, true),
        );
        if (!result.destroyed) {
          await audit.record(context, {
            action: 'keys.destroy_retired',
            outcome: 'denied',
            targetType: 'service_key',
            targetId: `${scope}:v${key.version}`,
            reason: 'in_use',
          });
          throw new KeyMaintenanceError(
            `service key ${scope} v${key.version} is still in use (${result.dataKeys} data keys, ${result.other} blind indexes): run \`npx casework keys rotate --service ${scope}\` to finish the rotation first; nothing was destroyed${destroyed.length ? ` after v${destroyed.join(', v')}` : ''}`,
          );
        }
        destroyed.push(key.version);
        await audit.record(context, {
          action: 'keys.destroy_retired',
          outcome: 'allowed',
          targetType: 'service_key',
          targetId: `${scope}:v${key.version}`,
        });
      }
      return destroyed;
    },

    /**
     * Master-key rotation: re-wraps every service root key (all scopes and versions) under
     * `newMasterKey`. Keys already under the new master key are skipped, so an interrupted
     * run is finished by running it again.
     */
    async rotateMaster(
      context: RequestContext,
      newMasterKey: Uint8Array,
      onProgress?: (done: number, total: number) => void,
    ): Promise<{ rewrapped: number; already: number; newKeyId: string; oldKeyId: string }> {
      const oldKeyId = masterKeyId(deps.masterKey);
      const newKeyId = masterKeyId(newMasterKey);
      const all = [];
      for (const scope of KEY_SCOPES) {
        for (const key of await maintenance.versions(scope)) all.push({ scope, ...key });
      }
      let rewrapped = 0;
      let already = 0;
      for (const [index, key] of all.entries()) {
        const under = readWrappedRootKeyInfo(key.wrappedKey).masterKeyId;
        if (under === newKeyId) {
          already++;
        } else if (under !== oldKeyId) {
          throw new KeyMaintenanceError(
            `service key ${key.scope} v${key.version} is wrapped under master key ${under}, neither the configured ${oldKeyId} nor the new ${newKeyId}`,
          );
        } else {
          const id = { scope: key.scope, version: key.version };
          const replaced = await maintenance.replaceWrappedServiceKey(
            key.scope,
            key.version,
            key.wrappedKey,
            rewrapServiceRootKey(deps.masterKey, newMasterKey, id, key.wrappedKey),
          );
          if (!replaced) {
            throw new KeyMaintenanceError(
              `service key ${key.scope} v${key.version} changed during the master-key rotation: run it again`,
            );
          }
          rewrapped++;
        }
        onProgress?.(index + 1, all.length);
      }
      await audit.record(context, {
        action: 'keys.rotate_master',
        outcome: 'allowed',
        targetType: 'master_key',
        targetId: newKeyId,
        reason: `${rewrapped} re-wrapped`,
      });
      return { rewrapped, already, newKeyId, oldKeyId };
    },
  };
}

export type KeyRotationService = ReturnType<typeof createKeyRotationService>;

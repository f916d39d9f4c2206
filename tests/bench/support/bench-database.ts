import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initCrypto } from '../../../crypto/index.ts';
import {
  APP_LOGIN_ROLE,
  ensureDatabase,
  ensureRoles,
  OWNER_ROLE,
  roleUrl,
} from '../../../server/database/database-roles.ts';
import { startEmbeddedPostgres } from '../../../server/database/embedded-postgres.ts';
import { applyMigrations } from '../../../server/database/migrate.ts';
import { withClient } from '../../../server/database/pg-client.ts';

export interface BenchDatabase {
  /** A scratch directory (the cluster's data lives below it); removed by stop(). */
  scratch: string;
  ownerUrl: string;
  appUrl: string;
  superuserUrl: string;
  masterKey: Buffer;
  /** A further, empty database on the same cluster (restore targets), with its role URLs. */
  emptyDatabase(name: string): Promise<{ ownerUrl: string; appUrl: string }>;
  stop(): Promise<void>;
}

/**
 * A migrated database on an embedded PostgreSQL of its own, with the app's roles, for
 * benchmarks and load tests (never for `npm test`, whose cluster is tests/support/test-cluster).
 */
export async function startBenchDatabase(name: string): Promise<BenchDatabase> {
  await initCrypto();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `casework-${name}-`));
  fs.chmodSync(scratch, 0o711); // PostgreSQL runs as 'postgres' when this runs as root
  const cluster = await startEmbeddedPostgres({
    dataDir: path.join(scratch, 'data'),
    log: () => {},
  });
  const passwords = { owner: `${name}-owner`, app: `${name}-app`, sealer: `${name}-sealer` };
  await withClient(cluster.superuserUrl(), async (client) => {
    await ensureRoles(client, passwords);
    await ensureDatabase(client, 'bench');
  });
  const ownerUrl = roleUrl(cluster.port, OWNER_ROLE, passwords.owner, 'bench');
  await applyMigrations(ownerUrl);
  return {
    scratch,
    ownerUrl,
    appUrl: roleUrl(cluster.port, APP_LOGIN_ROLE, passwords.app, 'bench'),
    superuserUrl: cluster.superuserUrl('bench'),
    masterKey: randomBytes(32),
    emptyDatabase: async (database) => {
      await withClient(cluster.superuserUrl(), (client) => ensureDatabase(client, database));
      return {
        ownerUrl: roleUrl(cluster.port, OWNER_ROLE, passwords.owner, database),
        appUrl: roleUrl(cluster.port, APP_LOGIN_ROLE, passwords.app, database),
      };
    },
    stop: async () => {
      await cluster.stop();
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}

import path from 'node:path';
import {
  ensureDatabase,
  ensureRoles,
  OWNER_ROLE,
  APP_LOGIN_ROLE,
  roleUrl,
  SEALER_LOGIN_ROLE,
} from './database-roles.ts';
import { readOrCreateSecret, startEmbeddedPostgres } from './embedded-postgres.ts';
import { withClient } from './pg-client.ts';

export const EMBEDDED_DATABASE = 'casework';

export interface EmbeddedDatabase {
  /** The request role's URL (owns nothing, subject to row-level security). */
  appUrl: string;
  /** The owner role's URL, for migrations. */
  ownerUrl: string;
  /** The access-log sealer's own login (reads the log, writes checkpoints). */
  sealerUrl: string;
  stop(): Promise<void>;
}

/** Starts the embedded cluster and makes sure the casework roles and database exist. */
export async function startEmbeddedDatabase(
  dataDir: string,
  log: (message: string) => void,
  options: { attachToRunning: boolean } = { attachToRunning: false },
): Promise<EmbeddedDatabase> {
  const cluster = await startEmbeddedPostgres({ dataDir, log, ...options });
  try {
    const passwords = {
      owner: await readOrCreateSecret(path.join(dataDir, 'db-owner-password')),
      app: await readOrCreateSecret(path.join(dataDir, 'db-app-password')),
      sealer: await readOrCreateSecret(path.join(dataDir, 'db-sealer-password')),
    };
    await withClient(cluster.superuserUrl(), async (client) => {
      await ensureRoles(client, passwords);
      await ensureDatabase(client, EMBEDDED_DATABASE);
    });
    return {
      appUrl: roleUrl(cluster.port, APP_LOGIN_ROLE, passwords.app, EMBEDDED_DATABASE),
      ownerUrl: roleUrl(cluster.port, OWNER_ROLE, passwords.owner, EMBEDDED_DATABASE),
      sealerUrl: roleUrl(cluster.port, SEALER_LOGIN_ROLE, passwords.sealer, EMBEDDED_DATABASE),
      stop: () => cluster.stop(),
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

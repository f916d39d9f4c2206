import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import {
  APP_LOGIN_ROLE,
  ensureDatabase,
  OWNER_ROLE,
  roleUrl,
  SEALER_LOGIN_ROLE,
} from '../../server/database/database-roles.ts';
import { withClient } from '../../server/database/pg-client.ts';

export const TEMPLATE_DATABASE = 'casework_template';

export interface TestCluster {
  superuserUrl: string;
  host: string;
  port: number;
  passwords: { owner: string; app: string; sealer: string };
}

export interface TestDatabase {
  name: string;
  /** The request role (owns nothing, subject to row-level security): what the server uses. */
  appUrl: string;
  /** The owner role: what migrations use. */
  ownerUrl: string;
  /** The access-log sealer's login: reads the log, writes checkpoints. */
  sealerUrl: string;
  superuserUrl: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file, cloned from the template. */
export async function createTestDatabase(
  options: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  const cluster = inject('testCluster');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : TEMPLATE_DATABASE;
  await withClient(cluster.superuserUrl, (client) => ensureDatabase(client, name, { template }));
  const url = (role: string, password: string) =>
    roleUrl(cluster.port, role, password, name, cluster.host);
  return {
    name,
    appUrl: url(APP_LOGIN_ROLE, cluster.passwords.app),
    ownerUrl: url(OWNER_ROLE, cluster.passwords.owner),
    sealerUrl: url(SEALER_LOGIN_ROLE, cluster.passwords.sealer),
    superuserUrl: cluster.superuserUrl.replace(/\/[^/?]*(\?|$)/, `/${name}$1`),
    drop: () =>
      withClient(cluster.superuserUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      ).then(() => undefined),
  };
}

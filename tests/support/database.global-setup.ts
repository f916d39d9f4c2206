import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDatabase, ensureRoles } from '../../server/database/database-roles.ts';
import { startEmbeddedPostgres } from '../../server/database/embedded-postgres.ts';
import { applyMigrations } from '../../server/database/migrate.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { TEMPLATE_DATABASE, type TestCluster } from './test-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    testCluster: TestCluster;
  }
}

/**
 * One PostgreSQL for the whole run: the embedded cluster in a temporary folder, or the server
 * named by DATABASE_URL (which must be a superuser URL: tests create roles and databases).
 * The migrations are applied once to a template database that every test file clones.
 */
export default async function setup(project: TestProject) {
  const passwords = { owner: secret(), app: secret(), sealer: secret() };
  let superuserUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  if (!superuserUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-test-'));
    fs.chmodSync(dataDir, 0o711); // PostgreSQL runs as 'postgres' when tests run as root
    const cluster = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'data'),
      log: () => {},
    });
    superuserUrl = cluster.superuserUrl();
    stop = async () => {
      await cluster.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
  }

  const { hostname, port } = new URL(superuserUrl);
  await withClient(superuserUrl, async (client) => {
    await ensureRoles(client, passwords);
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await ensureDatabase(client, TEMPLATE_DATABASE);
  });
  const cluster: TestCluster = { superuserUrl, host: hostname, port: Number(port), passwords };
  await applyMigrations(ownerUrlOf(cluster, TEMPLATE_DATABASE));

  project.provide('testCluster', cluster);
  return stop;
}

function secret(): string {
  return randomBytes(18).toString('base64url');
}

function ownerUrlOf(cluster: TestCluster, database: string): string {
  return `postgresql://casework_owner:${cluster.passwords.owner}@${cluster.host}:${cluster.port}/${database}`;
}

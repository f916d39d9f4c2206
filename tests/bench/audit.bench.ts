/**
 * `npm run bench:audit` (issue 6), second part: the time to verify 1,000,000 access-log
 * events (the first part, a case read with and without its audit write, is api.bench.ts).
 * Runs on its own embedded PostgreSQL; never part of `npm test`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ensureDatabase,
  ensureRoles,
  roleUrl,
  OWNER_ROLE,
  APP_LOGIN_ROLE,
} from '../../server/database/database-roles.ts';
import { startEmbeddedPostgres } from '../../server/database/embedded-postgres.ts';
import { applyMigrations } from '../../server/database/migrate.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { measureVerification } from './audit-verify.ts';

const EVENTS = Number(process.argv[2] ?? 1_000_000);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-bench-audit-'));
fs.chmodSync(scratch, 0o711);
const cluster = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'data'), log: () => {} });
try {
  const passwords = { owner: 'bench-owner', app: 'bench-app' };
  await withClient(cluster.superuserUrl(), async (client) => {
    await ensureRoles(client, passwords);
    await ensureDatabase(client, 'bench');
  });
  const ownerUrl = roleUrl(cluster.port, OWNER_ROLE, passwords.owner, 'bench');
  const appUrl = roleUrl(cluster.port, APP_LOGIN_ROLE, passwords.app, 'bench');
  await applyMigrations(ownerUrl);
  const result = await measureVerification({ ownerUrl, appUrl }, EVENTS);
  console.log(`filled ${result.count} chained events in ${result.fillSeconds.toFixed(1)} s`);
  console.log(`verify_seconds_${result.count}=${result.verifySeconds.toFixed(2)}`);
  console.log(`verify_events_per_second=${Math.round(result.count / result.verifySeconds)}`);
} finally {
  await cluster.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
}

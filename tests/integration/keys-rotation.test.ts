import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCrypto, masterKeyId, readWrappedRootKeyInfo } from '../../crypto/index.ts';
import { statisticsFactKey } from '../../crypto/statistics-key.ts';
import { createDataLayer, createKeyRotation } from '../../server/container.ts';
import { systemClock } from '../../server/clock.ts';
import { withClient } from '../../server/database/pg-client.ts';
import {
  closeDatabase,
  createDatabase,
  type Database,
} from '../../server/database/prisma-client.ts';
import { inServiceScope } from '../../server/database/service-scope.ts';
import { KeyMaintenanceError } from '../../server/services/keys/key-rotation.service.ts';
import type { RequestContext } from '../../server/services/actor.ts';
import {
  auditEvents,
  expectStatus,
  newCase,
  newCounsellor,
  startCaseWorkApp,
  type CaseWorkApp,
  type Staff,
} from '../support/case-work.ts';
import { signIn } from '../support/accounts.ts';
import { REPOSITORY_ROOT } from '../support/test-config.ts';

// The test app's master key (tests/support/test-config.ts).
const MASTER_KEY = new Uint8Array(Buffer.alloc(32, 7));
const CLI: RequestContext = { actor: null, clientAddress: null, requestId: 'cli:test' };

let t: CaseWorkApp;
let anna: Staff; // BackUp
let clara: Staff; // ComeBack
let ownerDb: Database;
let appDb: Database;
const cases: { id: string; pseudonym: string; name: string | null; service: string }[] = [];
let fileCase: string;

function rotation(masterKey: Uint8Array = MASTER_KEY) {
  return createKeyRotation({ ownerDb, masterKey, audit: t.app.services.audit, clock: systemClock });
}

const sql = <T = Record<string, unknown>>(text: string, values: unknown[] = []) =>
  withClient(
    t.database.superuserUrl,
    async (client) => (await client.query(text, values)).rows as T[],
  );

const versions = (scope: string) =>
  sql<{ version: number; retired: boolean }>(
    `SELECT version, retired_at IS NOT NULL AS retired FROM service_keys WHERE scope = $1 ORDER BY version`,
    [scope],
  );
const usage = (scope: string) =>
  sql<{ v: number; n: number }>(
    `SELECT service_version AS v, count(*)::int AS n FROM data_keys
      WHERE scope = $1 AND wrapped_key IS NOT NULL GROUP BY 1 ORDER BY 1`,
    [scope],
  );
/** Pretends the retirements happened long ago (the grace period for running servers). */
const ageRetirements = () =>
  sql(
    `UPDATE service_keys SET retired_at = now() - interval '1 hour' WHERE retired_at IS NOT NULL`,
  );

/** Every case opens through the app with its own content. */
async function expectEveryCaseReadable() {
  for (const c of cases) {
    const who = c.service === 'backup' ? anna : clara;
    const view = expectStatus(await who.http('GET', `/api/cases/${c.id}`), 200);
    expect(view.person.pseudonym).toBe(c.pseudonym);
    expect(view.person.name ?? null).toBe(c.name);
  }
}

async function search(who: Staff, q: string): Promise<string[]> {
  const found = expectStatus(await who.http('POST', '/api/cases/search', { q }), 200);
  return found.cases.map((c: { id: string }) => c.id);
}

async function expectSearchFindsEverything() {
  for (const c of cases.slice(0, 6)) {
    const who = c.service === 'backup' ? anna : clara;
    expect(await search(who, c.pseudonym)).toContain(c.id);
    if (c.name) expect(await search(who, c.name)).toContain(c.id);
  }
  expect(await search(anna, '42 Js 7/26')).toEqual([fileCase]);
}

beforeAll(async () => {
  await initCrypto();
  t = await startCaseWorkApp();
  t.clock.set(new Date('2026-11-23T09:00:00Z'));
  anna = await newCounsellor(t, 'backup');
  clara = await newCounsellor(t, 'comeback');
  ownerDb = createDatabase({ url: t.database.ownerUrl, poolMax: 4 });
  appDb = createDatabase({ url: t.database.appUrl, poolMax: 2 });
  for (let i = 0; i < 24; i++) {
    const service = i % 3 === 2 ? 'comeback' : 'backup';
    const pseudonym = `Kranich ${i} ${randomBytes(3).toString('hex')}`;
    const name = i % 2 === 0 ? `Erika Testfrau ${i}` : null;
    const created = await newCase(service === 'backup' ? anna : clara, {
      person: { pseudonym, ...(name ? { name } : {}) },
    });
    cases.push({ id: created.id, pseudonym, name, service });
  }
  fileCase = cases.find((c) => c.service === 'backup')!.id;
  expectStatus(
    await anna.http('POST', `/api/cases/${fileCase}/accompaniments`, {
      kind: 'court_hearing',
      takesPlaceOn: '2026-12-01',
      role: 'witness',
      psychosocialSupport: false,
      court: 'Amtsgericht Hamm',
      courtFileNumber: '42 Js 7/26',
      outcome: null,
    }),
    201,
  );
});
afterAll(async () => {
  if (ownerDb) await closeDatabase(ownerDb);
  if (appDb) await closeDatabase(appDb);
  await t?.close();
});

describe('keys rotate', () => {
  it('resumes after an interruption with the same version; reads and search keep working throughout', async () => {
    const before = await usage('backup');
    expect(before).toEqual([{ v: 1, n: expect.any(Number) }]);
    const total = before[0]!.n;

    let readDuringRotation = false;
    await expect(
      rotation().rotate(CLI, 'backup', {
        batchSize: 4,
        async afterBatch(batch) {
          if (batch === 2) {
            // The server keeps serving while keys move: every case, search included.
            await expectEveryCaseReadable();
            await expectSearchFindsEverything();
            readDuringRotation = true;
          }
          if (batch === 3) throw new Error('killed half-way');
        },
      }),
    ).rejects.toThrow('killed half-way');
    expect(readDuringRotation).toBe(true);

    // Half done: both versions active, keys split between them, nothing retired yet.
    expect(await versions('backup')).toEqual([
      { version: 1, retired: false },
      { version: 2, retired: false },
    ]);
    const half = await usage('backup');
    expect(half.map((row) => row.v)).toEqual([1, 2]);
    expect(half.reduce((sum, row) => sum + row.n, 0)).toBe(total);
    await expectEveryCaseReadable();
    await expectSearchFindsEverything();
    // A case opened now, half-way, is readable too.
    const pseudonym = `Reiher ${randomBytes(3).toString('hex')}`;
    const late = await newCase(anna, { person: { pseudonym } });
    cases.push({ id: late.id, pseudonym, name: null, service: 'backup' });

    const result = await rotation().rotate(CLI, 'backup', { batchSize: 4 });
    expect(result).toMatchObject({ scope: 'backup', version: 2, resumed: true });
    expect(await versions('backup')).toEqual([
      { version: 1, retired: true },
      { version: 2, retired: false },
    ]);
    expect(await usage('backup')).toEqual([{ v: 2, n: total + 1 }]);
    const stale = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM cases WHERE service = 'backup' AND bidx_key_version <> 2`,
    );
    expect(stale[0]!.n).toBe(0);
    await expectEveryCaseReadable();
    await expectSearchFindsEverything();
    // ComeBack was not touched.
    expect(await versions('comeback')).toEqual([{ version: 1, retired: false }]);

    const events = await auditEvents(t, { action: 'keys.rotate' });
    expect(events.at(-1)).toMatchObject({
      outcome: 'allowed',
      targetId: 'backup:v2',
      reason: 'resumed',
    });
  });

  it('finds every case while blind indexes are half re-indexed, and starts a new version only once the previous rotation is finished', async () => {
    const comebackCases = cases.filter((c) => c.service === 'comeback').length;
    // Interrupted in the re-index phase: after the keys (3 per batch), one batch of indexes.
    const keyBatches = Math.ceil((await usage('comeback'))[0]!.n / 3);
    await expect(
      rotation().rotate(CLI, 'comeback', {
        batchSize: 3,
        afterBatch(batch) {
          if (batch === keyBatches + 1) throw new Error('killed while re-indexing');
        },
      }),
    ).rejects.toThrow('killed while re-indexing');
    const indexVersions = await sql<{ v: number; n: number }>(
      `SELECT bidx_key_version AS v, count(*)::int AS n FROM cases
        WHERE service = 'comeback' GROUP BY 1 ORDER BY 1`,
    );
    expect(indexVersions).toEqual([
      { v: 1, n: comebackCases - 3 },
      { v: 2, n: 3 },
    ]);
    await expectEveryCaseReadable();
    for (const c of cases.filter((c) => c.service === 'comeback')) {
      expect(await search(clara, c.pseudonym)).toEqual([c.id]);
      if (c.name) expect(await search(clara, c.name)).toEqual([c.id]);
    }

    const result = await rotation().rotate(CLI, 'comeback');
    expect(result).toMatchObject({ version: 2, resumed: true, rewrapped: 0 });
    expect(result.reindexed).toBe(comebackCases - 3);
    const again = await rotation().rotate(CLI, 'comeback');
    expect(again).toMatchObject({ version: 3, resumed: false, reindexed: comebackCases });
    expect(await usage('comeback')).toEqual([{ v: 3, n: again.rewrapped }]);
    await expectEveryCaseReadable();
    await expectSearchFindsEverything();
  });
});

describe('keys rotate --service system', () => {
  it('moves the users’ TOTP secrets to the new version: signing in still works', async () => {
    const before = await usage('system');
    const result = await rotation().rotate(CLI, 'system');
    expect(result).toMatchObject({ version: 2, resumed: false, reindexed: 0 });
    expect(await usage('system')).toEqual([{ v: 2, n: before[0]!.n }]);
    // TOTP secrets are encrypted under the users' data keys (scope system).
    await signIn(t.app, t.clock, anna);
    await signIn(t.app, t.clock, clara);
  });
});

describe('keys destroy-retired', () => {
  it('refuses while a running server has just had a version retired', async () => {
    await sql(`UPDATE service_keys SET retired_at = now() WHERE retired_at IS NOT NULL`);
    await expect(rotation().destroyRetired(CLI, 'backup')).rejects.toThrow(
      /backup v1 was retired \d+ s ago/,
    );
    await expect(rotation().destroyRetired(CLI, 'backup')).rejects.toBeInstanceOf(
      KeyMaintenanceError,
    );
    expect((await versions('backup')).length).toBe(2);
  });

  it('refuses while a data key still uses a retired version, and destroys it once none does', async () => {
    // A server that has not yet noticed the rotation (its keyring refreshes once a minute)
    // wraps a new key under the version that was retired meanwhile.
    const { keyring: stale } = createDataLayer(appDb, MASTER_KEY, systemClock);
    await stale.warm(['backup']);
    await rotation().rotate(CLI, 'backup'); // v3; v2 retired
    const straggler = { scope: 'backup' as const, ownerType: 'case', ownerId: randomUUID() };
    await inServiceScope(appDb, 'backup', (client) =>
      stale.dataKey(straggler, client, { create: true }),
    );
    expect((await usage('backup')).map((row) => row.v)).toEqual([2, 3]);
    await ageRetirements();

    await expect(rotation().destroyRetired(CLI, 'backup')).rejects.toThrow(
      /service key backup v\d is still in use \(\d+ data keys.*keys rotate --service backup/,
    );
    expect((await versions('backup')).map((row) => row.version)).toEqual([1, 2, 3]);
    const denied = await auditEvents(t, { action: 'keys.destroy_retired' });
    expect(denied.at(-1)).toMatchObject({ outcome: 'denied', reason: 'in_use' });

    // The rerun sweeps the straggler up (no new version: the rotation is unfinished).
    expect(await rotation().rotate(CLI, 'backup')).toMatchObject({
      version: 3,
      resumed: true,
      rewrapped: 1,
    });
    await ageRetirements();
    expect(await rotation().destroyRetired(CLI, 'backup')).toEqual([1, 2]);
    expect(await versions('backup')).toEqual([{ version: 3, retired: false }]);

    // Everything still decrypts, the straggler's key included, and search still works.
    const { keyring: fresh } = createDataLayer(appDb, MASTER_KEY, systemClock);
    await inServiceScope(appDb, 'backup', (client) =>
      fresh.dataKey(straggler, client, { create: false }),
    );
    await expectEveryCaseReadable();
    await expectSearchFindsEverything();
    // A keyring that held the destroyed versions forgets them on its next load.
    const held = (await stale.allSubkeys('backup')).map((s) => s.version);
    expect(held).toEqual(expect.arrayContaining([2]));
    await stale.warm(['backup']);
    expect((await stale.allSubkeys('backup')).map((s) => s.version)).toEqual([3]);
    expect((await fresh.allSubkeys('backup')).map((s) => s.version)).toEqual([3]);
  });

  it('never destroys the current version', async () => {
    await ageRetirements();
    expect(await rotation().destroyRetired(CLI, 'backup')).toEqual([]);
    expect(await versions('backup')).toEqual([{ version: 3, retired: false }]);
  });
});

describe('npx casework keys', () => {
  const BIN = path.join(REPOSITORY_ROOT, 'bin', 'casework.js');
  const env = () => ({
    ...process.env,
    DATABASE_URL: t.database.appUrl,
    CASEWORK_MIGRATION_DATABASE_URL: t.database.ownerUrl,
    CASEWORK_MASTER_KEY: Buffer.from(MASTER_KEY).toString('base64'),
    CASEWORK_LOG_LEVEL: 'silent' as const,
  });
  const casework = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        {
          cwd: REPOSITORY_ROOT,
          env: env(),
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('rotates from the command line and refuses, in one line, to destroy a version just retired', async () => {
    const rotated = await casework([
      'keys',
      'rotate',
      '--service',
      'comeback',
      '--batch-size',
      '2',
    ]);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/^service key comeback is now v4: \d+ data keys re-wrapped/);
    expect((await usage('comeback')).map((row) => row.v)).toEqual([4]);
    const refused = await casework(['keys', 'destroy-retired', '--service', 'comeback']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^casework: service key comeback v\d was retired \d+ s ago[^\n]*\n$/,
    );
    expect((await versions('comeback')).length).toBe(4);
    const status = await casework(['keys', 'status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(
      /^comeback v3 retired since \S+: 0 data keys, 0 blind indexes, master key [0-9a-f]{16}$/m,
    );
    expect(status.stdout).toMatch(
      /^comeback v4 current: [1-9]\d* data keys, [1-9]\d* blind indexes/m,
    );
    const unknown = await casework(['keys', 'rotate', '--service', 'everyone']);
    expect(unknown.code).not.toBe(0);
    await expectEveryCaseReadable();
  });

  it('moves the statistics facts of live records to the current key before destroying the old versions', async () => {
    // Continues from the rotation above: comeback is at v4, older versions retired.
    const comebackCases = cases.filter((c) => c.service === 'comeback');
    expect(comebackCases.length).toBeGreaterThan(0);
    const factsBefore = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM stats_case_facts WHERE service = 'comeback'`,
    );
    await ageRetirements();
    const destroyed = await casework(['keys', 'destroy-retired', '--service', 'comeback']);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toMatch(/^comeback: facts of \d+ records rebuilt$/m);
    expect(destroyed.stdout).toMatch(/^destroyed service key comeback v1, v2, v3$/m);

    // Each live case's fact is now found under the only key left, and none was duplicated.
    const { keyring } = createDataLayer(appDb, MASTER_KEY, systemClock);
    const current = await keyring.currentSubkeys('comeback');
    expect(current.version).toBe(4);
    for (const c of comebackCases) {
      const key = Buffer.from(statisticsFactKey(current.statisticsKey, 'case', c.id));
      const found = await sql<{ n: number }>(
        'SELECT count(*)::int AS n FROM stats_case_facts WHERE key = $1',
        [key],
      );
      expect(found[0]!.n, c.id).toBe(1);
    }
    expect(
      await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM stats_case_facts WHERE service = 'comeback'`,
      ),
    ).toEqual(factsBefore);
  });

  it('survives SIGKILL half-way: the rerun resumes the same version and every record decrypts', async () => {
    // More cases (through the repositories, quickly), so the command runs long enough to kill.
    const repository = createDataLayer(appDb, MASTER_KEY, systemClock).repositories.cases;
    const bulk = await inServiceScope(appDb, 'backup', (client) =>
      repository.createMany(
        Array.from({ length: 300 }, (_, i) => ({
          service: 'backup' as const,
          year: 2026,
          anonymous: false,
          openedOn: '2026-11-01',
          assignedCounsellorId: anna.user.id,
          coCounsellorId: null,
          exitPhase: null,
          createdById: anna.user.id,
          sealed: { pseudonym: `Star ${i}`, realName: `Massen Fall ${i}` },
        })),
        client,
      ),
    );
    const [from] = (await versions('backup')).map((row) => row.version);
    const child = spawn(
      process.execPath,
      [BIN, 'keys', 'rotate', '--service', 'backup', '--batch-size', '1'],
      { cwd: REPOSITORY_ROOT, env: env(), stdio: 'ignore' },
    );
    let exited = false;
    child.on('exit', () => (exited = true));
    for (;;) {
      const moved = (await usage('backup')).find((row) => row.v === from! + 1)?.n ?? 0;
      if (moved >= 20) break;
      if (exited) throw new Error('the rotation ended before it could be killed');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill('SIGKILL');
    await once(child, 'exit');

    expect(await versions('backup')).toEqual([
      { version: from, retired: false },
      { version: from! + 1, retired: false },
    ]);
    expect((await usage('backup')).map((row) => row.v)).toEqual([from, from! + 1]);

    const rerun = await casework(['keys', 'rotate', '--service', 'backup']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(`resuming the unfinished rotation of backup to v${from! + 1}`);
    expect(await usage('backup')).toEqual([{ v: from! + 1, n: expect.any(Number) }]);
    expect(await versions('backup')).toEqual([
      { version: from, retired: true },
      { version: from! + 1, retired: false },
    ]);
    await expectEveryCaseReadable();
    await expectSearchFindsEverything();
    for (const [i, created] of bulk.entries()) {
      const found = await inServiceScope(appDb, 'backup', (client) =>
        repository.findById('backup', created.id, new Date(), client),
      );
      expect(found?.sealed).toMatchObject({ pseudonym: `Star ${i}`, realName: `Massen Fall ${i}` });
    }
    expect(await search(anna, 'Massen Fall 123')).toEqual([bulk[123]!.id]);
  });
});

describe('keys rotate-master', () => {
  it('re-wraps every service key under the new master key, resumably', async () => {
    const newKey = new Uint8Array(randomBytes(32));
    const first = await rotation().rotateMaster(CLI, newKey);
    const all = await sql<{ wrapped_key: Buffer }>(`SELECT wrapped_key FROM service_keys`);
    expect(first.rewrapped).toBe(all.length);
    for (const row of all) {
      expect(readWrappedRootKeyInfo(row.wrapped_key).masterKeyId).toBe(masterKeyId(newKey));
    }
    // A second run (as after an interruption) finds nothing left to do.
    expect(await rotation().rotateMaster(CLI, newKey)).toMatchObject({
      rewrapped: 0,
      already: all.length,
    });

    // A process with the new key decrypts every case; one with the old key cannot start.
    const repository = createDataLayer(appDb, newKey, systemClock).repositories.cases;
    for (const c of cases) {
      const found = await inServiceScope(appDb, c.service as 'backup', (client) =>
        repository.findById(c.service as 'backup', c.id, new Date(), client),
      );
      expect(found?.sealed.pseudonym).toBe(c.pseudonym);
    }
    const { keyring: old } = createDataLayer(appDb, MASTER_KEY, systemClock);
    await expect(old.warm(['backup'])).rejects.toThrow(/another master key/);
    // The running server still holds its unwrapped keys and keeps serving until restarted.
    await expectEveryCaseReadable();
  });
});

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupFileError } from '../../crypto/database-backup-stream.ts';
import { formatVerifierKey, generateCheckpointSigner, initCrypto } from '../../crypto/index.ts';
import {
  createDataLayer,
  createDatabaseBackup,
  createRestoredChecks,
} from '../../server/container.ts';
import { systemClock } from '../../server/clock.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { closeDatabase, createDatabase } from '../../server/database/prisma-client.ts';
import { inServiceScope } from '../../server/database/service-scope.ts';
import { RestoreRefusedError } from '../../server/repositories/database-backup/restore-target.repository.ts';
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
import { fakePdf, sha256, uploadForm } from '../support/documents.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-cluster.ts';
import { REPOSITORY_ROOT } from '../support/test-config.ts';

const MASTER_KEY = new Uint8Array(Buffer.alloc(32, 7));
const CLI: RequestContext = { actor: null, clientAddress: null, requestId: 'cli:test' };
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-backup-test-'));
const publicKeyFile = path.join(scratch, 'audit.pub');

let t: CaseWorkApp;
let anna: Staff;
let clara: Staff;
let file: string;
const cases: { id: string; service: 'backup' | 'comeback'; pseudonym: string; name: string }[] = [];
const NOTE = 'Vertraulich: Bedrohung durch Nachbarn, Anzeige erstattet.';
const targets: TestDatabase[] = [];
const DOCUMENT_MARKER = 'ATTEST-PLAINTEXT-5R8W';
const DOCUMENT = fakePdf(200 * 1024 + 3, DOCUMENT_MARKER);
let document: { id: string; sha256: string };

const service = (masterKey = MASTER_KEY) =>
  createDatabaseBackup({ masterKey, clock: systemClock, audit: t.app.services.audit });

async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase({ migrated: false });
  targets.push(database);
  return database;
}

/** Digest of every row of every table (as the superuser), per table. */
async function digests(url: string): Promise<Record<string, string>> {
  return withClient(url, async (client) => {
    const tables = await client.query<{ name: string }>(
      `SELECT relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND relkind = 'r' AND relname <> '_prisma_migrations'
        ORDER BY relname`,
    );
    const out: Record<string, string> = {};
    for (const { name } of tables.rows) {
      const result = await client.query(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS d
           FROM "${name}" x`,
      );
      out[name] = `${result.rows[0].n}:${result.rows[0].d}`;
    }
    return out;
  });
}

const count = (url: string, table: string) =>
  withClient(url, async (client) =>
    Number((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n),
  );

function copyWith(name: string, change: (bytes: Buffer) => Buffer): string {
  const out = path.join(scratch, name);
  fs.writeFileSync(out, change(fs.readFileSync(file)));
  return out;
}

/**
 * Where the file's largest frame (4-byte length, then the sealed message) after the first
 * (the inventory) ends: that frame holds table rows, so the file breaks off inside a COPY.
 */
function endOfLargestFrame(bytes: Buffer): number {
  let largest = { length: 0, end: 0 };
  for (let at = 58 + 4 + bytes.readUInt32BE(58); at + 4 <= bytes.length;) {
    const end = at + 4 + bytes.readUInt32BE(at);
    if (end - at > largest.length) largest = { length: end - at, end };
    at = end;
  }
  return largest.end;
}

beforeAll(async () => {
  await initCrypto();
  fs.writeFileSync(
    publicKeyFile,
    `${formatVerifierKey(generateCheckpointSigner('casework-access-log'))}\n`,
  );
  t = await startCaseWorkApp();
  t.clock.set(new Date('2026-11-23T09:00:00Z'));
  anna = await newCounsellor(t, 'backup');
  clara = await newCounsellor(t, 'comeback');
  for (let i = 0; i < 12; i++) {
    const svc = i % 3 === 2 ? 'comeback' : 'backup';
    const pseudonym = `Lerche ${i} ${randomBytes(3).toString('hex')}`;
    const name = `Gerda Beispiel-${randomBytes(3).toString('hex')}`;
    const who = svc === 'backup' ? anna : clara;
    const created = await newCase(who, { person: { pseudonym, name } });
    expectStatus(
      await who.http('POST', `/api/cases/${created.id}/notes`, { kind: 'phone_call', body: NOTE }),
      201,
    );
    cases.push({ id: created.id, service: svc, pseudonym, name });
  }
  const form = uploadForm({ title: 'Ärztliches Attest', kind: 'medical' }, { bytes: DOCUMENT });
  document = expectStatus(
    await anna.http('POST', `/api/cases/${cases[0]!.id}/documents`, form.payload, form.headers),
    201,
  );
  file = path.join(scratch, 'casework.backup');
  await service().create(CLI, t.database.ownerUrl, file);
});
afterAll(async () => {
  for (const target of targets) await target.drop();
  await t?.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('backup create', () => {
  it('writes a 0600 file with no plaintext and no master key in it, and logs the backup', async () => {
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const bytes = fs.readFileSync(file);
    expect(bytes.subarray(0, 8).toString()).toBe('CWBACKUP');
    for (const needle of [
      ...cases.flatMap((c) => [c.pseudonym, c.name]),
      NOTE,
      DOCUMENT_MARKER,
      anna.username,
      'casework_owner',
      'audit_events',
    ]) {
      expect(bytes.includes(Buffer.from(needle))).toBe(false);
    }
    expect(bytes.includes(Buffer.from(MASTER_KEY))).toBe(false);
    const events = await auditEvents(t, { action: 'backup.create' });
    expect(events.at(-1)).toMatchObject({ outcome: 'allowed', actorId: null });
  });

  it('refuses to overwrite an existing file', async () => {
    await expect(service().create(CLI, t.database.ownerUrl, file)).rejects.toThrow(/EEXIST/);
  });
});

describe('backup restore', () => {
  it('restores into an empty database: same rows, every record decrypts, the access log verifies', async () => {
    const before = await digests(t.database.superuserUrl);
    const target = await emptyDatabase();
    const result = await service().restore(CLI, target.ownerUrl, file);
    expect(result.rows).toBeGreaterThan(cases.length * 3);
    const after = await digests(target.superuserUrl);
    for (const [table, digest] of Object.entries(before)) {
      // The source logged the backup after its snapshot; the copy logged the restore.
      if (table === 'audit_events') continue;
      expect(after[table], table).toBe(digest);
    }
    // Row-level security is back in force on the copy, for the owner too.
    const forced = await withClient(
      target.superuserUrl,
      async (client) =>
        (
          await client.query(
            `SELECT count(*)::int AS n FROM pg_class WHERE relrowsecurity AND NOT relforcerowsecurity
             AND relnamespace = 'public'::regnamespace`,
          )
        ).rows[0].n,
    );
    expect(forced).toBe(0);

    // Every case decrypts on the copy, through the server's repositories and its request role.
    const db = createDatabase({ url: target.appUrl, poolMax: 2 });
    try {
      const { repositories } = createDataLayer(db, MASTER_KEY, systemClock);
      const repository = repositories.cases;
      for (const c of cases) {
        const found = await inServiceScope(db, c.service, (client) =>
          repository.findById(c.service, c.id, new Date(), client),
        );
        expect(found?.sealed).toMatchObject({ pseudonym: c.pseudonym, realName: c.name });
      }
      // The document decrypts on the copy to the very bytes uploaded (same SHA-256).
      const documents = repositories.documents;
      const bytes = await inServiceScope(db, 'backup', async (client) => {
        const reading = await documents.open('backup', cases[0]!.id, document.id, client);
        const chunks = await reading!.read(0, reading!.chunkCount, client);
        reading!.finish();
        expect(reading!.record.sha256).toBe(document.sha256);
        return Buffer.concat(chunks);
      });
      expect(sha256(bytes)).toBe(sha256(DOCUMENT));
      expect(document.sha256).toBe(sha256(DOCUMENT));
    } finally {
      await closeDatabase(db);
    }
    const checks = await createRestoredChecks(
      MASTER_KEY,
      publicKeyFile,
      systemClock,
    )(target.appUrl);
    try {
      const events = await count(target.superuserUrl, 'audit_events');
      expect(await checks.verifyAccessLog()).toEqual({ ok: true, checked: events });
      expect(await checks.unwrapDataKeys('backup', 1000)).toBe(
        cases.filter((c) => c.service === 'backup').length,
      );
    } finally {
      await checks.close();
    }
  });

  it('restores into a database that is already migrated but empty', async () => {
    const target = await createTestDatabase();
    targets.push(target);
    const result = await service().restore(CLI, target.ownerUrl, file);
    expect(result.migrated).toEqual([]);
    expect(await count(target.superuserUrl, 'cases')).toBe(cases.length);
  });

  it('refuses a database that is not empty, changing nothing', async () => {
    const before = await digests(t.database.superuserUrl);
    await expect(service().restore(CLI, t.database.ownerUrl, file)).rejects.toThrow(
      RestoreRefusedError,
    );
    await expect(service().restore(CLI, t.database.ownerUrl, file)).rejects.toThrow(
      /the target database is not empty \(users: \d+/,
    );
    const after = await digests(t.database.superuserUrl);
    expect({ ...after, audit_events: '' }).toEqual({ ...before, audit_events: '' });
  });

  it.each([
    [
      'corrupted',
      (b: Buffer) =>
        Buffer.concat([
          b.subarray(0, b.length / 2),
          Buffer.from([b[b.length / 2]! ^ 1]),
          b.subarray(b.length / 2 + 1),
        ]),
      /^the backup file is corrupted/,
    ],
    ['truncated', (b: Buffer) => b.subarray(0, Math.floor(b.length * 0.7)), /truncated/],
    [
      'cut after a whole frame',
      (b: Buffer) => b.subarray(0, 58 + 4 + b.readUInt32BE(58)),
      /truncated/,
    ],
    ['cut inside a table', (b: Buffer) => b.subarray(0, endOfLargestFrame(b)), /truncated/],
    ['with data appended', (b: Buffer) => Buffer.concat([b, Buffer.from('more')]), /after its end/],
    [
      'not a backup',
      () => Buffer.from('PGDMP this is something else entirely'),
      /not a casework backup/,
    ],
  ])(
    'refuses a file %s with a clear message and leaves the target empty',
    async (name, change, message) => {
      const broken = copyWith(name.replace(/ /g, '-'), change as (b: Buffer) => Buffer);
      const target = await emptyDatabase();
      const error = await service()
        .restore(CLI, target.ownerUrl, broken)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackupFileError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
      const users = await count(target.superuserUrl, 'users').catch(() => 0);
      expect(users).toBe(0);
    },
  );

  it('refuses a backup made under another master key', async () => {
    const target = await emptyDatabase();
    await expect(
      service(new Uint8Array(randomBytes(32))).restore(CLI, target.ownerUrl, file),
    ).rejects.toThrow(/made under master key [0-9a-f]{16}, not the configured [0-9a-f]{16}/);
  });
});

describe('backup verify', () => {
  it('restores into a throwaway database and checks it, without touching production', async () => {
    const before = await digests(t.database.superuserUrl);
    const scratchDb = await emptyDatabase();
    const report = await service().verify(
      file,
      { ownerUrl: scratchDb.ownerUrl, appUrl: scratchDb.appUrl, drop: () => scratchDb.drop() },
      createRestoredChecks(MASTER_KEY, publicKeyFile, systemClock),
    );
    expect(report).toMatchObject({
      ok: true,
      casesDecrypted: cases.length,
      accessLog: { ok: true },
    });
    expect(report.dataKeysUnwrapped).toBeGreaterThanOrEqual(cases.length);
    // Every stored service key version was unwrapped, and no new one was made up.
    expect(report.serviceKeyVersions).toBe(await count(t.database.superuserUrl, 'service_keys'));
    expect(await digests(t.database.superuserUrl)).toEqual(before);
    // The throwaway database is gone.
    const left = await withClient(
      t.database.superuserUrl,
      async (client) =>
        (await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [scratchDb.name]))
          .rowCount,
    );
    expect(left).toBe(0);
  });

  it('reports an access log that was tampered with after the backup was taken', async () => {
    // A backup of a database whose chain is broken (an event's action rewritten as superuser).
    const source = await emptyDatabase();
    await service().restore(CLI, source.ownerUrl, file);
    await withClient(source.superuserUrl, async (client) => {
      await client.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
      await client.query(`UPDATE audit_events SET action = 'auth.logout' WHERE seq = 2`);
      await client.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    });
    const tampered = path.join(scratch, 'tampered.backup');
    await service().create(CLI, source.ownerUrl, tampered);
    const scratchDb = await emptyDatabase();
    const report = await service().verify(
      tampered,
      { ownerUrl: scratchDb.ownerUrl, appUrl: scratchDb.appUrl, drop: () => scratchDb.drop() },
      createRestoredChecks(MASTER_KEY, publicKeyFile, systemClock),
    );
    expect(report.ok).toBe(false);
    expect(report.accessLog.ok).toBe(false);
  });
});

describe('npx casework backup', () => {
  const BIN = path.join(REPOSITORY_ROOT, 'bin', 'casework.js');
  const casework = (args: string[], database: TestDatabase) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        {
          cwd: REPOSITORY_ROOT,
          env: {
            ...process.env,
            DATABASE_URL: database.appUrl,
            CASEWORK_MIGRATION_DATABASE_URL: database.ownerUrl,
            CASEWORK_MASTER_KEY: Buffer.from(MASTER_KEY).toString('base64'),
            CASEWORK_LOG_LEVEL: 'silent',
            CASEWORK_AUDIT_PUBLIC_KEY_FILE: publicKeyFile,
          },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('creates and restores through the command line, and refuses a truncated file in one line', async () => {
    const out = path.join(scratch, 'cli.backup');
    const created = await casework(['backup', 'create', '--out', out], t.database);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^wrote .*cli\.backup: \d+ rows/);

    const truncated = copyWith('cli-truncated', () => fs.readFileSync(out).subarray(0, 5000));
    const empty = await emptyDatabase();
    const refused = await casework(['backup', 'restore', '--file', truncated], empty);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^casework: the backup file is (truncated|corrupted)[^\n]*\n$/);

    const restored = await casework(['backup', 'restore', '--file', out], empty);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/^restored \d+ rows/);
    // verify restores into a PostgreSQL cluster of its own in a temporary directory.
    const verified = await casework(['backup', 'verify', '--file', out], empty);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(
      /decrypted \d+ sampled cases\naccess log intact: \d+ events verified\nbackup OK/,
    );
    const again = await casework(['backup', 'restore', '--file', out], empty);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^casework: the target database is not empty/);
    const logged = await withClient(
      empty.superuserUrl,
      async (client) =>
        (
          await client.query(
            `SELECT outcome FROM audit_events
              WHERE action = 'backup.restore' AND request_id LIKE 'cli:backup-restore:%'`,
          )
        ).rows,
    );
    expect(logged).toEqual([{ outcome: 'allowed' }]);
  });
});

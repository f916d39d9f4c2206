import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatVerifierKey, generateCheckpointSigner, initCrypto } from '../../crypto/index.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-cluster.ts';
import { REPOSITORY_ROOT } from '../support/test-config.ts';

const run = promisify(execFile);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-cli-'));
const BIN = path.join(REPOSITORY_ROOT, 'bin', 'casework.js');

describe('npx casework', () => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    database = await createTestDatabase();
    env = {
      ...process.env,
      DATABASE_URL: database.appUrl,
      CASEWORK_MIGRATION_DATABASE_URL: database.ownerUrl,
      CASEWORK_SEALER_DATABASE_URL: database.sealerUrl,
      CASEWORK_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
      CASEWORK_LOG_LEVEL: 'silent',
      CASEWORK_AUDIT_PUBLIC_KEY_FILE: path.join(scratch, 'audit.pub'),
    };
    await initCrypto();
    fs.writeFileSync(
      env.CASEWORK_AUDIT_PUBLIC_KEY_FILE!,
      `${formatVerifierKey(generateCheckpointSigner('casework-access-log'))}\n`,
    );
  });
  afterAll(async () => {
    await database.drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const casework = (args: string[], input?: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [BIN, ...args],
        { env, cwd: REPOSITORY_ROOT },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end(input ?? '');
    });

  it('--help lists the commands the README names', async () => {
    const { stdout } = await run(process.execPath, [BIN, '--help'], { env });
    expect(stdout).toContain('user');
    expect(stdout).toContain('migrate');
    const user = await run(process.execPath, [BIN, 'user', 'create', '--help'], { env });
    expect(user.stdout).toContain('--password-stdin');
  });

  it('user create makes an account from a password on stdin and prints its id', async () => {
    const result = await casework(
      ['user', 'create', '--username', 'Erste.Admin', '--role', 'admin', '--password-stdin'],
      'Leuchtturm Brezel Gewitter Akkordeon\n',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const id = result.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const row = await withClient(database.ownerUrl, (client) =>
      client.query('SELECT username, role, password_hash FROM users WHERE id = $1', [id]),
    );
    expect(row.rows[0]).toMatchObject({ username: 'erste.admin', role: 'admin' });
    expect(row.rows[0].password_hash).toMatch(/^\$argon2id\$/);
    const audit = await withClient(database.ownerUrl, (client) =>
      client.query(`SELECT action, actor_id FROM audit_events WHERE target_id = $1`, [id]),
    );
    expect(audit.rows).toEqual([{ action: 'admin.user_create', actor_id: null }]);
  });

  it.each([
    [['user', 'create', '--username', 'x1y', '--role', 'boss'], /argument 'boss' is invalid/],
    [['user', 'create', '--username', 'ohne', '--role', 'counsellor'], /belongs to a service/],
    [
      ['user', 'create', '--username', 'schwach', '--role', 'auditor', '--password-stdin'],
      /at least 12 characters/,
    ],
    [['frobnicate'], /unknown command/],
  ])('refuses %o with a clear message and a non-zero exit', async (args, message) => {
    const result = await casework(args, 'kurz\n');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });

  it('audit verify checks the log, audit export writes it, and the export verifies offline', async () => {
    const online = await casework(['audit', 'verify']);
    expect(online.code).toBe(0);
    expect(online.stdout).toMatch(/^access log intact: \d+ events verified, no checkpoint yet$/m);

    const file = path.join(scratch, 'log.jsonl');
    const exported = await casework(['audit', 'export', '--out', file]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^wrote \d+ events to /);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const key = env.CASEWORK_AUDIT_PUBLIC_KEY_FILE!;
    const offline = await casework(['audit', 'verify', '--file', file, '--public-key', key]);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain('access log intact');

    const tampered = path.join(scratch, 'tampered.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"outcome":"allowed"', '"outcome":"denied"');
    fs.writeFileSync(tampered, lines.join('\n'));
    const bad = await casework(['audit', 'verify', '--file', tampered, '--public-key', key]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/access log NOT intact: link_mismatch; first bad event: seq 2 /);
  });

  it('chronicle build writes the public files and logs the build as the command line', async () => {
    const out = path.join(scratch, 'chronik');
    const result = await casework([
      'chronicle',
      'build',
      '--out',
      out,
      '--destination',
      'Website des Vereins',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^0 entries: /);
    expect(fs.readdirSync(out).sort()).toEqual(['chronik.atom', 'chronik.json', 'index.html']);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'chronik.json'), 'utf8')).entries).toEqual([]);
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('<html lang="de">');
    const audit = await withClient(database.ownerUrl, (client) =>
      client.query(`SELECT actor_id, outcome FROM audit_events WHERE action = 'chronicle.build'`),
    );
    expect(audit.rows).toEqual([{ actor_id: null, outcome: 'allowed' }]);

    const refused = await casework(['chronicle', 'build']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--out');
  });
});

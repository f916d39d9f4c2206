import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../server/database/embedded-postgres.ts';
import { isAlive, spawnServer, waitForHealth } from '../support/server-process.ts';
import { createTestDatabase } from '../support/test-cluster.ts';

const KEY = Buffer.alloc(32, 3).toString('base64');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-startup-'));
fs.chmodSync(scratch, 0o711); // PostgreSQL runs as 'postgres' when tests run as root
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

async function refusedStart(env: Record<string, string>) {
  const server = spawnServer({ CASEWORK_DATA_DIR: path.join(scratch, 'unused'), ...env });
  const code = await server.exited;
  return { code, lines: server.output().trim().split('\n') };
}

describe('npm start refuses bad configuration with one line naming it', () => {
  it('PORT=abc', async () => {
    const { code, lines } = await refusedStart({ PORT: 'abc' });
    expect(code).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(/^casework: PORT=abc is invalid: must be integer$/),
    ]);
  });

  it('a DATABASE_URL on a closed port', async () => {
    const port = await findFreePort();
    const { code, lines } = await refusedStart({
      DATABASE_URL: `postgresql://casework_app:topsecret@127.0.0.1:${port}/casework`,
      CASEWORK_MASTER_KEY: KEY,
    });
    expect(code).toBe(1);
    expect(lines).toEqual([
      `casework: DATABASE_URL (postgresql://casework_app:***@127.0.0.1:${port}/casework) does not answer: ECONNREFUSED`,
    ]);
  });

  it('a DATABASE_URL that connects as the owner of the tables', async () => {
    const database = await createTestDatabase();
    try {
      const { code, lines } = await refusedStart({
        DATABASE_URL: database.ownerUrl,
        CASEWORK_SEALER_DATABASE_URL: database.sealerUrl,
        CASEWORK_MASTER_KEY: KEY,
      });
      expect(code).toBe(1);
      expect(lines).toEqual([
        expect.stringMatching(
          /^casework: DATABASE_URL \(postgresql:\/\/casework_owner:\*\*\*@[^)]+\) connects as casework_owner, a role that owns the casework tables: requests must use the request login role/,
        ),
      ]);
    } finally {
      await database.drop();
    }
  });

  it('an unreadable master key file', async () => {
    const missing = path.join(scratch, 'missing.key');
    const { code, lines } = await refusedStart({ CASEWORK_MASTER_KEY_FILE: missing });
    expect(code).toBe(1);
    expect(lines).toEqual([
      `casework: CASEWORK_MASTER_KEY_FILE ${missing} cannot be read (ENOENT)`,
    ]);
  });

  it('a master key file that others may read', async () => {
    const open = path.join(scratch, 'open.key');
    fs.writeFileSync(open, `${KEY}\n`, { mode: 0o644 });
    const { code, lines } = await refusedStart({ CASEWORK_MASTER_KEY_FILE: open });
    expect(code).toBe(1);
    expect(lines).toEqual([
      `casework: CASEWORK_MASTER_KEY_FILE ${open} is readable by others (mode 644): chmod 600 it`,
    ]);
  });

  it('a malformed master key, without echoing it', async () => {
    const { code, lines } = await refusedStart({ CASEWORK_MASTER_KEY: 'c2hvcnQtc2VjcmV0' });
    expect(code).toBe(1);
    expect(lines).toEqual(['casework: CASEWORK_MASTER_KEY must hold 32 bytes in base64']);
  });
});

describe('npm start with the embedded database', () => {
  const dataDir = path.join(scratch, 'data');
  const postmasterPid = () =>
    Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

  it('starts, stops cleanly, starts again on the same data, and recovers after a crash', async () => {
    const port = await findFreePort();
    const env = { CASEWORK_DATA_DIR: dataDir, PORT: String(port) };

    const first = spawnServer(env);
    expect(await waitForHealth(port, first)).toEqual({ status: 'ok' });
    const key = fs.readFileSync(path.join(dataDir, 'master.key'), 'utf8');
    expect(fs.statSync(path.join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    const firstPostgres = postmasterPid();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(isAlive(firstPostgres)).toBe(false);

    const second = spawnServer(env);
    expect(await waitForHealth(port, second)).toEqual({ status: 'ok' });
    expect(second.output()).not.toContain('creating the embedded PostgreSQL cluster');
    expect(second.output()).not.toContain('applied migration');
    expect(fs.readFileSync(path.join(dataDir, 'master.key'), 'utf8')).toBe(key);

    // A crash leaves PostgreSQL running; the next start takes the orphan over.
    const orphan = postmasterPid();
    second.child.kill('SIGKILL');
    await second.exited;
    expect(isAlive(orphan)).toBe(true);

    const third = spawnServer(env);
    expect(await waitForHealth(port, third)).toEqual({ status: 'ok' });
    expect(third.output()).toContain(
      `stopping a PostgreSQL left running by an earlier crash (pid ${orphan})`,
    );
    expect(isAlive(orphan)).toBe(false);
    const thirdPostgres = postmasterPid();
    third.child.kill('SIGINT');
    expect(await third.exited).toBe(0);
    expect(isAlive(thirdPostgres)).toBe(false);
  });

  it('refuses a data directory that another running casework uses', async () => {
    const port = await findFreePort();
    const running = spawnServer({ CASEWORK_DATA_DIR: dataDir, PORT: String(port) });
    await waitForHealth(port, running);
    try {
      const { code, lines } = await refusedStart({
        CASEWORK_DATA_DIR: dataDir,
        PORT: String(await findFreePort()),
      });
      expect(code).toBe(1);
      expect(lines.at(-1)).toMatch(
        /is in use by another casework process \(pid \d+\); stop it first$/,
      );
      expect(await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.json())).toEqual({
        status: 'ok',
      });
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  });
});

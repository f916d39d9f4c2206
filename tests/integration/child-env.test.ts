import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv } from '../../server/config/child-env.ts';
import { startEmbeddedPostgres } from '../../server/database/embedded-postgres.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-child-env-'));
fs.chmodSync(scratch, 0o711); // PostgreSQL runs as 'postgres' when tests run as root
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const MASTER_KEY = Buffer.alloc(32, 9).toString('base64');

describe('child processes', () => {
  it('never see the master key or a database URL', () => {
    const env = childEnv({
      PATH: '/usr/bin',
      LANG: 'C.UTF-8',
      CASEWORK_MASTER_KEY: MASTER_KEY,
      CASEWORK_MASTER_KEY_FILE: '/etc/casework/master.key',
      DATABASE_URL: 'postgresql://casework_app:secret@db/casework',
      CASEWORK_MIGRATION_DATABASE_URL: 'postgresql://casework_owner:secret@db/casework',
      PGPASSWORD: 'secret',
    });
    expect(env).toEqual({ PATH: '/usr/bin', LANG: 'C.UTF-8' });
  });

  it('the embedded PostgreSQL (another OS user) holds no master key in its environment', async () => {
    const saved = process.env.CASEWORK_MASTER_KEY;
    process.env.CASEWORK_MASTER_KEY = MASTER_KEY;
    const dataDir = path.join(scratch, 'data');
    let cluster: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
    try {
      cluster = await startEmbeddedPostgres({ dataDir, log: () => {} });
      const pid = fs
        .readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')
        .split('\n')[0];
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      expect(environ.some((entry) => entry.startsWith('PATH='))).toBe(true); // it is read
      expect(environ.filter((entry) => entry.includes(MASTER_KEY))).toEqual([]);
      expect(environ.filter((entry) => entry.startsWith('CASEWORK_'))).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.CASEWORK_MASTER_KEY;
      else process.env.CASEWORK_MASTER_KEY = saved;
      await cluster?.stop();
    }
  });
});

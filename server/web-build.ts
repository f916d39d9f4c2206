import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { childEnv } from './config/child-env.ts';

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '..');
const WEB_DIR = path.join(REPOSITORY_ROOT, 'web');
const WEB_SOURCES = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];

/**
 * `npm start` builds the UI when web/build is missing or older than any of its sources, so a
 * fresh clone and a `git pull` both just work. Returns whether a build ran.
 */
export async function ensureWebBuild(
  buildDir: string,
  log: (message: string) => void,
): Promise<boolean> {
  if (path.resolve(buildDir) !== path.join(WEB_DIR, 'build')) return false; // operator-provided build
  if (!fs.existsSync(path.join(WEB_DIR, 'src'))) return false;
  const builtAt = mtime(path.join(buildDir, 'index.html'));
  const sourcesAt = Math.max(...WEB_SOURCES.map((entry) => newestMtime(path.join(WEB_DIR, entry))));
  if (builtAt !== undefined && builtAt >= sourcesAt) return false;
  log(
    builtAt === undefined
      ? 'building the web UI (first start)'
      : 'web UI sources changed: rebuilding',
  );
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(REPOSITORY_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '--logLevel',
        'warn',
      ],
      {
        cwd: WEB_DIR,
        env: childEnv(),
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`the web UI build failed (exit code ${code})`)),
    );
  });
  return true;
}

function mtime(file: string): number | undefined {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) {
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

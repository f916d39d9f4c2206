/**
 * Runs before the e2e tier: the browser tests drive Debian's Chromium (npm cannot download a
 * browser here, DESIGN.md). When it is missing, install it where we can (root with apt-get),
 * otherwise stop before any test with the one command that fixes it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { CHROMIUM_PATH } from '../tests/support/browser.ts';

const PACKAGES = ['chromium', 'fonts-dejavu-core'];
const INSTALL_COMMAND = `sudo apt-get update && sudo apt-get install -y ${PACKAGES.join(' ')}`;

function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function fail(message: string): never {
  console.error(`e2e: ${message}`);
  process.exit(1);
}

if (!fs.existsSync(CHROMIUM_PATH)) {
  if (process.getuid?.() !== 0 || !hasCommand('apt-get')) {
    fail(`Chromium is missing at ${CHROMIUM_PATH}; install it with: ${INSTALL_COMMAND}`);
  }
  console.log(`e2e: Chromium is missing; installing Debian's ${PACKAGES.join(' ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...PACKAGES], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } catch {
    fail(`installing Chromium failed; install it with: ${INSTALL_COMMAND}`);
  }
  if (!fs.existsSync(CHROMIUM_PATH)) fail(`apt-get installed no ${CHROMIUM_PATH}`);
}

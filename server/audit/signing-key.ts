import fs from 'node:fs/promises';
import path from 'node:path';
import {
  checkpointSignerFromSeed,
  formatVerifierKey,
  generateCheckpointSigner,
  parseVerifierKey,
  type CheckpointSigner,
  type CheckpointVerifier,
} from '../../crypto/index.ts';

export const SIGNER_NAME = 'casework-access-log';

/**
 * The checkpoint signing key: an Ed25519 seed in its own 0600 file, read only by the sealer
 * process, never derived from any data key. Its public half is written beside it (`.pub`) for
 * the server and for auditors to take away.
 */
export async function loadOrCreateSigner(
  keyFile: string,
  log: (message: string) => void,
): Promise<CheckpointSigner> {
  const existing = await readPrivateFile(keyFile);
  if (existing) {
    const seed = Buffer.from(existing.trim(), 'base64');
    if (seed.length !== 32)
      throw new Error(`the audit signing key ${keyFile} is not a 32-byte base64 seed`);
    return checkpointSignerFromSeed(SIGNER_NAME, new Uint8Array(seed));
  }
  const signer = generateCheckpointSigner(SIGNER_NAME);
  await fs.mkdir(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  await fs.writeFile(
    keyFile,
    `${Buffer.from(signer.privateKey.subarray(0, 32)).toString('base64')}\n`,
    {
      mode: 0o600,
      flag: 'wx',
    },
  );
  await fs.writeFile(publicKeyFileFor(keyFile), `${formatVerifierKey(signer)}\n`, { mode: 0o644 });
  log(
    `created the access-log signing key ${keyFile}; its public key is in ${publicKeyFileFor(keyFile)}`,
  );
  return signer;
}

/**
 * The key file's text, or undefined when there is none. Like the master key file (and as ssh
 * does), a file that others could read is refused: anyone who can read it can forge
 * checkpoints.
 */
async function readPrivateFile(keyFile: string): Promise<string | undefined> {
  let mode: number;
  try {
    mode = (await fs.stat(keyFile)).mode;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new Error(`the audit signing key ${keyFile} cannot be read (${code})`, {
      cause: error,
    });
  }
  if ((mode & 0o077) !== 0) {
    throw new Error(
      `the audit signing key ${keyFile} is readable by others (mode ${(mode & 0o777).toString(8)}): chmod 600 it`,
    );
  }
  return fs.readFile(keyFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`the audit signing key ${keyFile} cannot be read (${error.code})`, {
      cause: error,
    });
  });
}

export const publicKeyFileFor = (keyFile: string) => `${keyFile}.pub`;

/** The verifier key from its one-line text form (as `casework audit public-key` prints it). */
export async function readVerifier(publicKeyFile: string): Promise<CheckpointVerifier | undefined> {
  const text = await fs.readFile(publicKeyFile, 'utf8').catch(() => undefined);
  return text ? parseVerifierKey(text.trim()) : undefined;
}

import { createHash } from 'node:crypto';
import { HASH_BYTES, type ChainHead } from './audit-chain.ts';
import { assertKeyBytes } from './checks.ts';
import { concatBytes, equalBytes, fromBase64, toBase64, toHex, utf8 } from './encoding.ts';
import { CheckpointError } from './errors.ts';
import { randomKeyBytes } from './random.ts';
import { getSodium } from './sodium.ts';

// Signed checkpoints in the "signed note" format of transparency logs (C2SP signed-note /
// golang.org/x/mod/sumdb/note, Ed25519), so a verifier needs only the public key:
//
//   <origin>\n
//   <size, decimal>\n
//   <head link hash, base64>\n
//   \n
//   — <key name> <base64(key id(4) || Ed25519 signature(64))>\n
//
// The signature covers the first three lines byte for byte; key id = SHA-256(name || "\n" ||
// 0x01 || public key)[0..4]. The signing key is generated on its own, never derived from any
// data or service key, and is kept apart from the database (SECURITY.md).

export type Checkpoint = ChainHead & { origin: string };
export type CheckpointVerifier = { name: string; publicKey: Uint8Array };
export type CheckpointSigner = CheckpointVerifier & { privateKey: Uint8Array };

const ALG_ED25519 = 0x01;
const KEY_NAME = /^[\x21-\x2a\x2c-\x7e]+$/;
const ORIGIN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
const SIZE = /^(?:0|[1-9][0-9]{0,15})$/;
const SIGNATURE_LINE = /^\u2014 (\S+) (\S+)$/;
const MAX_NOTE_CHARS = 16 * 1024;

function assertKeyName(name: string): void {
  if (typeof name !== 'string' || !KEY_NAME.test(name)) {
    throw new TypeError('key name must be printable ASCII without spaces or "+"');
  }
}

function keyId(name: string, publicKey: Uint8Array): Uint8Array {
  const digest = createHash('sha256')
    .update(concatBytes([utf8(`${name}\n`), Uint8Array.of(ALG_ED25519), publicKey]))
    .digest();
  return new Uint8Array(digest.subarray(0, 4));
}

/** A new Ed25519 key pair from the OS CSPRNG. */
export function generateCheckpointSigner(name: string): CheckpointSigner {
  const seed = randomKeyBytes(32);
  try {
    return checkpointSignerFromSeed(name, seed);
  } finally {
    getSodium().memzero(seed);
  }
}

/** Rebuilds a signer from its stored 32-byte seed (the first half of `privateKey`). */
export function checkpointSignerFromSeed(name: string, seed: Uint8Array): CheckpointSigner {
  assertKeyName(name);
  assertKeyBytes(seed, 'checkpoint signing seed');
  const { publicKey, privateKey } = getSodium().crypto_sign_seed_keypair(seed);
  return { name, publicKey, privateKey };
}

/** The verifier key as one line, `name+keyid+base64(0x01 || public key)`, as in signed notes. */
export function formatVerifierKey(verifier: CheckpointVerifier): string {
  assertKeyName(verifier.name);
  assertKeyBytes(verifier.publicKey, 'checkpoint public key');
  const key = concatBytes([Uint8Array.of(ALG_ED25519), verifier.publicKey]);
  return `${verifier.name}+${toHex(keyId(verifier.name, verifier.publicKey))}+${toBase64(key)}`;
}

export function parseVerifierKey(text: string): CheckpointVerifier {
  // Split at the first two '+' only: the base64 key may contain '+' itself.
  const [name, id, key] = /^([^+]*)\+([^+]*)\+(.*)$/.exec(text.trim())?.slice(1) ?? [];
  const bytes = key === undefined ? undefined : fromBase64(key);
  if (
    name === undefined ||
    !KEY_NAME.test(name) ||
    bytes === undefined ||
    bytes.length !== 33 ||
    bytes[0] !== ALG_ED25519
  ) {
    throw new CheckpointError('malformed', 'not an Ed25519 verifier key');
  }
  const publicKey = bytes.subarray(1);
  if (id !== toHex(keyId(name, publicKey))) {
    throw new CheckpointError('malformed', 'verifier key id does not match the key');
  }
  return { name, publicKey };
}

function checkpointBody(checkpoint: Checkpoint): string {
  if (typeof checkpoint.origin !== 'string' || !ORIGIN.test(checkpoint.origin)) {
    throw new TypeError('origin must be printable ASCII without leading or trailing spaces');
  }
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 0) {
    throw new RangeError('checkpoint size must be a non-negative safe integer');
  }
  assertKeyBytes(checkpoint.head, 'checkpoint head', HASH_BYTES);
  return `${checkpoint.origin}\n${checkpoint.size}\n${toBase64(checkpoint.head)}\n`;
}

export function signCheckpoint(signer: CheckpointSigner, checkpoint: Checkpoint): string {
  assertKeyName(signer.name);
  assertKeyBytes(signer.privateKey, 'checkpoint private key', 64);
  const body = checkpointBody(checkpoint);
  const signature = getSodium().crypto_sign_detached(utf8(body), signer.privateKey);
  const tag = toBase64(concatBytes([keyId(signer.name, signer.publicKey), signature]));
  return `${body}\n\u2014 ${signer.name} ${tag}\n`;
}

function parseBody(body: string): Checkpoint {
  const lines = body.split('\n');
  const [origin, size, head, end] = lines;
  const headBytes = head === undefined ? undefined : fromBase64(head);
  if (
    lines.length !== 4 ||
    end !== '' ||
    origin === undefined ||
    !ORIGIN.test(origin) ||
    size === undefined ||
    !SIZE.test(size) ||
    !Number.isSafeInteger(Number(size)) ||
    headBytes === undefined ||
    headBytes.length !== HASH_BYTES
  ) {
    throw new CheckpointError('malformed', 'body is not origin, size and head hash');
  }
  return { origin, size: Number(size), head: headBytes };
}

/**
 * Parses a checkpoint note and checks its signature by `verifier`; signatures by other keys
 * (e.g. witnesses) are ignored. Throws CheckpointError unless the note is intact.
 */
export function verifyCheckpoint(
  note: string,
  verifier: CheckpointVerifier,
  options: { origin?: string } = {},
): Checkpoint {
  if (typeof note !== 'string' || note.length > MAX_NOTE_CHARS || !note.endsWith('\n')) {
    throw new CheckpointError('malformed', 'not a signed note');
  }
  const split = note.indexOf('\n\n');
  if (split < 0) throw new CheckpointError('malformed', 'no signature block');
  const body = note.slice(0, split + 1);
  const signatureLines = note.slice(split + 2, -1).split('\n');
  const expectedId = keyId(verifier.name, verifier.publicKey);
  let found = false;
  for (const line of signatureLines) {
    const match = SIGNATURE_LINE.exec(line);
    const bytes = match?.[2] === undefined ? undefined : fromBase64(match[2]);
    if (match === null || bytes === undefined || bytes.length < 5) {
      throw new CheckpointError('malformed', 'bad signature line');
    }
    if (match[1] !== verifier.name || !equalBytes(bytes.subarray(0, 4), expectedId)) continue;
    found = true;
    if (
      bytes.length !== 4 + 64 ||
      !getSodium().crypto_sign_verify_detached(bytes.subarray(4), utf8(body), verifier.publicKey)
    ) {
      throw new CheckpointError('bad_signature', `signature by ${verifier.name} does not verify`);
    }
  }
  if (!found) throw new CheckpointError('unknown_key', `no signature by ${verifier.name}`);
  const checkpoint = parseBody(body);
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw new CheckpointError('wrong_origin', 'checkpoint belongs to another log');
  }
  return checkpoint;
}

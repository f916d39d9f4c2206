import { assertKeyBytes, assertScope, assertVersion } from './checks.ts';
import { equalBytes, readU32, toHex, writeU32 } from './encoding.ts';
import {
  additionalData,
  ALG_XCHACHA20_POLY1305_IETF,
  checkEnvelopeHeader,
  NONCE_BYTES,
  openEnvelope,
  sealEnvelope,
  TAG_BYTES,
} from './envelope.ts';
import { DecryptionError } from './errors.ts';
import type { ServiceKeyId } from './key-scope.ts';
import { randomKeyBytes } from './random.ts';
import { getSodium } from './sodium.ts';

// Service root keys: random, one per scope and version, stored only wrapped by the master key.
//
// Wrapped format (86 bytes):
//   0x01 format | 0x01 algorithm | u32 root key version | master key id(8) | nonce(24) |
//   XChaCha20-Poly1305(root key(32)) with ad = lp('casework/root-key/v1', header, scope)
// The master key id lets the server say "wrapped under another master key" instead of only
// "does not decrypt" during master-key rotation.

const FORMAT_V1 = 1;
const MASTER_ID_BYTES = 8;
const HEADER_BYTES = 2 + 4 + MASTER_ID_BYTES;
const WRAPPED_BYTES = HEADER_BYTES + NONCE_BYTES + 32 + TAG_BYTES;
const DOMAIN = 'casework/root-key/v1';
const MASTER_ID_DOMAIN = 'casework/master-key-id/v1';
const WHAT = 'wrapped service root key';

export function generateServiceRootKey(): Uint8Array {
  return randomKeyBytes(32);
}

function masterKeyIdBytes(masterKey: Uint8Array): Uint8Array {
  assertKeyBytes(masterKey, 'master key');
  // A keyed hash of a constant: identifies the key without revealing anything usable about it.
  return getSodium()
    .crypto_generichash(16, MASTER_ID_DOMAIN, masterKey)
    .subarray(0, MASTER_ID_BYTES);
}

/** 16 hex digits naming a master key, for logs and the key-status CLI. */
export function masterKeyId(masterKey: Uint8Array): string {
  return toHex(masterKeyIdBytes(masterKey));
}

function checkId(id: ServiceKeyId): void {
  assertScope(id.scope);
  assertVersion(id.version, 'service key version');
}

export function wrapServiceRootKey(
  masterKey: Uint8Array,
  id: ServiceKeyId,
  rootKey: Uint8Array,
): Uint8Array<ArrayBuffer> {
  checkId(id);
  assertKeyBytes(rootKey, 'service root key');
  const head = new Uint8Array(HEADER_BYTES);
  head[0] = FORMAT_V1;
  head[1] = ALG_XCHACHA20_POLY1305_IETF;
  writeU32(head, 2, id.version);
  head.set(masterKeyIdBytes(masterKey), 6);
  return sealEnvelope(masterKey, head, additionalData(DOMAIN, head, [id.scope]), rootKey);
}

/** Reads version and master key id from the header (not yet authenticated). */
export function readWrappedRootKeyInfo(wrapped: Uint8Array): {
  version: number;
  masterKeyId: string;
} {
  checkEnvelopeHeader(wrapped, FORMAT_V1, WRAPPED_BYTES, WHAT);
  return { version: readU32(wrapped, 2), masterKeyId: toHex(wrapped.subarray(6, HEADER_BYTES)) };
}

export function unwrapServiceRootKey(
  masterKey: Uint8Array,
  id: ServiceKeyId,
  wrapped: Uint8Array,
): Uint8Array {
  checkId(id);
  const { version } = readWrappedRootKeyInfo(wrapped);
  if (wrapped.length !== WRAPPED_BYTES) throw new DecryptionError('malformed', WHAT, 'length');
  if (version !== id.version) {
    throw new DecryptionError('wrong_key', WHAT, `holds version ${version}, not ${id.version}`);
  }
  const head = wrapped.subarray(0, HEADER_BYTES);
  if (!equalBytes(head.subarray(6), masterKeyIdBytes(masterKey))) {
    throw new DecryptionError('wrong_key', WHAT, 'wrapped under another master key');
  }
  return openEnvelope(
    masterKey,
    wrapped,
    HEADER_BYTES,
    additionalData(DOMAIN, head, [id.scope]),
    WHAT,
  );
}

/** Master-key rotation: the root key never leaves this function and is wiped before return. */
export function rewrapServiceRootKey(
  oldMasterKey: Uint8Array,
  newMasterKey: Uint8Array,
  id: ServiceKeyId,
  wrapped: Uint8Array,
): Uint8Array<ArrayBuffer> {
  assertKeyBytes(newMasterKey, 'new master key');
  const rootKey = unwrapServiceRootKey(oldMasterKey, id, wrapped);
  try {
    return wrapServiceRootKey(newMasterKey, id, rootKey);
  } finally {
    getSodium().memzero(rootKey);
  }
}

import { lengthPrefixedView } from './encoding.ts';
import { DecryptionError } from './errors.ts';
import { fillNonce } from './random.ts';
import { getSodium } from './sodium.ts';

// The one AEAD construction behind encrypted fields and wrapped keys:
//   blob = header || nonce(24) || XChaCha20-Poly1305-IETF(plaintext, ad)   (16-byte tag at the end)
//   ad   = lp(domain) || lp(header) || lp(context[0]) || …   where lp(x) = u32be(length of x) || x
// The header starts with a format-version byte and an algorithm byte; the domain string keeps a
// field blob from ever opening as a wrapped key and vice versa.

export const ALG_XCHACHA20_POLY1305_IETF = 1;
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;

/** A transient view (see lengthPrefixedView): build it right before sealing or opening. */
export function additionalData(
  domain: string,
  header: Uint8Array,
  context: readonly string[],
): Uint8Array {
  return lengthPrefixedView([domain, header, ...context]);
}

// Small blobs are carved out of a shared block, as Node does for small Buffers: allocating a
// typed array above 64 bytes costs about as much as sealing a small field. Blobs are never
// reused or overlapping; a block is dropped once all its blobs are garbage.
const BLOCK_BYTES = 16 * 1024;
const MAX_POOLED_BYTES = 1024;
let block = new ArrayBuffer(BLOCK_BYTES);
let blockOffset = 0;

function allocateBlob(length: number): Uint8Array<ArrayBuffer> {
  if (length > MAX_POOLED_BYTES) return new Uint8Array(length);
  if (blockOffset + length > BLOCK_BYTES) {
    block = new ArrayBuffer(BLOCK_BYTES);
    blockOffset = 0;
  }
  const blob = new Uint8Array(block, blockOffset, length);
  // Keeps every blob 8-byte aligned, so DataView/Float64Array readers never meet odd offsets.
  blockOffset += (length + 7) & ~7;
  return blob;
}

/** `nonce` is for known-answer tests only; production callers leave it out. */
export function sealEnvelope(
  key: Uint8Array,
  header: Uint8Array,
  ad: Uint8Array,
  plaintext: Uint8Array,
  nonce?: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const sodium = getSodium();
  const out = allocateBlob(header.length + NONCE_BYTES + plaintext.length + TAG_BYTES);
  out.set(header, 0);
  const nonceView = out.subarray(header.length, header.length + NONCE_BYTES);
  if (nonce === undefined) fillNonce(nonceView);
  else if (nonce.length === NONCE_BYTES) nonceView.set(nonce);
  else throw new RangeError('a nonce is 24 bytes');
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    plaintext,
    ad,
    null,
    nonceView,
    key,
  );
  out.set(sealed, header.length + NONCE_BYTES);
  return out;
}

/** Opens a blob whose header (already parsed and checked by the caller) is `headerLength` long. */
export function openEnvelope(
  key: Uint8Array,
  blob: Uint8Array,
  headerLength: number,
  ad: Uint8Array,
  what: string,
): Uint8Array {
  const sodium = getSodium();
  if (blob.length < headerLength + NONCE_BYTES + TAG_BYTES) {
    throw new DecryptionError('malformed', what, 'too short');
  }
  const nonce = blob.subarray(headerLength, headerLength + NONCE_BYTES);
  const sealed = blob.subarray(headerLength + NONCE_BYTES);
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed, ad, nonce, key);
  } catch {
    throw new DecryptionError('authentication_failed', what);
  }
}

/** Checks the two leading bytes every envelope shares. */
export function checkEnvelopeHeader(
  blob: Uint8Array,
  formatVersion: number,
  minLength: number,
  what: string,
): void {
  if (!(blob instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (blob.length < minLength) throw new DecryptionError('malformed', what, 'too short');
  if (blob[0] !== formatVersion) {
    throw new DecryptionError('unsupported_format', what, `format version ${blob[0]}`);
  }
  if (blob[1] !== ALG_XCHACHA20_POLY1305_IETF) {
    throw new DecryptionError('unsupported_format', what, `algorithm ${blob[1]}`);
  }
}

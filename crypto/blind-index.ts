import { assertKeyBytes, assertVersion } from './checks.ts';
import { assertWellFormed } from './encoding.ts';
import { normaliseForIndex } from './normalise.ts';
import { getSodium } from './sodium.ts';
import type { IndexKey } from './subkeys.ts';

/**
 * 16 bits: with ~100k rows per service and field, an exact lookup returns the real matches plus
 * about 1.5 false candidates (100,000 / 65,536) that the server drops after decrypting. Fewer
 * bits leak less about equal values; more bits mean less decrypting per lookup.
 */
export const DEFAULT_BLIND_INDEX_BITS = 16;

/** `value` is an unsigned integer below 2^bits (fits a PostgreSQL integer for bits ≤ 31). */
export type BlindIndex = { value: number; keyVersion: number };

/** Keyed BLAKE2b over the normalised value, truncated to its first `bits` bits. */
export function blindIndex(
  indexKey: IndexKey,
  value: string,
  bits: number = DEFAULT_BLIND_INDEX_BITS,
): BlindIndex {
  if (!Number.isInteger(bits) || bits < 1 || bits > 32) {
    throw new RangeError('blind index bits must be an integer from 1 to 32');
  }
  assertKeyBytes(indexKey.bytes, 'index key');
  assertVersion(indexKey.version, 'index key version');
  if (typeof value !== 'string') throw new TypeError('blind indexes are computed over strings');
  assertWellFormed(value, 'indexed value');
  const digest = getSodium().crypto_generichash(16, normaliseForIndex(value), indexKey.bytes);
  const head = new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0);
  return { value: head >>> (32 - bits), keyVersion: indexKey.version };
}

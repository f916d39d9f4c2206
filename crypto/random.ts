import { randomFillSync } from 'node:crypto';

/**
 * Fresh random key material from the OS CSPRNG. A Uint8Array of its own (not a slice of
 * Buffer's shared pool), so memzero really wipes it.
 */
export function randomKeyBytes(length = 32): Uint8Array {
  return randomFillSync(new Uint8Array(length));
}

const NONCE_BYTES = 24;
const pool = new Uint8Array(NONCE_BYTES * 256);
let poolOffset = pool.length;

/**
 * Writes a fresh 24-byte nonce into `target`. Nonces are drawn from a batch because one
 * randomFillSync call costs about as much as encrypting a small field; every pool byte is
 * handed out once, then the pool is refilled.
 */
export function fillNonce(target: Uint8Array): void {
  if (target.length !== NONCE_BYTES) throw new RangeError('a nonce is 24 bytes');
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  target.set(pool.subarray(poolOffset, poolOffset + NONCE_BYTES));
  poolOffset += NONCE_BYTES;
}

import { getSodium } from './sodium.ts';

const DOMAIN = 'casework/audit/detail/v1';

/**
 * BLAKE2b-256 of an encrypted access-log detail: the chain covers this digest, so erasing the
 * detail (crypto-shredding its case) leaves a log that still verifies.
 */
export function detailDigest(ciphertext: Uint8Array): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(getSodium().crypto_generichash(32, ciphertext, DOMAIN));
}

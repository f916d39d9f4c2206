import { assertIdentifier, assertKeyBytes } from './checks.ts';
import { getSodium } from './sodium.ts';

const FACT_KEY_DOMAIN = 'casework/stats-fact/v1\0';

/** Bytes of a statistics fact key. */
export const STATISTICS_FACT_KEY_BYTES = 32;

/**
 * The key of a statistics fact: keyed BLAKE2b over (kind, source record id) under a service's
 * statistics key (subkeys.ts). The service recomputes it to replace the fact when the record
 * changes; without the key, a database dump cannot tell which record a fact came from.
 */
export function statisticsFactKey(
  statisticsKey: Uint8Array,
  kind: string,
  sourceId: string,
): Uint8Array<ArrayBuffer> {
  assertKeyBytes(statisticsKey, 'statistics key');
  assertIdentifier(kind, 'fact kind');
  if (typeof sourceId !== 'string' || sourceId.length === 0 || sourceId.length > 200) {
    throw new TypeError('source id must be a non-empty string of at most 200 characters');
  }
  return getSodium().crypto_generichash(
    STATISTICS_FACT_KEY_BYTES,
    `${FACT_KEY_DOMAIN}${kind}\0${sourceId}`,
    statisticsKey,
  ) as Uint8Array<ArrayBuffer>;
}

import {
  blindIndex,
  DEFAULT_BLIND_INDEX_BITS,
  type BlindIndex,
  type ServiceSubkeys,
} from '../../crypto/index.ts';

/**
 * How many bits each blind index keeps: bits ≈ log₂(N / 2) for N rows per service and field,
 * so that each index value is shared by a few rows and a dump does not tell which cases have
 * the same name. A counselling service holds hundreds to a few thousand cases: 10 bits (1,024
 * values) leave about one to three unrelated rows per value there, which a lookup decrypts
 * and drops. Changing a width here is safe: lookups also try the older width (below) until
 * a key rotation has re-indexed every row.
 */
const INDEX_BITS: Readonly<Record<string, number>> = {
  'case.pseudonym': 10,
  'case.real_name': 10,
  'accompaniment.court_file_number': 10,
};

/** The width rows were indexed with before the table above; lookups still try it. */
const EARLIER_BITS = DEFAULT_BLIND_INDEX_BITS;

export function blindIndexBits(field: string): number {
  return INDEX_BITS[field] ?? DEFAULT_BLIND_INDEX_BITS;
}

/** A field's blind index as it is written now. */
export function fieldIndex(subkeys: ServiceSubkeys, field: string, value: string): BlindIndex {
  return blindIndex(subkeys.blindIndexKey(field), value, blindIndexBits(field));
}

/** What a lookup matches: the index at the current width and, for older rows, the earlier. */
export function fieldIndexLookups(
  subkeys: ServiceSubkeys,
  field: string,
  value: string,
): BlindIndex[] {
  const bits = new Set([blindIndexBits(field), EARLIER_BITS]);
  return [...bits].map((width) => blindIndex(subkeys.blindIndexKey(field), value, width));
}

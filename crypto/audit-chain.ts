import { encodeAuditEventView, type AuditEvent, type AuditValue } from './audit-event.ts';
import { equalBytes, utf8 } from './encoding.ts';
import { getSodium } from './sodium.ts';

// Hash chain over the access log (BLAKE2b-256, domain-separated):
//   leaf_i = H("casework/audit/leaf/v1" || encode(event_i))
//   link_i = H("casework/audit/link/v1" || link_{i-1} || leaf_i),  link_{-1} = 32 zero bytes
// The chain alone shows that stored links do not match stored events. Someone able to rewrite
// the table can recompute every link after an edit, so signed checkpoints (checkpoint.ts) pin
// the head at known sizes; a rewrite then no longer matches a signed head.

const LEAF_DOMAIN = utf8('casework/audit/leaf/v1');
const LINK_DOMAIN = utf8('casework/audit/link/v1');
export const HASH_BYTES = 32;
export const GENESIS_LINK: Uint8Array = new Uint8Array(HASH_BYTES);

/** The state of the chain after `size` events; `head` is link_{size-1} (genesis when empty). */
export type ChainHead = { size: number; head: Uint8Array };

/** One stored row: the event as written and the link hash stored with it. */
export type ChainEntry = { event: AuditEvent; link: Uint8Array };

export function leafHash(event: AuditEvent): Uint8Array {
  return getSodium().crypto_generichash(HASH_BYTES, encodeAuditEventView(event, LEAF_DOMAIN), null);
}

// Reused: verifying a long log computes one link per event.
const linkInput = new Uint8Array(LINK_DOMAIN.length + 2 * HASH_BYTES);
linkInput.set(LINK_DOMAIN);

export function linkHash(previousLink: Uint8Array, leaf: Uint8Array): Uint8Array {
  if (previousLink.length !== HASH_BYTES || leaf.length !== HASH_BYTES) {
    throw new RangeError('chain hashes are 32 bytes');
  }
  linkInput.set(previousLink, LINK_DOMAIN.length);
  linkInput.set(leaf, LINK_DOMAIN.length + HASH_BYTES);
  return getSodium().crypto_generichash(HASH_BYTES, linkInput, null);
}

/** The link to store with a new event appended after `previousLink`. */
export function chainLink(previousLink: Uint8Array, event: AuditEvent): Uint8Array {
  return linkHash(previousLink, leafHash(event));
}

export type ChainFailure = 'bad_event' | 'link_mismatch' | 'checkpoint_mismatch' | 'truncated';

export type ChainVerification =
  | { ok: true; size: number; head: Uint8Array }
  | {
      ok: false;
      reason: ChainFailure;
      /**
       * Log position (0-based, counted from the start of the log) of the first event that is not
       * proven good. For checkpoint_mismatch the chain was recomputed after a change: every event
       * from this position up to the mismatching checkpoint's size is suspect.
       */
      firstBadIndex: number;
      /** The `id` value of the event at firstBadIndex, if there is such an event with an id. */
      firstBadId: AuditValue | undefined;
    };

export type VerifyChainOptions = {
  /** Heads taken from verified signed checkpoints; sizes outside the entries are skipped. */
  checkpoints?: readonly ChainHead[];
  /** Verify a segment that starts after a trusted head instead of at genesis. */
  start?: ChainHead;
};

/** Recomputes every leaf and link and compares with the stored links and trusted heads. */
export function verifyChain(
  entries: readonly ChainEntry[],
  options: VerifyChainOptions = {},
): ChainVerification {
  const base = options.start?.size ?? 0;
  let previous = options.start?.head ?? GENESIS_LINK;
  const end = base + entries.length;
  const checkpoints = [...(options.checkpoints ?? [])]
    .filter((checkpoint) => checkpoint.size >= base)
    .sort((a, b) => a.size - b.size);
  let lastVouched = base;
  let next = 0;

  const fail = (reason: ChainFailure, position: number): ChainVerification => ({
    ok: false,
    reason,
    firstBadIndex: position,
    firstBadId: entries[position - base]?.event.id,
  });
  // Compares every checkpoint at `size` with the head reached there.
  const checkHeadsAt = (size: number, head: Uint8Array): ChainVerification | undefined => {
    for (; next < checkpoints.length && checkpoints[next]!.size === size; next++) {
      if (!equalBytes(checkpoints[next]!.head, head))
        return fail('checkpoint_mismatch', lastVouched);
      lastVouched = size;
    }
    return undefined;
  };

  const atStart = checkHeadsAt(base, previous);
  if (atStart !== undefined) return atStart;
  for (let i = 0; i < entries.length; i++) {
    const position = base + i;
    const entry = entries[i]!;
    let leaf: Uint8Array;
    try {
      leaf = leafHash(entry.event);
    } catch {
      return fail('bad_event', position);
    }
    const link = linkHash(previous, leaf);
    if (!(entry.link instanceof Uint8Array) || !equalBytes(link, entry.link)) {
      return fail('link_mismatch', position);
    }
    previous = link;
    const mismatch = checkHeadsAt(position + 1, link);
    if (mismatch !== undefined) return mismatch;
  }
  // A checkpoint beyond the end: events that were once signed for are gone.
  if (next < checkpoints.length) return fail('truncated', end);
  return { ok: true, size: end, head: previous };
}

/**
 * Proof that the log only grew from one checkpoint to a later one: the leaf hashes of the events
 * in between (positions older.size … newer.size-1). Reveals no event content.
 */
export function consistencyProof(eventsBetween: readonly AuditEvent[]): Uint8Array[] {
  return eventsBetween.map(leafHash);
}

/** True when `newer` extends `older`: folding the proof onto older.head gives newer.head. */
export function verifyConsistency(
  older: ChainHead,
  newer: ChainHead,
  proof: readonly Uint8Array[],
): boolean {
  if (newer.size - older.size !== proof.length || older.head.length !== HASH_BYTES) return false;
  let head = older.head;
  for (const leaf of proof) {
    if (!(leaf instanceof Uint8Array) || leaf.length !== HASH_BYTES) return false;
    head = linkHash(head, leaf);
  }
  return equalBytes(head, newer.head);
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chainLink,
  consistencyProof,
  encodeAuditEvent,
  GENESIS_LINK,
  initCrypto,
  leafHash,
  linkHash,
  verifyChain,
  verifyConsistency,
  type AuditEvent,
  type ChainEntry,
  type ChainHead,
} from '../../../crypto/index.ts';

await initCrypto();

// BLAKE2b-256 of the domain strings and the encoding of { id: 'e1' }, pinned.
const LEAF_KAT = 'eca10d0ca053d56440d774fa6101609130512176be8872049c5b93b14170a801';
const LINK_KAT = '98fdaf02a6beab13e8468bc8936e61231c65ef585cd2077386696eafe3043985';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function newEvent(seq: number): AuditEvent {
  return {
    id: `evt-${seq}`,
    seq,
    at: new Date(Date.UTC(2026, 10, 1) + seq * 1000).toISOString(),
    actor: `user-${seq % 17}`,
    action: seq % 3 === 0 ? 'case.read' : 'case.update',
    service: seq % 2 === 0 ? 'backup' : 'comeback',
    caseId: seq % 5 === 0 ? null : `case-${seq % 101}`,
    allowed: seq % 11 !== 0,
  };
}

/** What the server stores: each event with the link computed when it was appended. */
function buildChain(events: readonly AuditEvent[], from: Uint8Array = GENESIS_LINK): ChainEntry[] {
  let previous = from;
  return events.map((event) => {
    previous = chainLink(previous, event);
    return { event, link: previous };
  });
}

function headAt(entries: readonly ChainEntry[], size: number): ChainHead {
  return { size, head: size === 0 ? GENESIS_LINK : entries[size - 1]!.link };
}

const SIZE = 10_000;
const events = Array.from({ length: SIZE }, (_, i) => newEvent(i));
const chain = buildChain(events);

describe('encodeAuditEvent', () => {
  it('does not depend on key order', () => {
    const a = encodeAuditEvent({ b: 1, a: 'x', c: null });
    const b = encodeAuditEvent({ c: null, a: 'x', b: 1 });
    expect(hex(a)).toBe(hex(b));
  });

  it('pins the canonical layout', () => {
    const encoded = encodeAuditEvent({ z: null, s: 'ä', ok: true, n: 1 });
    const expected = [
      '00000004', // four entries, keys in ascending order
      '000000016e' + '02' + '3ff0000000000000', // "n": number 1 (float64 BE)
      '000000026f6b' + '01' + '01', // "ok": boolean true
      '0000000173' + '03' + '00000002c3a4', // "s": string "ä" (length-prefixed UTF-8)
      '000000017a' + '00', // "z": null
    ].join('');
    expect(hex(encoded)).toBe(expected);
  });

  it('keeps types and boundaries apart', () => {
    const distinct: AuditEvent[] = [
      { a: 'bc' },
      { ab: 'c' },
      { a: '1' },
      { a: 1 },
      { a: true },
      { a: null },
      { a: 'null' },
      { a: '' },
      {},
      { a: 'b', c: 'd' },
      { a: 'b\u0000c:d' },
    ];
    const encodings = distinct.map((event) => hex(encodeAuditEvent(event)));
    expect(new Set(encodings).size).toBe(distinct.length);
  });

  it('is injective on arbitrary flat records (property)', () => {
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const record = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), value, { maxKeys: 5 });
    const canonical = (event: AuditEvent): string =>
      JSON.stringify(
        Object.keys(event)
          .sort()
          .map((key) => [key, typeof event[key], Object.is(event[key], -0) ? 0 : event[key]]),
      );
    fc.assert(
      fc.property(record, record, (a, b) => {
        const same = hex(encodeAuditEvent(a)) === hex(encodeAuditEvent(b));
        expect(same).toBe(canonical(a) === canonical(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses values that cannot be encoded unambiguously', () => {
    const bad: unknown[] = [
      { a: Number.NaN },
      { a: Infinity },
      { a: { nested: 1 } },
      { a: [1] },
      { a: undefined },
      { a: 1n },
      { a: '\uD800' },
      { 'bad key': 1 },
      { ü: 1 },
      [1, 2],
      null,
    ];
    for (const event of bad) expect(() => encodeAuditEvent(event as AuditEvent)).toThrow(TypeError);
  });
});

describe('hash chain', () => {
  it('uses domain-separated BLAKE2b-256 leaves and links from a zero genesis', () => {
    expect(hex(GENESIS_LINK)).toBe('00'.repeat(32));
    const leaf = leafHash({ id: 'e1' });
    expect(leaf).toHaveLength(32);
    expect(hex(chainLink(GENESIS_LINK, { id: 'e1' }))).toBe(hex(linkHash(GENESIS_LINK, leaf)));
    // A leaf hash is never a link hash of the same bytes: the domains differ.
    expect(hex(linkHash(GENESIS_LINK, leaf))).not.toBe(hex(leaf));
    expect(hex(leaf)).toBe(LEAF_KAT);
    expect(hex(linkHash(GENESIS_LINK, leaf))).toBe(LINK_KAT);
  });

  it(`verifies a chain of ${SIZE} events`, () => {
    const result = verifyChain(chain);
    expect(result).toEqual({ ok: true, size: SIZE, head: chain[SIZE - 1]!.link });
    expect(verifyChain([])).toEqual({ ok: true, size: 0, head: GENESIS_LINK });
  });

  it('finds a changed event', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: SIZE - 1 }), (i) => {
        const tampered = [...chain];
        tampered[i] = { ...chain[i]!, event: { ...chain[i]!.event, action: 'case.delete' } };
        expect(verifyChain(tampered)).toMatchObject({
          ok: false,
          reason: 'link_mismatch',
          firstBadIndex: i,
          firstBadId: `evt-${i}`,
        });
      }),
      { numRuns: 25 },
    );
  });

  it('finds a changed stored link', () => {
    const tampered = [...chain];
    const link = chain[1234]!.link.slice();
    link[0]! ^= 1;
    tampered[1234] = { ...chain[1234]!, link };
    expect(verifyChain(tampered)).toMatchObject({ ok: false, firstBadIndex: 1234 });
  });

  it('finds a removed event at the gap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: SIZE - 2 }), (i) => {
        const tampered = chain.filter((_, j) => j !== i);
        expect(verifyChain(tampered)).toMatchObject({
          ok: false,
          reason: 'link_mismatch',
          firstBadIndex: i,
          firstBadId: `evt-${i + 1}`,
        });
      }),
      { numRuns: 25 },
    );
  });

  it('finds an inserted event', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: SIZE - 1 }), (i) => {
        const intruder = { ...newEvent(i), id: 'evt-forged' };
        // With a made-up link the intruder itself is caught ...
        const naive = [
          ...chain.slice(0, i),
          { event: intruder, link: new Uint8Array(32) },
          ...chain.slice(i),
        ];
        expect(verifyChain(naive)).toMatchObject({
          ok: false,
          firstBadIndex: i,
          firstBadId: 'evt-forged',
        });
        // ... with a correctly computed link it is the next event that no longer fits.
        const link = chainLink(i === 0 ? GENESIS_LINK : chain[i - 1]!.link, intruder);
        const clever = [...chain.slice(0, i), { event: intruder, link }, ...chain.slice(i)];
        expect(verifyChain(clever)).toMatchObject({
          ok: false,
          firstBadIndex: i + 1,
          firstBadId: `evt-${i}`,
        });
      }),
      { numRuns: 25 },
    );
  });

  it('finds swapped events', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: SIZE - 1 }),
        fc.integer({ min: 0, max: SIZE - 1 }),
        (i, j) => {
          fc.pre(i !== j);
          const tampered = [...chain];
          [tampered[i], tampered[j]] = [chain[j]!, chain[i]!];
          expect(verifyChain(tampered)).toMatchObject({ ok: false, firstBadIndex: Math.min(i, j) });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('catches a fully recomputed rewrite only through checkpoints, and says from where', () => {
    const checkpoints = [1000, 2000, 3000, 5000, 10_000].map((size) => headAt(chain, size));
    const rewritten = buildChain(
      events.map((event, i) => (i === 2500 ? { ...event, actor: 'nobody' } : event)),
    );
    // The rewritten chain is internally consistent: the chain alone cannot tell.
    expect(verifyChain(rewritten).ok).toBe(true);
    // Against signed heads it fails: events from 2000 (the last matching head) are suspect.
    expect(verifyChain(rewritten, { checkpoints })).toMatchObject({
      ok: false,
      reason: 'checkpoint_mismatch',
      firstBadIndex: 2000,
      firstBadId: 'evt-2000',
    });
    expect(verifyChain(chain, { checkpoints }).ok).toBe(true);
  });

  it('catches events cut off the end when a checkpoint covered them', () => {
    const truncated = chain.slice(0, SIZE - 10);
    expect(verifyChain(truncated).ok).toBe(true);
    expect(verifyChain(truncated, { checkpoints: [headAt(chain, SIZE)] })).toMatchObject({
      ok: false,
      reason: 'truncated',
      firstBadIndex: SIZE - 10,
    });
  });

  it('verifies a segment that starts at a trusted head', () => {
    const start = headAt(chain, 6000);
    expect(verifyChain(chain.slice(6000), { start })).toMatchObject({ ok: true, size: SIZE });
    const tampered = chain.slice(6000);
    tampered[5] = { ...tampered[5]!, event: { ...tampered[5]!.event, allowed: true, actor: 'x' } };
    expect(verifyChain(tampered, { start })).toMatchObject({ ok: false, firstBadIndex: 6005 });
    expect(verifyChain(chain.slice(6000), { start: headAt(chain, 5999) }).ok).toBe(false);
  });

  it('reports an event that cannot be encoded as bad', () => {
    const tampered = [...chain];
    tampered[42] = { ...chain[42]!, event: { ...chain[42]!.event, seq: Number.NaN } };
    expect(verifyChain(tampered)).toMatchObject({
      ok: false,
      reason: 'bad_event',
      firstBadIndex: 42,
    });
  });
});

describe('consistency between checkpoints', () => {
  const older = headAt(chain, 5000);
  const newer = headAt(chain, SIZE);
  const proof = consistencyProof(events.slice(5000, SIZE));

  it('proves that the log only grew', () => {
    expect(verifyConsistency(older, newer, proof)).toBe(true);
    expect(verifyConsistency(headAt(chain, 0), newer, consistencyProof(events))).toBe(true);
    expect(verifyConsistency(newer, newer, [])).toBe(true);
  });

  it('detects a rewritten prefix', () => {
    const rewrittenEvents = events.map((event, i) =>
      i === 100 ? { ...event, actor: 'nobody' } : event,
    );
    const rewritten = buildChain(rewrittenEvents);
    const rewrittenHead = headAt(rewritten, SIZE);
    expect(
      verifyConsistency(older, rewrittenHead, consistencyProof(rewrittenEvents.slice(5000))),
    ).toBe(false);
  });

  it('rejects proofs of the wrong length or order', () => {
    expect(verifyConsistency(older, newer, proof.slice(1))).toBe(false);
    const swapped = [...proof];
    [swapped[0], swapped[1]] = [proof[1]!, proof[0]!];
    expect(verifyConsistency(older, newer, swapped)).toBe(false);
    expect(verifyConsistency(newer, older, [])).toBe(false);
  });
});

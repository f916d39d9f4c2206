import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blindIndex,
  DEFAULT_BLIND_INDEX_BITS,
  deriveServiceSubkeys,
  initCrypto,
  normaliseForIndex,
  type IndexKey,
  type KeyScope,
} from '../../../crypto/index.ts';

await initCrypto();

// Fixed root keys keep the statistical tests deterministic: they cannot flake, and their
// tolerances are still derived from the distribution a correct implementation produces.
function indexKey(scope: KeyScope, seed: number, field = 'client_name'): IndexKey {
  const root = Uint8Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 7) & 0xff);
  return deriveServiceSubkeys(root, { scope, version: 1 }).blindIndexKey(field);
}

/** mulberry32: a small seeded PRNG for reproducible random names. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomNames(count: number, seed: number, exclude = new Set<string>()): string[] {
  const random = seededRandom(seed);
  const word = (): string => {
    const length = 4 + Math.floor(random() * 8);
    let text = String.fromCharCode(65 + Math.floor(random() * 26));
    for (let i = 1; i < length; i++) text += String.fromCharCode(97 + Math.floor(random() * 26));
    return text;
  };
  const names = new Set<string>();
  while (names.size < count) {
    const name = `${word()} ${word()}`;
    if (!exclude.has(normaliseForIndex(name))) names.add(normaliseForIndex(name));
  }
  return [...names];
}

describe('normaliseForIndex', () => {
  it.each([
    ['Müller', 'mueller'],
    ['MÜLLER', 'mueller'],
    ['Mueller', 'mueller'],
    ['mueller ', 'mueller'],
    ['Mu\u0308ller', 'mueller'],
    ['  Hans-Jürgen \t\u00a0 Müller\n', 'hans-juergen mueller'],
    ['Straße', 'strasse'],
    ['STRAẞE', 'strasse'],
    ['Strasse', 'strasse'],
    ['Öztürk', 'oeztuerk'],
    ['Çelik', 'celik'],
    ['İbrahim', 'ibrahim'],
    ['Ａｈｍｅｄ', 'ahmed'],
    ['Jo\u00adhann', 'johann'],
    ['ﬁscher', 'fischer'],
    ['محمد', 'محمد'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normaliseForIndex(input)).toBe(expected);
  });

  it('treats NFC and NFD input alike', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
        expect(normaliseForIndex(text.normalize('NFD'))).toBe(
          normaliseForIndex(text.normalize('NFC')),
        );
      }),
    );
  });

  it('is idempotent, so the server can compare normalised candidates after decrypting', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        expect(normaliseForIndex(normaliseForIndex(text))).toBe(normaliseForIndex(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe('blindIndex', () => {
  const key = indexKey('backup', 1);
  const germanText = fc.string({
    unit: fc.constantFrom(
      ...'abcdefghijklmnopqrstuvwxyzäöüß ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ-'.split(''),
    ),
    maxLength: 30,
  });

  it('matches every spelling of the same German name', () => {
    const spellings = ['Müller', 'MÜLLER', 'Mueller', 'mueller ', 'Mu\u0308ller', ' MUELLER'];
    const values = new Set(spellings.map((name) => blindIndex(key, name, 32).value));
    expect(values.size).toBe(1);
    expect(blindIndex(key, 'Muller', 32).value).not.toBe([...values][0]);
  });

  it('ignores case, composition, umlaut spelling and surrounding space (property)', () => {
    const expand = (text: string): string =>
      text.replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss');
    fc.assert(
      fc.property(germanText, (text) => {
        const index = blindIndex(key, text, 32).value;
        expect(blindIndex(key, text.toUpperCase(), 32).value).toBe(index);
        expect(blindIndex(key, text.normalize('NFD'), 32).value).toBe(index);
        expect(blindIndex(key, `  ${expand(text.toLowerCase())} `, 32).value).toBe(index);
      }),
    );
  });

  it('returns an unsigned integer below 2^bits and the key version', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 32 }), (text, bits) => {
        const index = blindIndex(key, text, bits);
        expect(Number.isInteger(index.value)).toBe(true);
        expect(index.value).toBeGreaterThanOrEqual(0);
        expect(index.value).toBeLessThan(2 ** bits);
        expect(index.keyVersion).toBe(1);
      }),
    );
    expect(DEFAULT_BLIND_INDEX_BITS).toBe(16);
    expect(() => blindIndex(key, 'x', 0)).toThrow(RangeError);
    expect(() => blindIndex(key, 'x', 33)).toThrow(RangeError);
  });

  it('gives unrelated values for different fields of the same service', () => {
    const other = indexKey('backup', 1, 'court_file_number');
    const names = randomNames(2000, 7);
    const equal = names.filter(
      (name) => blindIndex(key, name, 32).value === blindIndex(other, name, 32).value,
    );
    expect(equal).toHaveLength(0);
  });
});

describe('unlinkability between services', () => {
  const backup = indexKey('backup', 1);
  const comeback = indexKey('comeback', 2);
  const names = randomNames(10_000, 11);
  const inBackup = names.map((name) => blindIndex(backup, name, 16).value);
  const inComeback = names.map((name) => blindIndex(comeback, name, 16).value);

  it('gives the same name different values in BackUp and ComeBack', () => {
    // Expected equal by chance: 10,000 / 65,536 ≈ 0.15; P(more than 5) < 1e-8.
    const equal = inBackup.filter((value, i) => value === inComeback[i]).length;
    expect(equal).toBeLessThanOrEqual(5);
  });

  it('shows no correlation between the two services’ values', () => {
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    const [mx, my] = [mean(inBackup), mean(inComeback)];
    let [sxy, sxx, syy] = [0, 0, 0];
    inBackup.forEach((x, i) => {
      const y = inComeback[i]!;
      sxy += (x - mx) * (y - my);
      sxx += (x - mx) ** 2;
      syy += (y - my) ** 2;
    });
    // Under independence r has a standard deviation of 1/sqrt(10,000) = 0.01.
    expect(Math.abs(sxy / Math.sqrt(sxx * syy))).toBeLessThan(0.05);
  });

  it('does not carry collisions from one service to the other', () => {
    const byValue = new Map<number, number[]>();
    inBackup.forEach((value, i) => byValue.set(value, [...(byValue.get(value) ?? []), i]));
    let pairs = 0;
    let alsoInComeback = 0;
    for (const group of byValue.values()) {
      for (let a = 0; a < group.length; a++) {
        for (let b = a + 1; b < group.length; b++) {
          pairs++;
          if (inComeback[group[a]!] === inComeback[group[b]!]) alsoInComeback++;
        }
      }
    }
    // ≈ 763 colliding pairs in BackUp; each collides in ComeBack with probability 2^-16.
    expect(pairs).toBeGreaterThan(600);
    expect(alsoInComeback).toBeLessThanOrEqual(2);
  });
});

describe('false-positive rate of truncated indexes', () => {
  const key = indexKey('backup', 3);
  const stored = randomNames(100_000, 21);
  const storedSet = new Set(stored);

  function measure(
    bits: number,
    queries: string[],
  ): { observed: number; expected: number; sd: number } {
    const buckets = new Uint32Array(2 ** bits);
    for (const name of stored) buckets[blindIndex(key, name, bits).value]! += 1;
    let observed = 0;
    for (const name of queries) observed += buckets[blindIndex(key, name, bits).value]!;
    // Each query (a name not stored) matches Binomial(N, p) stored rows; two queries share a
    // bucket with probability p, which correlates their counts slightly.
    const [n, q, p] = [stored.length, queries.length, 2 ** -bits];
    const variance = n * p * (1 - p);
    const sameBucket = p * (variance + (n * p) ** 2) + (1 - p) * n * (n - 1) * p * p;
    const covariance = sameBucket - (n * p) ** 2;
    const sd = Math.sqrt(q * variance + q * (q - 1) * covariance);
    return { observed, expected: q * n * p, sd };
  }

  it('matches N / 2^16 ≈ 1.53 false candidates per lookup at 100,000 rows', () => {
    const queries = randomNames(20_000, 22, storedSet);
    const { observed, expected, sd } = measure(16, queries);
    expect(expected / queries.length).toBeCloseTo(1.526, 3);
    expect(Math.abs(observed - expected)).toBeLessThan(5 * sd);
  });

  it('follows the configured number of bits', () => {
    const queries = randomNames(2_000, 23, storedSet);
    const { observed, expected, sd } = measure(12, queries);
    expect(Math.abs(observed - expected)).toBeLessThan(5 * sd);
    // Clearly apart from the neighbouring widths (half and double the rate).
    expect(observed).toBeGreaterThan(expected * 0.75);
    expect(observed).toBeLessThan(expected * 1.5);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decryptBoolean,
  decryptBytes,
  decryptDate,
  decryptField,
  decryptJson,
  decryptNumber,
  decryptString,
  DecryptionError,
  encryptField,
  FieldTypeError,
  generateDataKey,
  initCrypto,
  MAX_FIELD_BYTES,
  type DataKey,
  type FieldPlace,
  type FieldValue,
  type JsonValue,
} from '../../../crypto/index.ts';

await initCrypto();

const place: FieldPlace = {
  scope: 'backup',
  table: 'cases',
  column: 'client_name',
  recordId: '01890a5d-ac96-774b-bcce-b302099a8057',
};

function freshKey(): DataKey {
  return generateDataKey();
}

function decryptionFailure(run: () => unknown): DecryptionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptionError);
    return error as DecryptionError;
  }
  throw new Error('expected a DecryptionError, but decryption succeeded');
}

// Plain objects and arrays only: top-level strings, numbers and booleans get their own type tags.
const jsonDocument: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
) as fc.Arbitrary<JsonValue>;
const jsonRoundTrip = (value: JsonValue): unknown => JSON.parse(JSON.stringify(value));

describe('encryptField / decryptField', () => {
  it('round-trips arbitrary Unicode strings', () => {
    const key = freshKey();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (value) => {
        expect(decryptString(key, place, encryptField(key, place, value))).toBe(value);
      }),
    );
  });

  it('round-trips every number, including -0, NaN and infinities', () => {
    const key = freshKey();
    fc.assert(
      fc.property(fc.double(), (value) => {
        expect(Object.is(decryptNumber(key, place, encryptField(key, place, value)), value)).toBe(
          true,
        );
      }),
    );
  });

  it('round-trips dates to the millisecond', () => {
    const key = freshKey();
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (value) => {
        const back = decryptDate(key, place, encryptField(key, place, value));
        expect(back).toBeInstanceOf(Date);
        expect(back.getTime()).toBe(value.getTime());
      }),
    );
  });

  it('round-trips booleans', () => {
    const key = freshKey();
    for (const value of [true, false]) {
      expect(decryptBoolean(key, place, encryptField(key, place, value))).toBe(value);
    }
  });

  it('round-trips byte arrays', () => {
    const key = freshKey();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (value) => {
        const back = decryptBytes(key, place, encryptField(key, place, value));
        expect(back).toBeInstanceOf(Uint8Array);
        expect([...back]).toEqual([...value]);
      }),
    );
  });

  it('round-trips JSON documents as JSON would', () => {
    const key = freshKey();
    fc.assert(
      fc.property(jsonDocument, (value) => {
        const back = decryptJson(key, place, encryptField(key, place, value));
        expect(JSON.stringify(back)).toBe(JSON.stringify(jsonRoundTrip(value)));
      }),
    );
  });

  it('gives back the type that went in through the untyped decryptField', () => {
    const key = freshKey();
    const values: FieldValue[] = [
      'text',
      42,
      true,
      new Date(0),
      Uint8Array.of(1, 2),
      { a: [1] },
      null,
    ];
    for (const value of values) {
      const back = decryptField(key, place, encryptField(key, place, value));
      expect(back).toEqual(value);
      expect(back?.constructor).toBe(value?.constructor);
    }
  });

  it('uses a fresh nonce every time, so equal values give unrelated ciphertexts', () => {
    const key = freshKey();
    const blobs = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      blobs.add(Buffer.from(encryptField(key, place, 'Müller')).toString('hex'));
    }
    expect(blobs.size).toBe(2000);
  });

  it('handles large values up to the limit and refuses bigger ones', () => {
    const key = freshKey();
    const big = 'ä'.repeat(200_000);
    expect(decryptString(key, place, encryptField(key, place, big))).toBe(big);
    expect(() => encryptField(key, place, 'x'.repeat(MAX_FIELD_BYTES))).toThrow(RangeError);
    expect(() => encryptField(key, place, new Uint8Array(MAX_FIELD_BYTES + 1))).toThrow(RangeError);
  });
});

describe('typed decryption', () => {
  const key = generateDataKey();
  const typed = {
    string: decryptString,
    number: decryptNumber,
    boolean: decryptBoolean,
    date: decryptDate,
    json: decryptJson,
    bytes: decryptBytes,
  };
  const samples: Record<keyof typeof typed, FieldValue> = {
    string: '42',
    number: 42,
    boolean: true,
    date: new Date(42),
    json: [42],
    bytes: Uint8Array.of(42),
  };

  for (const [stored, value] of Object.entries(samples)) {
    for (const [asked, decrypt] of Object.entries(typed)) {
      if (stored === asked) continue;
      it(`refuses to read a stored ${stored} as a ${asked}`, () => {
        const blob = encryptField(key, place, value);
        expect(() => decrypt(key, place, blob)).toThrow(FieldTypeError);
      });
    }
  }

  it('treats a top-level string as a string, not as JSON', () => {
    const blob = encryptField(key, place, 'null');
    expect(() => decryptJson(key, place, blob)).toThrow(FieldTypeError);
  });
});

describe('refusing bad input', () => {
  const key = generateDataKey();

  it('rejects strings with lone surrogates instead of silently replacing them', () => {
    expect(() => encryptField(key, place, 'a\uD800b')).toThrow(TypeError);
    expect(() => encryptField(key, place, { note: '\uDC00' })).toThrow(TypeError);
  });

  it('rejects values JSON would mangle', () => {
    const bad: unknown[] = [
      { when: new Date() },
      [Number.NaN],
      { n: Infinity },
      { f: () => 1 },
      { u: undefined },
      new Map(),
      [1n],
    ];
    for (const value of bad)
      expect(() => encryptField(key, place, value as FieldValue)).toThrow(TypeError);
    expect(() => encryptField(key, place, new Date(Number.NaN))).toThrow(TypeError);
  });

  it('rejects places that are not identifiers and canonical UUIDs', () => {
    const wrong: Partial<FieldPlace>[] = [
      { scope: 'other' as 'backup' },
      { table: 'cases; drop' },
      { column: '' },
      { recordId: place.recordId.toUpperCase() },
      { recordId: 'case-1' },
    ];
    for (const change of wrong) {
      expect(() => encryptField(key, { ...place, ...change }, 'x')).toThrow(TypeError);
    }
  });

  it('rejects malformed keys', () => {
    expect(() => encryptField({ bytes: new Uint8Array(31), version: 1 }, place, 'x')).toThrow(
      TypeError,
    );
    expect(() => encryptField({ bytes: new Uint8Array(32), version: 0 }, place, 'x')).toThrow(
      RangeError,
    );
  });
});

describe('tampering and misplacement', () => {
  const key = generateDataKey();
  const value = 'Beratungsnotiz: Termin am Amtsgericht 12';

  it('detects a change of any single byte anywhere in the blob', () => {
    const blob = encryptField(key, place, value);
    for (let position = 0; position < blob.length; position++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const tampered = blob.slice();
        tampered[position]! ^= flip;
        decryptionFailure(() => decryptField(key, place, tampered));
      }
    }
  });

  it('detects any single-byte change for arbitrary values (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 100 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (text, at, flip) => {
          const blob = encryptField(key, place, text);
          const tampered = blob.slice();
          tampered[at % blob.length]! ^= flip;
          decryptionFailure(() => decryptField(key, place, tampered));
        },
      ),
    );
  });

  it('refuses every truncation and any appended byte', () => {
    const blob = encryptField(key, place, value);
    for (let length = 0; length < blob.length; length++) {
      decryptionFailure(() => decryptField(key, place, blob.subarray(0, length)));
    }
    const longer = new Uint8Array(blob.length + 1);
    longer.set(blob);
    decryptionFailure(() => decryptField(key, place, longer));
  });

  it('refuses another scope, table, column or record id', () => {
    const blob = encryptField(key, place, value);
    const elsewhere: FieldPlace[] = [
      { ...place, scope: 'comeback' },
      { ...place, scope: 'system' },
      { ...place, table: 'incidents' },
      { ...place, column: 'client_phone' },
      { ...place, recordId: '01890a5d-ac96-774b-bcce-b302099a8058' },
    ];
    for (const other of elsewhere) {
      expect(decryptionFailure(() => decryptField(key, other, blob)).reason).toBe(
        'authentication_failed',
      );
    }
  });

  it('refuses another data key version, and another key with the same version', () => {
    const blob = encryptField(key, place, value);
    const sameBytesOtherVersion = { bytes: key.bytes, version: 2 };
    expect(decryptionFailure(() => decryptField(sameBytesOtherVersion, place, blob)).reason).toBe(
      'wrong_key',
    );
    expect(decryptionFailure(() => decryptField(generateDataKey(), place, blob)).reason).toBe(
      'authentication_failed',
    );
    const v2 = generateDataKey(2);
    const blobV2 = encryptField(v2, place, value);
    // Rewriting the version in the header does not help: the header is authenticated.
    const relabelled = blobV2.slice();
    relabelled[5] = 1;
    decryptionFailure(() => decryptField({ bytes: v2.bytes, version: 1 }, place, relabelled));
  });

  it('never fails by handing back the stored bytes', () => {
    const blob = encryptField(key, place, value);
    expect(() => decryptField(key, { ...place, column: 'other' }, blob)).toThrow(DecryptionError);
    expect(() => decryptField(key, place, new Uint8Array(0))).toThrow(DecryptionError);
  });

  it('keeps plaintext and key bytes out of error messages', () => {
    const secret = 'Geheime Adresse Hauptstraße 1';
    const blob = encryptField(key, place, secret);
    const tampered = blob.slice();
    tampered[40]! ^= 1;
    const failures = [
      decryptionFailure(() => decryptField(key, { ...place, table: 'notes' }, blob)),
      decryptionFailure(() => decryptField(key, place, tampered)),
      decryptionFailure(() => decryptField(key, place, blob.subarray(0, 20))),
      decryptionFailure(() => decryptField({ bytes: key.bytes, version: 9 }, place, blob)),
    ];
    const keyHex = Buffer.from(key.bytes).toString('hex');
    const keyBase64 = Buffer.from(key.bytes).toString('base64');
    for (const failure of failures) {
      const visible = `${failure.message} ${String(failure.stack)} ${JSON.stringify(failure)}`;
      expect(visible).not.toContain(secret);
      expect(visible).not.toContain('Hauptstra');
      expect(visible).not.toContain(keyHex.slice(0, 16));
      expect(visible).not.toContain(keyBase64.slice(0, 12));
      expect(visible).not.toContain(Buffer.from(blob).toString('hex').slice(60, 80));
    }
  });
});

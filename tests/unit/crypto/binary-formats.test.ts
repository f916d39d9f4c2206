// Known-answer tests: they pin the stored formats, so that a change to a byte layout, associated
// data, type tag, domain string or KDF context cannot happen by accident. The AEAD blobs are also
// rebuilt and opened by an independent implementation (node:crypto ChaCha20-Poly1305 plus
// HChaCha20 written out below), following the layout documented in SECURITY.md.

import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sealField } from '../../../crypto/field-cipher.ts';
import {
  blindIndex,
  decryptField,
  decryptString,
  deriveServiceSubkeys,
  encryptField,
  fieldSubkeyId,
  initCrypto,
  masterKeyId,
  unwrapDataKey,
  unwrapServiceRootKey,
  wrapDataKey,
  wrapServiceRootKey,
  type DataKeyOwner,
  type FieldPlace,
} from '../../../crypto/index.ts';

await initCrypto();

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
// Pinned outputs. Changing any of them changes what is stored: that needs a new format version.
const WRAPPING_KEY_KAT = '8769a59d0b343dc677620277c73a80b3db76ad65f176b60df3ed8a72e5d3331f';
const STATISTICS_KEY_KAT = '0cf5ee57af859b28c189c376bfefd137af0fd55c08647cdca5d966f0c0d22c9b';
const INDEX_KEY_KAT = '270496931e327454f82a8892bd8ad366c5e20a7db363a33f3b9776c0adae4fc8';
const MASTER_ID_KAT = '8222c398057be688';
const FIELD_ID_KAT = '8a1cbafff142847d';
const INDEX_16_KAT = 226;
const INDEX_32_KAT = 14_812_568;

const sequence = (start: number, length: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);

const dataKey = { bytes: sequence(0x00, 32), version: 1 };
const nonce = sequence(0x40, 24);
const place: FieldPlace = {
  scope: 'backup',
  table: 'cases',
  column: 'client_name',
  recordId: '01890a5d-ac96-774b-bcce-b302099a8057',
};

// --- an independent XChaCha20-Poly1305 (IETF), from the RFC draft's definition -------------

function rotl(value: number, shift: number): number {
  return ((value << shift) | (value >>> (32 - shift))) >>> 0;
}

function hchacha20(key: Uint8Array, input: Uint8Array): Uint8Array {
  const words = (bytes: Uint8Array): number[] =>
    Array.from({ length: bytes.length / 4 }, (_, i) => Buffer.from(bytes).readUInt32LE(i * 4));
  const s = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, ...words(key), ...words(input)];
  const quarter = (a: number, b: number, c: number, d: number): void => {
    s[a] = (s[a]! + s[b]!) >>> 0;
    s[d] = rotl(s[d]! ^ s[a]!, 16);
    s[c] = (s[c]! + s[d]!) >>> 0;
    s[b] = rotl(s[b]! ^ s[c]!, 12);
    s[a] = (s[a]! + s[b]!) >>> 0;
    s[d] = rotl(s[d]! ^ s[a]!, 8);
    s[c] = (s[c]! + s[d]!) >>> 0;
    s[b] = rotl(s[b]! ^ s[c]!, 7);
  };
  for (let round = 0; round < 10; round++) {
    quarter(0, 4, 8, 12);
    quarter(1, 5, 9, 13);
    quarter(2, 6, 10, 14);
    quarter(3, 7, 11, 15);
    quarter(0, 5, 10, 15);
    quarter(1, 6, 11, 12);
    quarter(2, 7, 8, 13);
    quarter(3, 4, 9, 14);
  }
  const out = Buffer.alloc(32);
  [0, 1, 2, 3, 12, 13, 14, 15].forEach((word, i) => out.writeUInt32LE(s[word]!, i * 4));
  return new Uint8Array(out);
}

function xchachaParts(key: Uint8Array, xnonce: Uint8Array): { subkey: Uint8Array; iv: Buffer } {
  const subkey = hchacha20(key, xnonce.subarray(0, 16));
  const iv = Buffer.concat([Buffer.alloc(4), Buffer.from(xnonce.subarray(16, 24))]);
  return { subkey, iv };
}

function xchachaSeal(
  key: Uint8Array,
  xnonce: Uint8Array,
  ad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  const { subkey, iv } = xchachaParts(key, xnonce);
  const cipher = createCipheriv('chacha20-poly1305', subkey, iv, { authTagLength: 16 });
  cipher.setAAD(ad, { plaintextLength: plaintext.length });
  return new Uint8Array(
    Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]),
  );
}

function xchachaOpen(
  key: Uint8Array,
  xnonce: Uint8Array,
  ad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array {
  const { subkey, iv } = xchachaParts(key, xnonce);
  const decipher = createDecipheriv('chacha20-poly1305', subkey, iv, { authTagLength: 16 });
  decipher.setAAD(ad, { plaintextLength: sealed.length - 16 });
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return new Uint8Array(
    Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]),
  );
}

/** The documented associated data: every part as u32 big-endian length || bytes. */
function lengthPrefixed(...parts: (string | Uint8Array)[]): Uint8Array {
  return new Uint8Array(
    Buffer.concat(
      parts.flatMap((part) => {
        const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part);
        const length = Buffer.alloc(4);
        length.writeUInt32BE(bytes.length);
        return [length, bytes];
      }),
    ),
  );
}

const u32 = (value: number): number[] => [
  value >>> 24,
  (value >>> 16) & 0xff,
  (value >>> 8) & 0xff,
  value & 0xff,
];

// --- fields ------------------------------------------------------------------------------

const FIELD_KAT =
  '010100000001' + // format 1, algorithm 1, data key version 1
  '404142434445464748494a4b4c4d4e4f5051525354555657' + // nonce
  'd574c6ccbc8c1c6450b8c198596e28c71369bd61f188976e'; // ciphertext of 0x01 'Müller', tag

describe('field format v1', () => {
  const header = Uint8Array.of(0x01, 0x01, ...u32(1));
  const ad = lengthPrefixed(
    'casework/field/v1',
    header,
    'backup',
    'cases',
    'client_name',
    place.recordId,
  );
  const plaintext = Uint8Array.of(0x01, ...Buffer.from('Müller', 'utf8'));

  it('gives the pinned bytes for a fixed key and nonce', () => {
    expect(hex(sealField(dataKey, place, 'Müller', nonce))).toBe(FIELD_KAT);
  });

  it('matches an independent XChaCha20-Poly1305 over the documented layout', () => {
    const expected = new Uint8Array([
      ...header,
      ...nonce,
      ...xchachaSeal(dataKey.bytes, nonce, ad, plaintext),
    ]);
    expect(hex(sealField(dataKey, place, 'Müller', nonce))).toBe(hex(expected));
    expect(decryptString(dataKey, place, expected)).toBe('Müller');
  });

  it('opens with the independent implementation when sealed with a random nonce', () => {
    const blob = encryptField(dataKey, place, 'Müller');
    const opened = xchachaOpen(dataKey.bytes, blob.subarray(6, 30), ad, blob.subarray(30));
    expect(hex(opened)).toBe(hex(plaintext));
  });

  it('pins the type tags and payload encodings', () => {
    const cases: [unknown, number[]][] = [
      ['A', [0x01, 0x41]],
      [1.5, [0x02, ...Buffer.from('3ff8000000000000', 'hex')]],
      [true, [0x03, 0x01]],
      [false, [0x03, 0x00]],
      [new Date(1_000), [0x04, ...Buffer.from('408f400000000000', 'hex')]],
      [{ a: 1 }, [0x05, ...Buffer.from('{"a":1}')]],
      [null, [0x05, ...Buffer.from('null')]],
      [Uint8Array.of(7, 8), [0x06, 7, 8]],
    ];
    for (const [value, expected] of cases) {
      const blob = sealField(dataKey, place, value as never, nonce);
      const opened = xchachaOpen(dataKey.bytes, nonce, ad, blob.subarray(30));
      expect(hex(opened)).toBe(hex(Uint8Array.from(expected)));
      expect(decryptField(dataKey, place, blob)).toEqual(value);
    }
  });
});

// --- wrapped keys ------------------------------------------------------------------------

const wrappingRoot = sequence(0x80, 32);
const owner: DataKeyOwner = {
  scope: 'comeback',
  ownerType: 'case',
  ownerId: '01890a5d-ac96-774b-bcce-b302099a8057',
  keyVersion: 3,
};

describe('wrapped data key format v1', () => {
  const subkeys = deriveServiceSubkeys(wrappingRoot, { scope: 'comeback', version: 3 });
  const header = Uint8Array.of(0x01, 0x01, ...u32(3), ...u32(1));
  const ad = lengthPrefixed('casework/data-key/v1', header, 'comeback', 'case', owner.ownerId);

  it('pins the wrapping key derived with context cwwrapdk, subkey id 1', () => {
    expect(hex(subkeys.wrappingKey.bytes)).toBe(WRAPPING_KEY_KAT);
  });

  it('is header || nonce || XChaCha20-Poly1305(key) with the documented ad', () => {
    const wrapped = wrapDataKey(subkeys.wrappingKey, owner, dataKey);
    expect(wrapped.length).toBe(82);
    expect(hex(wrapped.subarray(0, 10))).toBe(hex(header));
    const opened = xchachaOpen(
      subkeys.wrappingKey.bytes,
      wrapped.subarray(10, 34),
      ad,
      wrapped.subarray(34),
    );
    expect(hex(opened)).toBe(hex(dataKey.bytes));
  });

  it('unwraps a blob built by the independent implementation', () => {
    const built = new Uint8Array([
      ...header,
      ...nonce,
      ...xchachaSeal(subkeys.wrappingKey.bytes, nonce, ad, dataKey.bytes),
    ]);
    const unwrapped = unwrapDataKey(subkeys.wrappingKey, owner, built);
    expect(hex(unwrapped.bytes)).toBe(hex(dataKey.bytes));
    expect(unwrapped.version).toBe(1);
  });
});

describe('wrapped service root key format v1', () => {
  const master = sequence(0xc0, 32);
  const id = { scope: 'system' as const, version: 7 };

  it('pins the master key id', () => {
    expect(masterKeyId(master)).toBe(MASTER_ID_KAT);
  });

  it('is header || nonce || XChaCha20-Poly1305(root key) with the documented ad', () => {
    const header = Uint8Array.of(0x01, 0x01, ...u32(7), ...fromHex(masterKeyId(master)));
    const ad = lengthPrefixed('casework/root-key/v1', header, 'system');
    const wrapped = wrapServiceRootKey(master, id, wrappingRoot);
    expect(wrapped.length).toBe(86);
    expect(hex(wrapped.subarray(0, 14))).toBe(hex(header));
    const opened = xchachaOpen(master, wrapped.subarray(14, 38), ad, wrapped.subarray(38));
    expect(hex(opened)).toBe(hex(wrappingRoot));
    const built = new Uint8Array([
      ...header,
      ...nonce,
      ...xchachaSeal(master, nonce, ad, wrappingRoot),
    ]);
    expect(hex(unwrapServiceRootKey(master, id, built))).toBe(hex(wrappingRoot));
  });
});

// --- blind indexes -----------------------------------------------------------------------

describe('blind index derivation', () => {
  it('pins the field subkey ids', () => {
    expect(fieldSubkeyId('client_name').toString(16)).toBe(FIELD_ID_KAT);
  });

  it('pins index values for a fixed root key', () => {
    const subkeys = deriveServiceSubkeys(wrappingRoot, { scope: 'backup', version: 1 });
    const key = subkeys.blindIndexKey('client_name');
    expect(hex(key.bytes)).toBe(INDEX_KEY_KAT);
    expect(hex(subkeys.statisticsKey)).toBe(STATISTICS_KEY_KAT);
    expect(blindIndex(key, 'Müller', 16)).toEqual({ value: INDEX_16_KAT, keyVersion: 1 });
    expect(blindIndex(key, 'Müller', 32)).toEqual({ value: INDEX_32_KAT, keyVersion: 1 });
    // Truncation keeps the leading bits.
    expect(INDEX_32_KAT >>> 16).toBe(INDEX_16_KAT);
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createDocumentReader,
  createDocumentWriter,
  DecryptionError,
  DOCUMENT_CHUNK_BYTES,
  generateDataKey,
  initCrypto,
  KeyShreddedError,
  shredDataKey,
  type DataKey,
  type DocumentPlace,
} from '../../../crypto/index.ts';

await initCrypto();

const CASE = '11111111-1111-4111-8111-111111111111';
const OTHER_CASE = '22222222-2222-4222-8222-222222222222';
const DOC = '33333333-3333-4333-8333-333333333333';
const OTHER_DOC = '44444444-4444-4444-8444-444444444444';
const PLACE: DocumentPlace = { scope: 'backup', caseId: CASE, documentId: DOC, version: 1 };

function bytes(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

/** Encrypts as the upload does: full chunks, the last one FINAL (an empty file: one chunk). */
function seal(key: DataKey, place: DocumentPlace, plain: Uint8Array) {
  const writer = createDocumentWriter(key, place);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  do {
    const part = plain.subarray(offset, offset + DOCUMENT_CHUNK_BYTES);
    offset += part.length;
    chunks.push(writer.push(part, offset >= plain.length));
  } while (offset < plain.length);
  return { header: writer.header, chunks };
}

function open(key: DataKey, place: DocumentPlace, header: Uint8Array, chunks: Uint8Array[]) {
  const reader = createDocumentReader(key, place, header);
  const parts = chunks.map((chunk) => reader.pull(chunk));
  reader.finish();
  return Buffer.concat(parts);
}

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('document cipher', () => {
  const key = generateDataKey();
  const plain = bytes(3 * DOCUMENT_CHUNK_BYTES + 1234);
  const sealed = seal(key, PLACE, plain);

  it('round-trips a multi-chunk document byte for byte', () => {
    expect(sealed.chunks).toHaveLength(4);
    expect(sha(open(key, PLACE, sealed.header, sealed.chunks))).toBe(sha(plain));
  });

  it('round-trips an empty document and one of exactly one chunk', () => {
    for (const data of [new Uint8Array(0), bytes(DOCUMENT_CHUNK_BYTES)]) {
      const { header, chunks } = seal(key, PLACE, data);
      expect(chunks).toHaveLength(1);
      expect(sha(open(key, PLACE, header, chunks))).toBe(sha(data));
    }
  });

  it('never stores the plaintext in the ciphertext', () => {
    const marker = Buffer.from('MARKER-PLAINTEXT-SEQUENCE');
    const data = Buffer.concat([marker, marker, marker]);
    const { header, chunks } = seal(key, PLACE, data);
    expect(Buffer.concat([header, ...chunks]).includes(marker)).toBe(false);
  });

  it('refuses reordered chunks', () => {
    const [a, b, ...rest] = sealed.chunks;
    expect(() => open(key, PLACE, sealed.header, [b!, a!, ...rest])).toThrow(DecryptionError);
  });

  it('refuses a dropped chunk in the middle', () => {
    const chunks = sealed.chunks.filter((_, i) => i !== 1);
    expect(() => open(key, PLACE, sealed.header, chunks)).toThrow(DecryptionError);
  });

  it('refuses a document cut short: the FINAL chunk is required', () => {
    expect(() => open(key, PLACE, sealed.header, sealed.chunks.slice(0, -1))).toThrow(
      /truncated after 3 chunks/,
    );
    expect(() => open(key, PLACE, sealed.header, [])).toThrow(DecryptionError);
  });

  it('refuses a chunk truncated by a byte and a chunk with data after the final one', () => {
    const chunks = [...sealed.chunks];
    chunks[3] = chunks[3]!.subarray(0, chunks[3]!.length - 1);
    expect(() => open(key, PLACE, sealed.header, chunks)).toThrow(DecryptionError);
    expect(() => open(key, PLACE, sealed.header, [...sealed.chunks, sealed.chunks[0]!])).toThrow(
      /after the final chunk/,
    );
  });

  it('refuses a flipped bit in any chunk or in the header', () => {
    for (let i = 0; i < sealed.chunks.length; i++) {
      const chunks = sealed.chunks.map((chunk) => Uint8Array.from(chunk));
      chunks[i]![100]! ^= 1;
      expect(() => open(key, PLACE, sealed.header, chunks)).toThrow(DecryptionError);
    }
    const header = Uint8Array.from(sealed.header);
    header[20]! ^= 1;
    expect(() => open(key, PLACE, header, sealed.chunks)).toThrow(DecryptionError);
  });

  it('refuses a chunk moved in from another document of the same case', () => {
    const other = seal(key, { ...PLACE, documentId: OTHER_DOC }, plain);
    const chunks = [...sealed.chunks];
    chunks[1] = other.chunks[1]!;
    expect(() => open(key, PLACE, sealed.header, chunks)).toThrow(DecryptionError);
  });

  it('opens only as the case, document, version and scope it was written for', () => {
    for (const place of [
      { ...PLACE, caseId: OTHER_CASE },
      { ...PLACE, documentId: OTHER_DOC },
      { ...PLACE, version: 2 },
      { ...PLACE, scope: 'comeback' as const },
    ]) {
      expect(() => open(key, place, sealed.header, sealed.chunks)).toThrow(DecryptionError);
    }
  });

  it('opens under no other data key, and not at all once the key is shredded', () => {
    expect(() => open(generateDataKey(), PLACE, sealed.header, sealed.chunks)).toThrow(
      DecryptionError,
    );
    const wrongVersion = { bytes: key.bytes, version: 2 };
    expect(() => open(wrongVersion, PLACE, sealed.header, sealed.chunks)).toThrow(/wrong_key/);
    const doomed = generateDataKey();
    const kept = seal(doomed, PLACE, plain);
    shredDataKey(doomed);
    expect(() => open(doomed, PLACE, kept.header, kept.chunks)).toThrow(KeyShreddedError);
  });

  it('refuses a chunk longer than the chunk size and pushes after the final chunk', () => {
    const writer = createDocumentWriter(key, PLACE);
    expect(() => writer.push(new Uint8Array(DOCUMENT_CHUNK_BYTES + 1), false)).toThrow(RangeError);
    writer.push(new Uint8Array(1), true);
    expect(() => writer.push(new Uint8Array(1), true)).toThrow(/already finished/);
  });
});

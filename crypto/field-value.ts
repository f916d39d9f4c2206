import { assertWellFormed } from './encoding.ts';
import { DecryptionError } from './errors.ts';

// The plaintext of a field is `type tag || payload`, so a value always comes back as the type it
// went in as. The tag follows the JavaScript type at encryption: string, number, boolean, Date,
// Uint8Array; anything else (null, arrays, plain objects) is JSON.

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type FieldValue = string | number | boolean | Date | Uint8Array | JsonValue;
export type FieldKind = 'string' | 'number' | 'boolean' | 'date' | 'json' | 'bytes';

const TAG: Record<FieldKind, number> = {
  string: 1,
  number: 2,
  boolean: 3,
  date: 4,
  json: 5,
  bytes: 6,
};
const KIND_BY_TAG: readonly (FieldKind | undefined)[] = [
  undefined,
  'string',
  'number',
  'boolean',
  'date',
  'json',
  'bytes',
];

/** Large enough for any narrative; a guard against putting whole files into a column. */
export const MAX_FIELD_BYTES = 1024 * 1024;
const MAX_JSON_DEPTH = 64;

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function fieldKindOf(value: FieldValue): FieldKind {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof Date) return 'date';
  if (value instanceof Uint8Array) return 'bytes';
  return 'json';
}

// Reused so the hot path allocates nothing; the caller wipes the bytes it used after sealing.
let scratch = new Uint8Array(4096);

function room(size: number): Uint8Array {
  if (size > scratch.length) scratch = new Uint8Array(Math.max(size, scratch.length * 2));
  return scratch;
}

function tooLarge(): RangeError {
  return new RangeError(`an encrypted field holds at most ${MAX_FIELD_BYTES} bytes`);
}

function encodeText(tag: number, text: string): Uint8Array {
  // Checked before allocating: UTF-8 never has fewer bytes than UTF-16 code units.
  if (text.length > MAX_FIELD_BYTES) throw tooLarge();
  const buffer = room(1 + text.length * 3);
  buffer[0] = tag;
  const { written } = encoder.encodeInto(text, buffer.subarray(1));
  return buffer.subarray(0, 1 + written);
}

function encodeFloat(tag: number, value: number): Uint8Array {
  const buffer = room(9);
  buffer[0] = tag;
  new DataView(buffer.buffer, buffer.byteOffset + 1, 8).setFloat64(0, value);
  return buffer.subarray(0, 9);
}

function assertJson(value: unknown, depth: number): asserts value is JsonValue {
  if (depth > MAX_JSON_DEPTH) throw new TypeError('JSON value is nested too deeply');
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') return assertWellFormed(value, 'JSON string');
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('JSON numbers must be finite');
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) assertJson(item, depth + 1);
    return;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    // Dates, Maps, class instances would be silently mangled by JSON.stringify.
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError('JSON objects must be plain objects');
    }
    for (const [key, item] of Object.entries(value)) {
      assertWellFormed(key, 'JSON key');
      assertJson(item, depth + 1);
    }
    return;
  }
  throw new TypeError(`a ${typeof value} cannot be stored in an encrypted field`);
}

/**
 * Returns `tag || payload` in a shared buffer that is only valid until the next call: the
 * field cipher seals it at once and then wipes it.
 */
export function encodeFieldValue(value: FieldValue): Uint8Array {
  let encoded: Uint8Array;
  switch (fieldKindOf(value)) {
    case 'string':
      assertWellFormed(value as string, 'string value');
      encoded = encodeText(TAG.string, value as string);
      break;
    case 'number':
      encoded = encodeFloat(TAG.number, value as number);
      break;
    case 'boolean':
      encoded = room(2).subarray(0, 2);
      encoded[0] = TAG.boolean;
      encoded[1] = value ? 1 : 0;
      break;
    case 'date': {
      const time = (value as Date).getTime();
      if (Number.isNaN(time)) throw new TypeError('cannot encrypt an invalid Date');
      encoded = encodeFloat(TAG.date, time);
      break;
    }
    case 'bytes': {
      const bytes = value as Uint8Array;
      if (bytes.length > MAX_FIELD_BYTES) throw tooLarge();
      encoded = room(1 + bytes.length).subarray(0, 1 + bytes.length);
      encoded[0] = TAG.bytes;
      encoded.set(bytes, 1);
      break;
    }
    case 'json':
      assertJson(value, 0);
      encoded = encodeText(TAG.json, JSON.stringify(value));
      break;
  }
  if (encoded.length > MAX_FIELD_BYTES) {
    encoded.fill(0);
    throw tooLarge();
  }
  return encoded;
}

// libsodium-wrappers returns small plaintexts as on-heap typed arrays. Taking a subarray or the
// buffer of one makes V8 move it off-heap, which costs more than decrypting a short field, so
// small payloads are copied out index by index instead.
const SMALL_TEXT_BYTES = 256;
const textScratch = new Uint8Array(new ArrayBuffer(SMALL_TEXT_BYTES));
const floatScratch = new DataView(new ArrayBuffer(8));

/** UTF-8 text after the tag byte. */
function decodeText(plaintext: Uint8Array): string {
  const length = plaintext.length - 1;
  if (length > SMALL_TEXT_BYTES) return strictDecoder.decode(plaintext.subarray(1));
  for (let i = 0; i < length; i++) textScratch[i] = plaintext[i + 1]!;
  try {
    return strictDecoder.decode(textScratch.subarray(0, length));
  } finally {
    textScratch.fill(0, 0, length);
  }
}

function undecodable(detail: string): DecryptionError {
  return new DecryptionError('malformed', 'field', detail);
}

/** A float64 after the tag byte. */
function readFloat(plaintext: Uint8Array): number {
  if (plaintext.length !== 9) throw undecodable('bad number length');
  for (let i = 0; i < 8; i++) floatScratch.setUint8(i, plaintext[i + 1]!);
  return floatScratch.getFloat64(0);
}

/** Decodes authenticated plaintext; malformed content means a bug, reported as DecryptionError. */
export function decodeFieldValue(plaintext: Uint8Array): { kind: FieldKind; value: FieldValue } {
  const kind = KIND_BY_TAG[plaintext[0] ?? 0];
  switch (kind) {
    case 'string':
      try {
        return { kind, value: decodeText(plaintext) };
      } catch {
        throw undecodable('invalid UTF-8');
      }
    case 'number':
      return { kind, value: readFloat(plaintext) };
    case 'boolean':
      if (plaintext.length !== 2 || (plaintext[1] !== 0 && plaintext[1] !== 1)) {
        throw undecodable('bad boolean');
      }
      return { kind, value: plaintext[1] === 1 };
    case 'date': {
      const date = new Date(readFloat(plaintext));
      if (Number.isNaN(date.getTime())) throw undecodable('bad date');
      return { kind, value: date };
    }
    case 'bytes':
      return { kind, value: plaintext.slice(1) };
    case 'json':
      try {
        return { kind, value: JSON.parse(decodeText(plaintext)) as JsonValue };
      } catch {
        throw undecodable('invalid JSON');
      }
    case undefined:
      throw undecodable('unknown type tag');
  }
}

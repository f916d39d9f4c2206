import { assertWellFormed, writeU32, writeUtf8 } from './encoding.ts';

// Canonical encoding of an audit event, the input of its leaf hash. Unambiguous by construction:
//   u32 count || for each key in ascending order: lp(key) || type byte || value
//   null: 0x00 | boolean: 0x01, then 0x00/0x01 | number: 0x02, then float64 BE |
//   string: 0x03, then lp(UTF-8)
// (lp = u32 big-endian length, then the bytes.) Keys are ASCII identifiers, so "ascending" means
// the same in every language. Numbers are float64 with -0 written as 0, so a round trip through
// the database cannot change the hash.

export type AuditValue = string | number | boolean | null;
export type AuditEvent = Readonly<Record<string, AuditValue>>;

const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const TYPE_NULL = 0;
const TYPE_BOOLEAN = 1;
const TYPE_NUMBER = 2;
const TYPE_STRING = 3;

// Verifying a long log encodes every event again; one reused buffer keeps that cheap.
let scratch = new Uint8Array(4096);
let scratchView = new DataView(scratch.buffer);

function upperBound(event: AuditEvent, keys: readonly string[], prefixLength: number): number {
  let size = prefixLength + 4;
  for (const key of keys) {
    const value = event[key];
    size += 4 + key.length + 1 + (typeof value === 'string' ? 4 + value.length * 3 : 8);
  }
  return size;
}

// Events of one kind share their keys in one order: the checked, sorted list of the last shape
// seen is reused while the next event's keys match it one by one.
let lastShape: readonly string[] = [];
let lastSorted: readonly string[] = [];

/** The event's keys in ascending order, each checked to be an ASCII identifier. */
function sortedKeys(event: AuditEvent): readonly string[] {
  const shape = Object.keys(event);
  if (shape.length === lastShape.length && shape.every((key, i) => key === lastShape[i])) {
    return lastSorted;
  }
  for (const key of shape) {
    if (!KEY.test(key)) throw new TypeError('audit event keys are ASCII identifiers');
  }
  const sorted = [...shape].sort();
  lastShape = shape;
  lastSorted = sorted;
  return sorted;
}

/**
 * `prefix || encoding` as a view into a shared buffer that the next call overwrites; the leaf
 * hash uses it with its domain string as prefix to hash without copying.
 */
export function encodeAuditEventView(event: AuditEvent, prefix: Uint8Array): Uint8Array {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new TypeError('an audit event is a flat record');
  }
  const keys = sortedKeys(event);
  const needed = upperBound(event, keys, prefix.length);
  if (needed > scratch.length) {
    scratch = new Uint8Array(Math.max(needed, scratch.length * 2));
    scratchView = new DataView(scratch.buffer);
  }
  scratch.set(prefix);
  writeU32(scratch, prefix.length, keys.length);
  let offset = prefix.length + 4;
  for (const key of keys) {
    writeU32(scratch, offset, key.length);
    offset += 4 + writeUtf8(scratch, offset + 4, key);
    const value = event[key];
    if (value === null) {
      scratch[offset++] = TYPE_NULL;
    } else if (typeof value === 'boolean') {
      scratch[offset++] = TYPE_BOOLEAN;
      scratch[offset++] = value ? 1 : 0;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new TypeError(`audit value ${key} is not finite`);
      scratch[offset++] = TYPE_NUMBER;
      scratchView.setFloat64(offset, value === 0 ? 0 : value);
      offset += 8;
    } else if (typeof value === 'string') {
      scratch[offset++] = TYPE_STRING;
      const length = writeUtf8(scratch, offset + 4, value);
      // Only a string with a non-ASCII unit can hold a lone surrogate (its UTF-8 is longer).
      if (length !== value.length) assertWellFormed(value, `audit value ${key}`);
      writeU32(scratch, offset, length);
      offset += 4 + length;
    } else {
      throw new TypeError(`audit value ${key} must be a string, number, boolean or null`);
    }
  }
  return scratch.subarray(0, offset);
}

const NO_PREFIX = new Uint8Array(0);

export function encodeAuditEvent(event: AuditEvent): Uint8Array {
  return encodeAuditEventView(event, NO_PREFIX).slice();
}

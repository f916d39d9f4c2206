// Byte encodings shared by associated data, key wrapping and the audit log. Every variable-length
// part is prefixed with its length (u32, big-endian), so no two different inputs encode alike.

const encoder = new TextEncoder();
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** UTF-8 would silently turn a lone surrogate into U+FFFD, making two strings encode alike. */
export function assertWellFormed(value: string, what: string): void {
  if (LONE_SURROGATE.test(value)) throw new TypeError(`${what} contains a lone UTF-16 surrogate`);
}

export function utf8(value: string): Uint8Array {
  return encoder.encode(value);
}

export function writeU32(target: Uint8Array, offset: number, value: number): void {
  target[offset] = value >>> 24;
  target[offset + 1] = (value >>> 16) & 0xff;
  target[offset + 2] = (value >>> 8) & 0xff;
  target[offset + 3] = value & 0xff;
}

export function readU32(source: Uint8Array, offset: number): number {
  const b0 = source[offset] ?? 0;
  const b1 = source[offset + 1] ?? 0;
  const b2 = source[offset + 2] ?? 0;
  const b3 = source[offset + 3] ?? 0;
  return ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
}

// Reused between calls: associated data is built for every field, and a fresh typed array of
// more than 64 bytes costs V8 about as much as the cipher itself on small values.
let scratch = new Uint8Array(1024);

/** Writes `text` as UTF-8 at `offset`; `target` must have room for 3 bytes per code unit. */
export function writeUtf8(target: Uint8Array, offset: number, text: string): number {
  // Names, ids and versions are ASCII: copying code units beats a TextEncoder call here.
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit > 0x7f) return encoder.encodeInto(text, target.subarray(offset)).written;
    target[offset + i] = unit;
  }
  return text.length;
}

/**
 * `u32be(length) || bytes` for every part; strings as UTF-8. Returns a view into a shared buffer
 * that the next call overwrites: pass it straight to libsodium (which copies it), never keep it.
 * Callers check strings from outside for lone surrogates first.
 */
export function lengthPrefixedView(parts: readonly (Uint8Array | string)[]): Uint8Array {
  let needed = 0;
  // A UTF-16 code unit never needs more than 3 UTF-8 bytes.
  for (const part of parts)
    needed += 4 + (typeof part === 'string' ? part.length * 3 : part.length);
  if (needed > scratch.length) scratch = new Uint8Array(Math.max(needed, scratch.length * 2));
  let used = 0;
  for (const part of parts) {
    let length = part.length;
    if (typeof part === 'string') length = writeUtf8(scratch, used + 4, part);
    else scratch.set(part, used + 4);
    writeU32(scratch, used, length);
    used += 4 + length;
  }
  return scratch.subarray(0, used);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Standard base64 with padding, as used in transparency-log notes. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Strict: Buffer's decoder skips invalid characters, so the result must re-encode exactly. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  return toBase64(bytes) === text ? bytes : undefined;
}

/** Constant-time for equal lengths; lengths are public in every use here. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

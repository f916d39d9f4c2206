import { isKeyScope, type KeyScope } from './key-scope.ts';

// Guards for everything that ends up in associated data or key derivation. A wrong argument is a
// programming error (TypeError/RangeError), never a DecryptionError.

const MAX_U32 = 0xffff_ffff;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.]{0,126}$/;

export function assertScope(scope: unknown): asserts scope is KeyScope {
  if (!isKeyScope(scope)) throw new TypeError('scope must be backup, comeback or system');
}

/** Key versions start at 1 and fit the u32 slots of the binary formats. */
export function assertVersion(version: number, what: string): void {
  if (!Number.isInteger(version) || version < 1 || version > MAX_U32) {
    throw new RangeError(`${what} must be an integer from 1 to ${MAX_U32}`);
  }
}

export function assertIdentifier(value: string, what: string): void {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw new TypeError(`${what} must be an identifier ([A-Za-z_][A-Za-z0-9_]*, at most 63)`);
  }
}

export function assertFieldName(value: string): void {
  if (typeof value !== 'string' || !FIELD_NAME.test(value)) {
    throw new TypeError('field name must match [A-Za-z_][A-Za-z0-9_.]* (at most 127)');
  }
}

/**
 * Canonical lowercase form only, so that 'ABC…' and 'abc…' cannot name the same record twice.
 * A loop rather than a regular expression: this runs for every field and was a tenth of its cost.
 */
export function isCanonicalUuid(value: string): boolean {
  if (typeof value !== 'string' || value.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const unit = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (unit !== 0x2d) return false;
    } else if (!((unit >= 0x30 && unit <= 0x39) || (unit >= 0x61 && unit <= 0x66))) {
      return false;
    }
  }
  return true;
}

export function assertUuid(value: string, what: string): void {
  if (!isCanonicalUuid(value))
    throw new TypeError(`${what} must be a UUID in canonical lowercase form`);
}

export function assertKeyBytes(bytes: Uint8Array, what: string, length = 32): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new TypeError(`${what} must be a Uint8Array of ${length} bytes`);
  }
}

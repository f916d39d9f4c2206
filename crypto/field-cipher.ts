import { assertIdentifier, assertScope, assertUuid } from './checks.ts';
import { lengthPrefixedView, readU32, writeU32 } from './encoding.ts';
import {
  ALG_XCHACHA20_POLY1305_IETF,
  checkEnvelopeHeader,
  NONCE_BYTES,
  openEnvelope,
  sealEnvelope,
  TAG_BYTES,
} from './envelope.ts';
import { assertUsableDataKey, type DataKey } from './data-key.ts';
import { DecryptionError, FieldTypeError } from './errors.ts';
import {
  decodeFieldValue,
  encodeFieldValue,
  type FieldKind,
  type FieldValue,
  type JsonValue,
} from './field-value.ts';
import type { KeyScope } from './key-scope.ts';

// Encrypted field format, version 1 (stored as bytea):
//   0x01 format | 0x01 algorithm | u32 data key version | nonce(24) | ciphertext | tag(16)
//   ad = lp('casework/field/v1', header, scope, table, column, recordId)
// One data key per owner encrypts all its fields; the place in the associated data is what
// keeps a ciphertext from being moved to another row, column, table or service (SECURITY.md).

/** Where a value lives; all of it is bound to the ciphertext. */
export type FieldPlace = { scope: KeyScope; table: string; column: string; recordId: string };

const FORMAT_V1 = 1;
const HEADER_BYTES = 6;
const DOMAIN = 'casework/field/v1';
const WHAT = 'field';

function checkPlace(place: FieldPlace): void {
  assertScope(place.scope);
  assertIdentifier(place.table, 'table');
  assertIdentifier(place.column, 'column');
  assertUuid(place.recordId, 'record id');
}

// Reused rather than allocated per call: this is the hot path of every field (see the benchmark).
const adParts: (Uint8Array | string)[] = [DOMAIN, new Uint8Array(0), '', '', '', ''];

/** A transient view of the associated data (see lengthPrefixedView). */
function placeAd(place: FieldPlace, header: Uint8Array): Uint8Array {
  adParts[1] = header;
  adParts[2] = place.scope;
  adParts[3] = place.table;
  adParts[4] = place.column;
  adParts[5] = place.recordId;
  return lengthPrefixedView(adParts);
}

/**
 * encryptField with an optional fixed nonce. Only known-answer tests pass a nonce: reusing one
 * with the same key loses confidentiality. Not exported from crypto/index.ts.
 */
export function sealField(
  key: DataKey,
  place: FieldPlace,
  value: FieldValue,
  nonce?: Uint8Array,
): Uint8Array<ArrayBuffer> {
  assertUsableDataKey(key);
  checkPlace(place);
  const header = new Uint8Array(HEADER_BYTES);
  header[0] = FORMAT_V1;
  header[1] = ALG_XCHACHA20_POLY1305_IETF;
  writeU32(header, 2, key.version);
  const plaintext = encodeFieldValue(value);
  try {
    return sealEnvelope(key.bytes, header, placeAd(place, header), plaintext, nonce);
  } finally {
    plaintext.fill(0);
  }
}

/** The blob to store (bytea). Its own ArrayBuffer type, as Prisma's Bytes columns expect. */
export function encryptField(
  key: DataKey,
  place: FieldPlace,
  value: FieldValue,
): Uint8Array<ArrayBuffer> {
  return sealField(key, place, value);
}

function openField(
  key: DataKey,
  place: FieldPlace,
  blob: Uint8Array,
): { kind: FieldKind; value: FieldValue } {
  assertUsableDataKey(key);
  checkPlace(place);
  checkEnvelopeHeader(blob, FORMAT_V1, HEADER_BYTES + NONCE_BYTES + 1 + TAG_BYTES, WHAT);
  const version = readU32(blob, 2);
  if (version !== key.version) {
    throw new DecryptionError('wrong_key', WHAT, `needs data key v${version}, got v${key.version}`);
  }
  const header = blob.subarray(0, HEADER_BYTES);
  const plaintext = openEnvelope(key.bytes, blob, HEADER_BYTES, placeAd(place, header), WHAT);
  try {
    return decodeFieldValue(plaintext);
  } finally {
    plaintext.fill(0);
  }
}

export function decryptField(key: DataKey, place: FieldPlace, blob: Uint8Array): FieldValue {
  return openField(key, place, blob).value;
}

function openAs(kind: FieldKind, key: DataKey, place: FieldPlace, blob: Uint8Array): FieldValue {
  const opened = openField(key, place, blob);
  if (opened.kind !== kind) throw new FieldTypeError(kind, opened.kind);
  return opened.value;
}

export function decryptString(key: DataKey, place: FieldPlace, blob: Uint8Array): string {
  return openAs('string', key, place, blob) as string;
}

export function decryptNumber(key: DataKey, place: FieldPlace, blob: Uint8Array): number {
  return openAs('number', key, place, blob) as number;
}

export function decryptBoolean(key: DataKey, place: FieldPlace, blob: Uint8Array): boolean {
  return openAs('boolean', key, place, blob) as boolean;
}

export function decryptDate(key: DataKey, place: FieldPlace, blob: Uint8Array): Date {
  return openAs('date', key, place, blob) as Date;
}

/** Only values stored as JSON (null, arrays, objects); a stored string is not JSON here. */
export function decryptJson(key: DataKey, place: FieldPlace, blob: Uint8Array): JsonValue {
  return openAs('json', key, place, blob) as JsonValue;
}

export function decryptBytes(key: DataKey, place: FieldPlace, blob: Uint8Array): Uint8Array {
  return openAs('bytes', key, place, blob) as Uint8Array;
}

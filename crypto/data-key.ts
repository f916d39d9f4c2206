import {
  assertIdentifier,
  assertKeyBytes,
  assertScope,
  assertUuid,
  assertVersion,
} from './checks.ts';
import { readU32, writeU32 } from './encoding.ts';
import {
  additionalData,
  ALG_XCHACHA20_POLY1305_IETF,
  checkEnvelopeHeader,
  NONCE_BYTES,
  openEnvelope,
  sealEnvelope,
  TAG_BYTES,
} from './envelope.ts';
import { DecryptionError, KeyShreddedError } from './errors.ts';
import type { KeyScope } from './key-scope.ts';
import { randomKeyBytes } from './random.ts';
import { getSodium } from './sodium.ts';
import type { WrappingKey } from './subkeys.ts';

// A random key per record owner (a case, an incident, …). Random, never derived, so that
// destroying its wrapped copy destroys it: nothing else can recompute it.
//
// Wrapped format (82 bytes):
//   0x01 format | 0x01 algorithm | u32 service key version | u32 data key version | nonce(24) |
//   XChaCha20-Poly1305(key(32))
//   ad = lp('casework/data-key/v1', header, scope, ownerType, ownerId)

export type DataKey = { bytes: Uint8Array; version: number };

/** Who a data key belongs to; keyVersion is the version of the service key that wraps it. */
export type DataKeyOwner = {
  scope: KeyScope;
  ownerType: string;
  ownerId: string;
  keyVersion: number;
};

const FORMAT_V1 = 1;
const HEADER_BYTES = 10;
const WRAPPED_BYTES = HEADER_BYTES + NONCE_BYTES + 32 + TAG_BYTES;
const DOMAIN = 'casework/data-key/v1';
const WHAT = 'wrapped data key';

const shredded = new WeakSet<DataKey>();

/** A new random data key. A version above 1 is for replacing an owner's key, e.g. after a leak. */
export function generateDataKey(version = 1): DataKey {
  assertVersion(version, 'data key version');
  return { bytes: randomKeyBytes(32), version };
}

/** Wipes the key in memory and refuses any further use of this object. */
export function shredDataKey(key: DataKey): void {
  getSodium().memzero(key.bytes);
  shredded.add(key);
}

/** For every user of a data key: refuse shredded or malformed keys before touching data. */
export function assertUsableDataKey(key: DataKey): void {
  if (shredded.has(key)) throw new KeyShreddedError();
  assertKeyBytes(key.bytes, 'data key');
  assertVersion(key.version, 'data key version');
}

function checkOwner(owner: DataKeyOwner): void {
  assertScope(owner.scope);
  assertIdentifier(owner.ownerType, 'owner type');
  assertUuid(owner.ownerId, 'owner id');
  assertVersion(owner.keyVersion, 'service key version');
}

function checkWrappingKey(wrappingKey: WrappingKey, owner: DataKeyOwner): void {
  checkOwner(owner);
  assertKeyBytes(wrappingKey.bytes, 'wrapping key');
  if (wrappingKey.scope !== owner.scope || wrappingKey.version !== owner.keyVersion) {
    throw new TypeError(
      `wrapping key ${wrappingKey.scope} v${wrappingKey.version} cannot serve ` +
        `${owner.scope} v${owner.keyVersion}`,
    );
  }
}

function header(serviceKeyVersion: number, dataKeyVersion: number): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES);
  bytes[0] = FORMAT_V1;
  bytes[1] = ALG_XCHACHA20_POLY1305_IETF;
  writeU32(bytes, 2, serviceKeyVersion);
  writeU32(bytes, 6, dataKeyVersion);
  return bytes;
}

function ownerAd(owner: DataKeyOwner, head: Uint8Array): Uint8Array {
  return additionalData(DOMAIN, head, [owner.scope, owner.ownerType, owner.ownerId]);
}

export function wrapDataKey(
  wrappingKey: WrappingKey,
  owner: DataKeyOwner,
  dataKey: DataKey,
): Uint8Array<ArrayBuffer> {
  checkWrappingKey(wrappingKey, owner);
  assertUsableDataKey(dataKey);
  const head = header(owner.keyVersion, dataKey.version);
  return sealEnvelope(wrappingKey.bytes, head, ownerAd(owner, head), dataKey.bytes);
}

/** Reads the versions from a wrapped key's header, to pick the right service key first. */
export function readWrappedDataKeyVersions(wrapped: Uint8Array): {
  serviceKeyVersion: number;
  dataKeyVersion: number;
} {
  checkEnvelopeHeader(wrapped, FORMAT_V1, WRAPPED_BYTES, WHAT);
  return { serviceKeyVersion: readU32(wrapped, 2), dataKeyVersion: readU32(wrapped, 6) };
}

/**
 * `wrapped === null` means the key was destroyed (crypto-shredding) and throws KeyShreddedError;
 * anything that does not open throws DecryptionError.
 */
export function unwrapDataKey(
  wrappingKey: WrappingKey,
  owner: DataKeyOwner,
  wrapped: Uint8Array | null,
): DataKey {
  checkWrappingKey(wrappingKey, owner);
  if (wrapped === null) throw new KeyShreddedError(owner);
  const { serviceKeyVersion, dataKeyVersion } = readWrappedDataKeyVersions(wrapped);
  if (wrapped.length !== WRAPPED_BYTES) throw new DecryptionError('malformed', WHAT, 'length');
  if (serviceKeyVersion !== owner.keyVersion) {
    throw new DecryptionError('wrong_key', WHAT, `wrapped under service key v${serviceKeyVersion}`);
  }
  if (dataKeyVersion < 1) throw new DecryptionError('malformed', WHAT, 'data key version 0');
  const head = wrapped.subarray(0, HEADER_BYTES);
  const bytes = openEnvelope(wrappingKey.bytes, wrapped, HEADER_BYTES, ownerAd(owner, head), WHAT);
  return { bytes, version: dataKeyVersion };
}

/**
 * Rotation: moves a wrapped data key to a new service key version. The data key stays inside
 * this function and is wiped before it returns; field ciphertexts do not change.
 */
export function rewrapDataKey(
  oldWrappingKey: WrappingKey,
  newWrappingKey: WrappingKey,
  ownerOld: DataKeyOwner,
  ownerNew: DataKeyOwner,
  wrapped: Uint8Array | null,
): Uint8Array<ArrayBuffer> {
  if (
    ownerOld.scope !== ownerNew.scope ||
    ownerOld.ownerType !== ownerNew.ownerType ||
    ownerOld.ownerId !== ownerNew.ownerId
  ) {
    throw new TypeError('re-wrapping may change the service key version only, never the owner');
  }
  checkWrappingKey(newWrappingKey, ownerNew);
  const dataKey = unwrapDataKey(oldWrappingKey, ownerOld, wrapped);
  try {
    return wrapDataKey(newWrappingKey, ownerNew, dataKey);
  } finally {
    shredDataKey(dataKey);
  }
}

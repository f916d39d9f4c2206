// Error messages are built from fixed words, type names, versions and ids only: never from
// plaintext, ciphertext or key bytes, so they are safe to log.

export type DecryptionFailure =
  'malformed' | 'unsupported_format' | 'wrong_key' | 'authentication_failed';

/** A ciphertext or wrapped key could not be opened. There is never a fall-back to stored bytes. */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
  readonly reason: DecryptionFailure;

  constructor(reason: DecryptionFailure, what: string, detail?: string) {
    super(`${what} cannot be decrypted (${reason}${detail === undefined ? '' : `: ${detail}`})`);
    this.reason = reason;
  }
}

/** The owner's data key was destroyed (crypto-shredding): its fields are gone for good. */
export class KeyShreddedError extends Error {
  override readonly name = 'KeyShreddedError';
  readonly ownerType: string | undefined;
  readonly ownerId: string | undefined;

  /** Without an owner: a DataKey object that shredDataKey() has wiped. */
  constructor(owner?: { ownerType: string; ownerId: string }) {
    super(
      owner === undefined
        ? 'this data key has been shredded'
        : `the data key of ${owner.ownerType} ${owner.ownerId} has been shredded`,
    );
    this.ownerType = owner?.ownerType;
    this.ownerId = owner?.ownerId;
  }
}

/** A field decrypted fine but holds another type than the caller asked for. */
export class FieldTypeError extends Error {
  override readonly name = 'FieldTypeError';
  readonly expected: string;
  readonly actual: string;

  constructor(expected: string, actual: string) {
    super(`encrypted field holds a ${actual}, not a ${expected}`);
    this.expected = expected;
    this.actual = actual;
  }
}

export type CheckpointFailure = 'malformed' | 'unknown_key' | 'bad_signature' | 'wrong_origin';

/** A checkpoint note that does not parse, is not signed by the expected key, or was altered. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  readonly reason: CheckpointFailure;

  constructor(reason: CheckpointFailure, detail: string) {
    super(`checkpoint rejected (${reason}): ${detail}`);
    this.reason = reason;
  }
}

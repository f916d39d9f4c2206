// The public API of crypto/: pure functions over libsodium, no I/O. Call initCrypto() once.

export { initCrypto } from './sodium.ts';
export { KEY_SCOPES, isKeyScope, type KeyScope, type ServiceKeyId } from './key-scope.ts';
export {
  CheckpointError,
  DecryptionError,
  FieldTypeError,
  KeyShreddedError,
  type CheckpointFailure,
  type DecryptionFailure,
} from './errors.ts';

export {
  generateServiceRootKey,
  masterKeyId,
  readWrappedRootKeyInfo,
  rewrapServiceRootKey,
  unwrapServiceRootKey,
  wrapServiceRootKey,
} from './service-keys.ts';
export {
  deriveServiceSubkeys,
  fieldSubkeyId,
  type IndexKey,
  type ServiceSubkeys,
  type WrappingKey,
} from './subkeys.ts';
export {
  generateDataKey,
  readWrappedDataKeyVersions,
  rewrapDataKey,
  shredDataKey,
  unwrapDataKey,
  wrapDataKey,
  type DataKey,
  type DataKeyOwner,
} from './data-key.ts';

export {
  decryptBoolean,
  decryptBytes,
  decryptDate,
  decryptField,
  decryptJson,
  decryptNumber,
  decryptString,
  encryptField,
  type FieldPlace,
} from './field-cipher.ts';
export {
  createDocumentReader,
  createDocumentWriter,
  DOCUMENT_CHUNK_BYTES,
  DOCUMENT_HEADER_BYTES,
  type DocumentPlace,
  type DocumentReader,
  type DocumentWriter,
} from './document-cipher.ts';
export { MAX_FIELD_BYTES, type FieldKind, type FieldValue, type JsonValue } from './field-value.ts';

export { detailDigest } from './detail-digest.ts';
export { normaliseForIndex } from './normalise.ts';
export { blindIndex, DEFAULT_BLIND_INDEX_BITS, type BlindIndex } from './blind-index.ts';

export { encodeAuditEvent, type AuditEvent, type AuditValue } from './audit-event.ts';
export {
  chainLink,
  consistencyProof,
  GENESIS_LINK,
  leafHash,
  linkHash,
  verifyChain,
  verifyConsistency,
  type ChainEntry,
  type ChainFailure,
  type ChainHead,
  type ChainVerification,
  type VerifyChainOptions,
} from './audit-chain.ts';
export {
  checkpointSignerFromSeed,
  formatVerifierKey,
  generateCheckpointSigner,
  parseVerifierKey,
  signCheckpoint,
  verifyCheckpoint,
  type Checkpoint,
  type CheckpointSigner,
  type CheckpointVerifier,
} from './checkpoint.ts';

import { assertScope, assertUuid, assertVersion } from './checks.ts';
import { lengthPrefixedView, readU32, writeU32 } from './encoding.ts';
import { ALG_XCHACHA20_POLY1305_IETF } from './envelope.ts';
import { assertUsableDataKey, type DataKey } from './data-key.ts';
import { DecryptionError } from './errors.ts';
import type { KeyScope } from './key-scope.ts';
import { getSodium } from './sodium.ts';

// Encrypted documents (SECURITY.md, "Documents"): libsodium's secretstream
// (XChaCha20-Poly1305) over chunks of at most DOCUMENT_CHUNK_BYTES. Each chunk is stored on its
// own (one database row), so the format needs no framing: the store keeps the order (seq) and
// the stream refuses any other order, a missing chunk, an altered chunk, and a document that
// ends before the chunk carrying the FINAL tag.
//
// Stream header (30 bytes, stored with the document):
//   0x01 format | 0x01 algorithm | u32 data key version | secretstream header(24)
// Stream key = BLAKE2b-256(key = case data key,
//                          lp('casework/document/v1', scope, caseId, documentId, version))
// so a chunk or a whole document opens only as the document and version it was written for,
// and destroying the case's data key destroys every document of the case.
// Every chunk is authenticated with the stream header as associated data.

/** Where a document's bytes belong; all of it goes into the stream key. */
export type DocumentPlace = {
  scope: KeyScope;
  caseId: string;
  documentId: string;
  /** The document's content version (a replaced file gets a new one). */
  version: number;
};

/** The largest plaintext chunk a writer takes; a reader refuses longer ciphertexts. */
export const DOCUMENT_CHUNK_BYTES = 64 * 1024;
export const DOCUMENT_HEADER_BYTES = 30;

const FORMAT_V1 = 1;
const DOMAIN = 'casework/document/v1';
const WHAT = 'document';

function checkPlace(place: DocumentPlace): void {
  assertScope(place.scope);
  assertUuid(place.caseId, 'case id');
  assertUuid(place.documentId, 'document id');
  assertVersion(place.version, 'document version');
}

function streamKey(key: DataKey, place: DocumentPlace): Uint8Array {
  const sodium = getSodium();
  const input = lengthPrefixedView([
    DOMAIN,
    place.scope,
    place.caseId,
    place.documentId,
    String(place.version),
  ]);
  return sodium.crypto_generichash(32, input, key.bytes);
}

export interface DocumentWriter {
  /** Store it with the document; the reader needs it. */
  readonly header: Uint8Array<ArrayBuffer>;
  /** Encrypts the next chunk (at most DOCUMENT_CHUNK_BYTES); `final` marks the last one. */
  push(chunk: Uint8Array, final: boolean): Uint8Array<ArrayBuffer>;
}

export function createDocumentWriter(key: DataKey, place: DocumentPlace): DocumentWriter {
  assertUsableDataKey(key);
  checkPlace(place);
  const sodium = getSodium();
  const subkey = streamKey(key, place);
  let state: ReturnType<typeof sodium.crypto_secretstream_xchacha20poly1305_init_push>['state'];
  const header = new Uint8Array(DOCUMENT_HEADER_BYTES);
  try {
    const init = sodium.crypto_secretstream_xchacha20poly1305_init_push(subkey);
    state = init.state;
    header.set(init.header, 6);
  } finally {
    sodium.memzero(subkey);
  }
  header[0] = FORMAT_V1;
  header[1] = ALG_XCHACHA20_POLY1305_IETF;
  writeU32(header, 2, key.version);
  let finished = false;
  return {
    header,
    push(chunk, final) {
      if (finished) throw new Error('the document stream is already finished');
      if (chunk.length > DOCUMENT_CHUNK_BYTES) throw new RangeError('document chunk too long');
      const tag = final
        ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
      finished = final;
      return Uint8Array.from(
        sodium.crypto_secretstream_xchacha20poly1305_push(state, chunk, header, tag),
      );
    },
  };
}

export interface DocumentReader {
  /** Decrypts the next stored chunk; throws DecryptionError if it is not the expected one. */
  pull(ciphertext: Uint8Array): Uint8Array;
  /** At the end of the stored chunks: throws unless the FINAL chunk has been read. */
  finish(): void;
}

export function createDocumentReader(
  key: DataKey,
  place: DocumentPlace,
  header: Uint8Array,
): DocumentReader {
  assertUsableDataKey(key);
  checkPlace(place);
  const sodium = getSodium();
  if (header.length !== DOCUMENT_HEADER_BYTES) {
    throw new DecryptionError('malformed', WHAT, 'header length');
  }
  if (header[0] !== FORMAT_V1 || header[1] !== ALG_XCHACHA20_POLY1305_IETF) {
    throw new DecryptionError('unsupported_format', WHAT, `format ${header[0]}`);
  }
  const version = readU32(header, 2);
  if (version !== key.version) {
    throw new DecryptionError('wrong_key', WHAT, `needs data key v${version}, got v${key.version}`);
  }
  const subkey = streamKey(key, place);
  const head = Uint8Array.from(header);
  let state: ReturnType<typeof sodium.crypto_secretstream_xchacha20poly1305_init_pull>;
  try {
    state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(head.subarray(6), subkey);
  } finally {
    sodium.memzero(subkey);
  }
  let done = false;
  let chunks = 0;
  const abytes = sodium.crypto_secretstream_xchacha20poly1305_ABYTES;
  return {
    pull(ciphertext) {
      if (done) throw new DecryptionError('malformed', WHAT, 'data after the final chunk');
      if (ciphertext.length < abytes || ciphertext.length > DOCUMENT_CHUNK_BYTES + abytes) {
        throw new DecryptionError('malformed', WHAT, `chunk ${chunks + 1} length`);
      }
      // libsodium's wrapper answers false for a chunk that does not authenticate.
      const opened = sodium.crypto_secretstream_xchacha20poly1305_pull(state, ciphertext, head) as
        { message: Uint8Array; tag: number } | false;
      if (!opened) {
        throw new DecryptionError('authentication_failed', WHAT, `chunk ${chunks + 1}`);
      }
      chunks++;
      if (opened.tag === sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL) done = true;
      return opened.message;
    },
    finish() {
      if (!done) {
        throw new DecryptionError('malformed', WHAT, `truncated after ${chunks} chunks`);
      }
    },
  };
}

import { assertKeyBytes } from './checks.ts';
import { concatBytes, equalBytes, readU32, toHex, utf8, writeU32 } from './encoding.ts';
import { randomKeyBytes } from './random.ts';
import { masterKeyId } from './service-keys.ts';
import { getSodium } from './sodium.ts';

// Encrypted backup files (SECURITY.md, "Backups"): libsodium's secretstream
// (XChaCha20-Poly1305), so every message is authenticated, their order is fixed, and the last
// one carries the FINAL tag: a file cut short, reordered or altered does not open.
//
// File format:
//   header (58 bytes): "CWBACKUP" | u8 format = 1 | u8 0 | master key id (8) | salt (16) |
//                      secretstream header (24)
//   frames:            u32 length | secretstream ciphertext (message + 17 bytes), repeated
// Every message is authenticated with the whole file header as associated data. The file key
// is derived from the master key (crypto_kdf, context "cwbackup") and the file's random salt;
// the master key itself is never in the file.

const MAGIC = utf8('CWBACKUP');
const FORMAT_V1 = 1;
const MASTER_ID_BYTES = 8;
const SALT_BYTES = 16;
const HEADER_BYTES = MAGIC.length + 2 + MASTER_ID_BYTES + SALT_BYTES + 24;
const KDF_CONTEXT = 'cwbackup';
const FILE_KEY_DOMAIN = 'casework/backup-file/v1';
/** The largest message a writer produces; a reader refuses longer frames as corrupt. */
export const BACKUP_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export type BackupFileFailure =
  'not_a_backup' | 'unsupported_format' | 'wrong_master_key' | 'corrupted' | 'truncated';

/** One clear line for the operator; names no content, only what is wrong with the file. */
export class BackupFileError extends Error {
  override readonly name = 'BackupFileError';
  readonly reason: BackupFileFailure;

  constructor(reason: BackupFileFailure, detail: string) {
    super(detail);
    this.reason = reason;
  }
}

function masterIdBytes(masterKey: Uint8Array): Uint8Array {
  const hex = masterKeyId(masterKey);
  const bytes = new Uint8Array(MASTER_ID_BYTES);
  for (let i = 0; i < MASTER_ID_BYTES; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

function fileKey(masterKey: Uint8Array, salt: Uint8Array): Uint8Array {
  const sodium = getSodium();
  const backupRoot = sodium.crypto_kdf_derive_from_key(32, 1, KDF_CONTEXT, masterKey);
  try {
    return sodium.crypto_generichash(32, concatBytes([utf8(FILE_KEY_DOMAIN), salt]), backupRoot);
  } finally {
    sodium.memzero(backupRoot);
  }
}

export interface BackupStreamWriter {
  /** The file header; write it first. */
  readonly header: Uint8Array;
  /** Encrypts one message into a frame; `final` marks the last message of the file. */
  push(message: Uint8Array, final: boolean): Uint8Array;
}

export function createBackupWriter(masterKey: Uint8Array): BackupStreamWriter {
  assertKeyBytes(masterKey, 'master key');
  const sodium = getSodium();
  const salt = randomKeyBytes(SALT_BYTES);
  const key = fileKey(masterKey, salt);
  const { state, header: streamHeader } =
    sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  sodium.memzero(key);
  const header = new Uint8Array(HEADER_BYTES);
  header.set(MAGIC, 0);
  header[MAGIC.length] = FORMAT_V1;
  header.set(masterIdBytes(masterKey), MAGIC.length + 2);
  header.set(salt, MAGIC.length + 2 + MASTER_ID_BYTES);
  header.set(streamHeader, MAGIC.length + 2 + MASTER_ID_BYTES + SALT_BYTES);
  let finished = false;
  return {
    header,
    push(message, final) {
      if (finished) throw new Error('the backup stream is already finished');
      if (message.length > BACKUP_MAX_MESSAGE_BYTES)
        throw new RangeError('backup message too long');
      const tag = final
        ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
      const cipher = sodium.crypto_secretstream_xchacha20poly1305_push(state, message, header, tag);
      finished = final;
      const frame = new Uint8Array(4 + cipher.length);
      writeU32(frame, 0, cipher.length);
      frame.set(cipher, 4);
      return frame;
    },
  };
}

/** The master key id a backup file names (16 hex digits), read from its header. */
export function readBackupHeader(header: Uint8Array): { masterKeyId: string } {
  if (header.length < HEADER_BYTES || !equalBytes(header.subarray(0, MAGIC.length), MAGIC)) {
    throw new BackupFileError('not_a_backup', 'this is not a casework backup file');
  }
  if (header[MAGIC.length] !== FORMAT_V1) {
    throw new BackupFileError(
      'unsupported_format',
      `backup file format ${header[MAGIC.length]} is not supported by this version of casework`,
    );
  }
  return {
    masterKeyId: toHex(header.subarray(MAGIC.length + 2, MAGIC.length + 2 + MASTER_ID_BYTES)),
  };
}

export interface BackupStreamReader {
  /** Feeds bytes of the file as they arrive; returns the messages they completed, in order. */
  push(bytes: Uint8Array): Uint8Array[];
  /** At the end of the file: throws unless the FINAL message has been read. */
  finish(): void;
}

/**
 * Decrypts a backup file incrementally. Any frame that does not authenticate, any data after
 * the final message and a file that ends before it throw BackupFileError.
 */
export function createBackupReader(masterKey: Uint8Array): BackupStreamReader {
  assertKeyBytes(masterKey, 'master key');
  const sodium = getSodium();
  let buffered: Uint8Array = new Uint8Array(0);
  let header: Uint8Array | undefined;
  let state: ReturnType<typeof sodium.crypto_secretstream_xchacha20poly1305_init_pull> | undefined;
  let done = false;
  let frames = 0;

  function open(head: Uint8Array): void {
    const { masterKeyId: fileMaster } = readBackupHeader(head);
    if (fileMaster !== masterKeyId(masterKey)) {
      throw new BackupFileError(
        'wrong_master_key',
        `this backup was made under master key ${fileMaster}, not the configured ${masterKeyId(masterKey)}`,
      );
    }
    const salt = head.subarray(
      MAGIC.length + 2 + MASTER_ID_BYTES,
      MAGIC.length + 2 + MASTER_ID_BYTES + SALT_BYTES,
    );
    const key = fileKey(masterKey, salt);
    try {
      state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(
        head.subarray(HEADER_BYTES - 24, HEADER_BYTES),
        key,
      );
    } finally {
      sodium.memzero(key);
    }
    header = head.slice();
  }

  return {
    push(bytes) {
      const out: Uint8Array[] = [];
      buffered = buffered.length === 0 ? bytes : concatBytes([buffered, bytes]);
      let offset = 0;
      if (!header) {
        if (buffered.length < MAGIC.length) return out;
        if (!equalBytes(buffered.subarray(0, MAGIC.length), MAGIC)) readBackupHeader(buffered);
        if (buffered.length < HEADER_BYTES) return out;
        open(buffered.subarray(0, HEADER_BYTES));
        offset = HEADER_BYTES;
      }
      while (buffered.length - offset >= 4) {
        if (done) {
          throw new BackupFileError('corrupted', 'the backup file has data after its end mark');
        }
        const length = readU32(buffered, offset);
        if (
          length < sodium.crypto_secretstream_xchacha20poly1305_ABYTES ||
          length > BACKUP_MAX_MESSAGE_BYTES + sodium.crypto_secretstream_xchacha20poly1305_ABYTES
        ) {
          throw new BackupFileError(
            'corrupted',
            `the backup file is corrupted (frame ${frames + 1})`,
          );
        }
        if (buffered.length - offset - 4 < length) break;
        const cipher = buffered.subarray(offset + 4, offset + 4 + length);
        const opened = sodium.crypto_secretstream_xchacha20poly1305_pull(state!, cipher, header!);
        if (!opened) {
          throw new BackupFileError(
            'corrupted',
            `the backup file is corrupted or was altered (frame ${frames + 1} does not authenticate)`,
          );
        }
        frames++;
        offset += 4 + length;
        out.push(opened.message);
        if (opened.tag === sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL) done = true;
      }
      if (done && buffered.length > offset) {
        throw new BackupFileError('corrupted', 'the backup file has data after its end mark');
      }
      buffered = buffered.slice(offset);
      return out;
    },
    finish() {
      if (!header) {
        if (buffered.length > 0) readBackupHeader(buffered);
        throw new BackupFileError('truncated', 'the backup file is empty or truncated (no header)');
      }
      if (!done || buffered.length > 0) {
        throw new BackupFileError(
          'truncated',
          `the backup file is truncated: it ends after ${frames} frames, before its end mark`,
        );
      }
    },
  };
}

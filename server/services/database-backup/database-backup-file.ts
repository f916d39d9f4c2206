import fs from 'node:fs';
import {
  BackupFileError,
  createBackupReader,
  createBackupWriter,
} from '../../../crypto/database-backup-stream.ts';
import type { TablePart } from '../../repositories/database-backup/database-image.repository.ts';

// The plaintext inside a backup file's encrypted stream: one message per item, a kind byte
// and its payload.
//   META      JSON: format, creation time, applied migrations, the table slices and counts
//   PART      JSON: a table slice (table, service setting, key scope, columns, row count)
//   DATA      COPY text rows of the current slice (many messages per slice)
//   PART_END  JSON: the rows written for the slice
//   END       JSON: totals; the stream's FINAL message
// crypto/database-backup-stream.ts authenticates every message and their order.

const KIND = { meta: 1, part: 2, data: 3, partEnd: 4, end: 5 } as const;
/** DATA messages are filled up to here before they are encrypted and written. */
const DATA_MESSAGE_BYTES = 1024 * 1024;

export interface BackupMeta {
  format: 'casework-backup';
  version: 1;
  createdAt: string;
  migrations: { name: string; checksum: string }[];
  parts: TablePart[];
  rows: number;
}

export type BackupMessage =
  | { kind: 'meta'; meta: BackupMeta }
  | { kind: 'part'; part: TablePart }
  | { kind: 'data'; data: Buffer }
  | { kind: 'partEnd'; rows: number }
  | { kind: 'end'; rows: number };

function encodeJson(kind: number, value: unknown): Uint8Array {
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  const message = Buffer.allocUnsafe(1 + json.length);
  message[0] = kind;
  json.copy(message, 1);
  return message;
}

function decode(message: Uint8Array): BackupMessage {
  const body = Buffer.from(message.buffer, message.byteOffset + 1, message.length - 1);
  const json = () => JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  switch (message[0]) {
    case KIND.meta: {
      const meta = json() as unknown as BackupMeta;
      if (meta.format !== 'casework-backup' || meta.version !== 1) break;
      return { kind: 'meta', meta };
    }
    case KIND.part:
      return { kind: 'part', part: json() as unknown as TablePart };
    case KIND.data:
      return { kind: 'data', data: body };
    case KIND.partEnd:
      return { kind: 'partEnd', rows: Number(json().rows) };
    case KIND.end:
      return { kind: 'end', rows: Number(json().rows) };
  }
  throw new BackupFileError(
    'unsupported_format',
    'the backup file holds content this version of casework does not read',
  );
}

/** Writes a backup file: header, then encrypted messages; removed again if anything fails. */
export async function writeBackupFile(
  file: string,
  masterKey: Uint8Array,
  produce: (out: {
    meta(meta: BackupMeta): Promise<void>;
    part(part: TablePart): Promise<void>;
    data(chunk: Buffer): Promise<void>;
    partEnd(rows: number): Promise<void>;
    end(rows: number): Promise<void>;
  }) => Promise<void>,
): Promise<number> {
  // `wx`: never overwrite a file (an older backup) by accident; 0600: only the operator.
  const handle = await fs.promises.open(file, 'wx', 0o600);
  let bytes = 0;
  try {
    const writer = createBackupWriter(masterKey);
    const write = async (data: Uint8Array) => {
      await handle.write(data);
      bytes += data.length;
    };
    await write(writer.header);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const message = Buffer.concat([Buffer.of(KIND.data), ...pending]);
      pending = [];
      pendingBytes = 0;
      await write(writer.push(message, false));
    };
    const push = async (message: Uint8Array, final = false) => {
      await flush();
      await write(writer.push(message, final));
    };
    await produce({
      meta: (meta) => push(encodeJson(KIND.meta, meta)),
      part: (part) => push(encodeJson(KIND.part, part)),
      async data(chunk) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= DATA_MESSAGE_BYTES) await flush();
      },
      partEnd: (rows) => push(encodeJson(KIND.partEnd, { rows })),
      end: (rows) => push(encodeJson(KIND.end, { rows }), true),
    });
    await handle.sync();
    await handle.close();
    return bytes;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(file, { force: true });
    throw error;
  }
}

/**
 * The messages of a backup file, decrypted as the file is read. The iteration throws
 * BackupFileError when the file is not a backup, was made under another master key, or is
 * corrupted or truncated (only after its last message: use the content only once the
 * iteration has ended, or inside a transaction that an error rolls back).
 */
export async function* readBackupFile(
  file: string,
  masterKey: Uint8Array,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<BackupMessage> {
  const reader = createBackupReader(masterKey);
  const stream = fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
  let first = true;
  let ended = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    onBytes?.(chunk.length);
    for (const raw of reader.push(chunk)) {
      const message = decode(raw);
      if (first !== (message.kind === 'meta') || ended) {
        throw new BackupFileError(
          'corrupted',
          'the backup file is corrupted (messages out of order)',
        );
      }
      first = false;
      if (message.kind === 'end') ended = true;
      yield message;
    }
  }
  reader.finish();
  if (!ended) throw new BackupFileError('truncated', 'the backup file is truncated');
}

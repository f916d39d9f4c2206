import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BackupFileError,
  createBackupReader,
  createBackupWriter,
  readBackupHeader,
} from '../../../crypto/database-backup-stream.ts';
import { initCrypto, masterKeyId } from '../../../crypto/index.ts';

await initCrypto();

const MASTER = new Uint8Array(32).fill(3);
const OTHER = new Uint8Array(32).fill(4);
const HEADER_BYTES = 58;

function write(messages: Uint8Array[], masterKey = MASTER): { file: Uint8Array; frames: number[] } {
  const writer = createBackupWriter(masterKey);
  const parts: Uint8Array[] = [writer.header];
  const frames: number[] = [];
  let offset = writer.header.length;
  messages.forEach((message, i) => {
    const frame = writer.push(message, i === messages.length - 1);
    parts.push(frame);
    offset += frame.length;
    frames.push(offset);
  });
  return { file: Buffer.concat(parts), frames };
}

/** Reads in chunks of the given sizes (cycled), as a file stream delivers them. */
function read(file: Uint8Array, chunkSizes: number[] = [65536], masterKey = MASTER): Uint8Array[] {
  const reader = createBackupReader(masterKey);
  const out: Uint8Array[] = [];
  let offset = 0;
  for (let i = 0; offset < file.length; i++) {
    const size = Math.max(1, chunkSizes[i % chunkSizes.length]!);
    out.push(...reader.push(file.subarray(offset, offset + size)));
    offset += size;
  }
  reader.finish();
  return out;
}

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BackupFileError);
    expect((error as Error).message).not.toContain('\n');
    return (error as BackupFileError).reason;
  }
  throw new Error('expected a BackupFileError');
};

const messages = [
  new TextEncoder().encode('{"kind":"meta"}'),
  new Uint8Array(100_000).fill(7),
  new Uint8Array(0),
  new TextEncoder().encode('end'),
];

describe('backup stream', () => {
  it('gives back every message in order, however the file is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 5 }),
        (input, chunks) => {
          const { file } = write(input);
          expect(read(file, chunks).map((m) => Buffer.from(m))).toEqual(
            input.map((m) => Buffer.from(m)),
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('names the master key in the header but holds neither it nor the plaintext', () => {
    const { file } = write(messages);
    expect(readBackupHeader(file).masterKeyId).toBe(masterKeyId(MASTER));
    expect(Buffer.from(file).includes(Buffer.from(MASTER))).toBe(false);
    expect(Buffer.from(file).includes(Buffer.from('{"kind":"meta"}'))).toBe(false);
    // A fresh salt and stream header per file: two backups of the same data differ.
    expect(Buffer.from(write(messages).file).equals(Buffer.from(file))).toBe(false);
  });

  it('refuses any single flipped bit, in the header or in any frame', () => {
    const { file } = write([messages[0]!, new Uint8Array(300).fill(1), messages[3]!]);
    for (let byte = 0; byte < file.length; byte++) {
      const broken = Uint8Array.from(file);
      broken[byte]! ^= 0x10;
      const reason = failure(() => read(broken));
      expect([
        'corrupted',
        'not_a_backup',
        'unsupported_format',
        'wrong_master_key',
        'truncated',
      ]).toContain(reason);
    }
  });

  it('refuses a file cut anywhere before its end, frame boundaries included', () => {
    const { file, frames } = write(messages);
    const cuts = [0, 5, HEADER_BYTES - 1, HEADER_BYTES, ...frames.slice(0, -1), file.length - 1];
    for (const cut of cuts) {
      expect(failure(() => read(file.subarray(0, cut)))).toMatch(/truncated|not_a_backup/);
    }
  });

  it('refuses dropped, reordered and appended frames', () => {
    const { file, frames } = write(messages);
    const starts = [HEADER_BYTES, ...frames.slice(0, -1)];
    const frame = (i: number) => file.subarray(starts[i]!, frames[i]!);
    const header = file.subarray(0, HEADER_BYTES);
    const dropped = Buffer.concat([header, frame(0), frame(2), frame(3)]);
    const swapped = Buffer.concat([header, frame(1), frame(0), frame(2), frame(3)]);
    expect(failure(() => read(dropped))).toBe('corrupted');
    expect(failure(() => read(swapped))).toBe('corrupted');
    expect(failure(() => read(Buffer.concat([file, frame(3)])))).toBe('corrupted');
    expect(failure(() => read(Buffer.concat([file, Buffer.from([0])])))).toMatch(
      /corrupted|truncated/,
    );
    // A frame from another file made under the same master key does not fit either.
    const other = write(messages);
    expect(
      failure(() =>
        read(
          Buffer.concat([
            header,
            other.file.subarray(HEADER_BYTES, other.frames[0]!),
            frame(1),
            frame(2),
            frame(3),
          ]),
        ),
      ),
    ).toBe('corrupted');
  });

  it('says when the file was made under another master key', () => {
    const { file } = write(messages);
    expect(() => read(file, [65536], OTHER)).toThrow(
      `this backup was made under master key ${masterKeyId(MASTER)}, not the configured ${masterKeyId(OTHER)}`,
    );
  });
});

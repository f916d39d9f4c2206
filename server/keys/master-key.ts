import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../config/load-config.ts';
import type { MasterKeySource } from '../config/config.schema.ts';

export const MASTER_KEY_BYTES = 32;

/**
 * Reads the master key (SECURITY.md, key hierarchy). The embedded default creates one on
 * first start; a key file that others could read is refused, as ssh refuses such a key.
 */
export async function loadMasterKey(
  source: MasterKeySource,
  log: (message: string) => void,
): Promise<Uint8Array> {
  if (source.kind === 'environment') {
    return decode(source.base64, 'CASEWORK_MASTER_KEY');
  }
  const setting = source.createIfMissing ? 'the master key file' : 'CASEWORK_MASTER_KEY_FILE';
  let content: string;
  try {
    const stat = await fs.stat(source.path);
    if ((stat.mode & 0o077) !== 0) {
      throw new ConfigError(
        `${setting} ${source.path} is readable by others (mode ${(stat.mode & 0o777).toString(8)}): chmod 600 it`,
      );
    }
    content = await fs.readFile(source.path, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && source.createIfMissing) return createKeyFile(source.path, log);
    throw new ConfigError(`${setting} ${source.path} cannot be read (${code ?? 'error'})`);
  }
  return decode(content.trim(), `${setting} ${source.path}`);
}

function decode(base64: string, what: string): Uint8Array {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== MASTER_KEY_BYTES || key.toString('base64') !== base64) {
    throw new ConfigError(`${what} must hold ${MASTER_KEY_BYTES} bytes in base64`);
  }
  return new Uint8Array(key);
}

async function createKeyFile(file: string, log: (message: string) => void): Promise<Uint8Array> {
  const key = randomBytes(MASTER_KEY_BYTES);
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await fs.writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  log(
    `created a new master key at ${file}: without it the data cannot be decrypted — back it up now (SECURITY.md)`,
  );
  return new Uint8Array(key);
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCrypto } from '../../../../crypto/index.ts';
import { loadOrCreateSigner } from '../../../../server/audit/signing-key.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-signing-key-'));
const keyFile = path.join(scratch, 'audit-signing.key');

beforeAll(async () => {
  await initCrypto();
  await loadOrCreateSigner(keyFile, () => {});
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('the audit signing key file', () => {
  it('is created 0600 and read back while it stays private', async () => {
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const signer = await loadOrCreateSigner(keyFile, () => {});
    expect(signer.privateKey.length).toBeGreaterThan(0);
  });

  it.each([0o640, 0o604, 0o644])('is refused when its mode is %o', async (mode) => {
    fs.chmodSync(keyFile, mode);
    try {
      await expect(loadOrCreateSigner(keyFile, () => {})).rejects.toThrow(
        `the audit signing key ${keyFile} is readable by others (mode ${mode.toString(8)}): chmod 600 it`,
      );
    } finally {
      fs.chmodSync(keyFile, 0o600);
    }
  });
});

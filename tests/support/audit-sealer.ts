import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  formatVerifierKey,
  generateCheckpointSigner,
  initCrypto,
  type CheckpointSigner,
} from '../../crypto/index.ts';
import { sealCheckpoint } from '../../server/audit/sealer.ts';
import { SIGNER_NAME } from '../../server/audit/signing-key.ts';
import type { Clock } from '../../server/clock.ts';
import { closeDatabase, createDatabase } from '../../server/database/prisma-client.ts';
import { createSealerStores } from '../../server/container.ts';

/** The sealer's work in-process, with a key of its own, and the public key file the app reads. */
export async function testSealer(databaseUrl: string, clock: Clock) {
  await initCrypto();
  const signer: CheckpointSigner = generateCheckpointSigner(SIGNER_NAME);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-sealer-'));
  const publicKeyFile = path.join(dir, 'audit-signing.key.pub');
  fs.writeFileSync(publicKeyFile, `${formatVerifierKey(signer)}\n`);
  const db = createDatabase({ url: databaseUrl, poolMax: 2 });
  const deps = {
    ...createSealerStores(db, clock),
    signer,
    clock,
  };
  return {
    signer,
    publicKeyFile,
    seal: () => sealCheckpoint(deps),
    close: async () => {
      await closeDatabase(db);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

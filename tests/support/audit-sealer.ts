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
import { createAuditRepository } from '../../server/repositories/audit.repository.ts';
import { createCheckpointRepository } from '../../server/repositories/checkpoint.repository.ts';

/** The sealer's work in-process, with a key of its own, and the public key file the app reads. */
export async function testSealer(databaseUrl: string, clock: Clock) {
  await initCrypto();
  const signer: CheckpointSigner = generateCheckpointSigner(SIGNER_NAME);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-sealer-'));
  const publicKeyFile = path.join(dir, 'audit-signing.key.pub');
  fs.writeFileSync(publicKeyFile, `${formatVerifierKey(signer)}\n`);
  const db = createDatabase({ url: databaseUrl, poolMax: 2 });
  const deps = {
    audits: createAuditRepository(db, clock),
    checkpoints: createCheckpointRepository(db),
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

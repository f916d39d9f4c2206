// Field encryption speed, side by side in one process: casework (XChaCha20-Poly1305 via
// libsodium-wrappers), Node's native AES-256-GCM, and @47ng/cloak (AES-256-GCM, strings).
// Every measurement is an encrypt followed by a decrypt of the same value. Rounds interleave the
// contenders (order rotating) so drift in CPU speed hits all of them alike; the median is shown.
// Run: npx tsx tests/bench/crypto.bench.ts

import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import {
  decryptString as cloakDecrypt,
  encryptString as cloakEncrypt,
  generateKey,
  parseKey,
} from '@47ng/cloak';
import sodium from 'libsodium-wrappers';
import {
  blindIndex,
  decryptString,
  deriveServiceSubkeys,
  encryptField,
  generateCheckpointSigner,
  generateDataKey,
  generateServiceRootKey,
  initCrypto,
  signCheckpoint,
  verifyCheckpoint,
  type FieldPlace,
} from '../../crypto/index.ts';

const ROUNDS = 12;
const WARM_UP_ROUNDS = 2;

type Contender = { name: string; run: (iterations: number) => Promise<void> | void };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function compare(contenders: Contender[], iterations: number): Promise<Map<string, number>> {
  const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[(round + i) % contenders.length]!;
      const started = process.hrtime.bigint();
      await contender.run(iterations);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (round >= WARM_UP_ROUNDS) rates.get(contender.name)!.push(iterations / seconds);
    }
  }
  return new Map([...rates].map(([name, values]) => [name, median(values)]));
}

function format(rate: number): string {
  return `${Math.round(rate).toLocaleString('en-US')} ops/s`.padStart(16);
}

await initCrypto();

const place: FieldPlace = {
  scope: 'backup',
  table: 'cases',
  column: 'client_name',
  recordId: randomUUID(),
};
const dataKey = generateDataKey();
const aesKey = randomBytes(32);
const aad = Buffer.from(
  `casework/field/v1|${place.scope}|${place.table}|${place.column}|${place.recordId}`,
);
const cloakKey = await parseKey(generateKey());

const values = {
  small: 'Beratungsnotiz: Termin am Amtsgericht 12', // 40 bytes
  large: 'Verlaufsdokumentation '.repeat(187).slice(0, 4096), // 4 KiB
};
if (Buffer.byteLength(values.small) !== 40 || Buffer.byteLength(values.large) !== 4096) {
  throw new Error('the benchmark values must be 40 bytes and 4 KiB');
}

function contenders(value: string): Contender[] {
  return [
    {
      name: 'casework XChaCha20-Poly1305',
      run(iterations) {
        for (let i = 0; i < iterations; i++) {
          const blob = encryptField(dataKey, place, value);
          if (decryptString(dataKey, place, blob) !== value) throw new Error('round trip');
        }
      },
    },
    {
      name: 'node AES-256-GCM',
      run(iterations) {
        for (let i = 0; i < iterations; i++) {
          const iv = randomBytes(12);
          const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
          cipher.setAAD(aad);
          const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
          const tag = cipher.getAuthTag();
          const decipher = createDecipheriv('aes-256-gcm', aesKey, iv);
          decipher.setAAD(aad);
          decipher.setAuthTag(tag);
          const opened = decipher.update(sealed, undefined, 'utf8') + decipher.final('utf8');
          if (opened !== value) throw new Error('round trip');
        }
      },
    },
    {
      name: '@47ng/cloak',
      async run(iterations) {
        for (let i = 0; i < iterations; i++) {
          const sealed = await cloakEncrypt(value, cloakKey);
          if ((await cloakDecrypt(sealed, cloakKey)) !== value) throw new Error('round trip');
        }
      },
    },
  ];
}

const versions = `node ${process.version}, libsodium ${sodium.sodium_version_string()}`;
console.log(`casework crypto benchmark — ${versions}`);
console.log(`${ROUNDS} interleaved rounds after ${WARM_UP_ROUNDS} warm-up rounds, median shown\n`);

const small = await compare(contenders(values.small), 20_000);
const large = await compare(contenders(values.large), 4_000);
for (const [label, rates] of [
  ['40 B', small],
  ['4 KiB', large],
] as const) {
  console.log(`field encrypt+decrypt, ${label}:`);
  for (const [name, rate] of rates) console.log(`  ${name.padEnd(30)}${format(rate)}`);
}

const subkeys = deriveServiceSubkeys(generateServiceRootKey(), { scope: 'backup', version: 1 });
const indexKey = subkeys.blindIndexKey('client_name');
const signer = generateCheckpointSigner('casework-audit');
const checkpoint = { origin: 'casework.invalid/audit', size: 123_456, head: randomBytes(32) };
const note = signCheckpoint(signer, checkpoint);
const message = randomBytes(64);
const signature = sodium.crypto_sign_detached(message, signer.privateKey);
const others = await compare(
  [
    {
      name: 'blind index (16 bits)',
      run(iterations) {
        for (let i = 0; i < iterations; i++) blindIndex(indexKey, 'Müller-Lüdenscheidt', 16);
      },
    },
    {
      name: 'Ed25519 sign (64 B)',
      run(iterations) {
        for (let i = 0; i < iterations; i++)
          sodium.crypto_sign_detached(message, signer.privateKey);
      },
    },
    {
      name: 'Ed25519 verify (64 B)',
      run(iterations) {
        for (let i = 0; i < iterations; i++) {
          sodium.crypto_sign_verify_detached(signature, message, signer.publicKey);
        }
      },
    },
    {
      name: 'Ed25519 checkpoint sign',
      run(iterations) {
        for (let i = 0; i < iterations; i++) signCheckpoint(signer, checkpoint);
      },
    },
    {
      name: 'Ed25519 checkpoint verify',
      run(iterations) {
        for (let i = 0; i < iterations; i++) verifyCheckpoint(note, signer);
      },
    },
  ],
  2_000,
);
console.log('other operations:');
for (const [name, rate] of others) console.log(`  ${name.padEnd(30)}${format(rate)}`);
subkeys.destroy();

const ours = 'casework XChaCha20-Poly1305';
const ratio = (rates: Map<string, number>, other: string): string =>
  (rates.get(ours)! / rates.get(other)!).toFixed(2);
console.log('');
console.log(`ratio_vs_cloak_small=${ratio(small, '@47ng/cloak')}`);
console.log(`ratio_vs_cloak_4k=${ratio(large, '@47ng/cloak')}`);
console.log(`ratio_vs_native_small=${ratio(small, 'node AES-256-GCM')}`);

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import {
  chainLink,
  formatVerifierKey,
  generateCheckpointSigner,
  GENESIS_LINK,
  initCrypto,
  signCheckpoint,
} from '../../crypto/index.ts';
import { ACCESS_LOG_ORIGIN, verifyAccessLog } from '../../server/audit/access-log-verifier.ts';
import { chainedContent, type AuditRow } from '../../server/audit/audit-event-record.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { closeDatabase, createDatabase } from '../../server/database/prisma-client.ts';
import { systemClock } from '../../server/clock.ts';
import { createSealerStores } from '../../server/container.ts';

/**
 * Fills the access log of `database` with `count` chained events (bulk, as the owner) and a
 * signed checkpoint every 100,000, then measures a full verification from the database.
 */
export async function measureVerification(
  urls: { ownerUrl: string; appUrl: string },
  count: number,
) {
  await initCrypto();
  const signer = generateCheckpointSigner('casework-access-log');
  let previous = GENESIS_LINK;
  const fillStarted = performance.now();
  const batch = 5_000;
  await withClient(urls.ownerUrl, async (client) => {
    for (let start = 0; start < count; start += batch) {
      const rows: AuditRow[] = [];
      for (let seq = start + 1; seq <= Math.min(start + batch, count); seq += 1) {
        const row: Omit<AuditRow, 'link'> = {
          id: randomUUID(),
          seq: BigInt(seq),
          at: new Date(Date.UTC(2026, 0, 1) + seq * 1000),
          actorId: randomUUID(),
          actorRole: 'counsellor',
          actorService: seq % 2 ? 'backup' : 'comeback',
          action: 'case.view',
          outcome: 'allowed',
          targetType: 'case',
          targetId: randomUUID(),
          caseNumber: `BU-2026-${String(seq % 10_000).padStart(4, '0')}`,
          reason: null,
          detailDigest: null,
          clientAddress: '192.0.2.0',
          requestId: randomUUID(),
        };
        previous = chainLink(previous, chainedContent(row));
        rows.push({ ...row, link: previous });
        if (seq % 100_000 === 0 || seq === count) {
          const note = signCheckpoint(signer, {
            origin: ACCESS_LOG_ORIGIN,
            size: seq,
            head: previous,
          });
          await client.query(
            'INSERT INTO audit_checkpoints (size, note, created_at) VALUES ($1, $2, now())',
            [seq, note],
          );
        }
      }
      await client.query(
        `INSERT INTO audit_events (id, seq, at, actor_id, actor_role, actor_service, action, outcome, target_type, target_id, case_number, client_address, request_id, link)
         SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bytea[])`,
        [
          rows.map((r) => r.id),
          rows.map((r) => r.seq.toString()),
          rows.map((r) => r.at),
          rows.map((r) => r.actorId),
          rows.map((r) => r.actorRole),
          rows.map((r) => r.actorService),
          rows.map((r) => r.action),
          rows.map((r) => r.outcome),
          rows.map((r) => r.targetType),
          rows.map((r) => r.targetId),
          rows.map((r) => r.caseNumber),
          rows.map((r) => r.clientAddress),
          rows.map((r) => r.requestId),
          rows.map((r) => Buffer.from(r.link)),
        ],
      );
    }
  });
  const fillSeconds = (performance.now() - fillStarted) / 1000;

  const db = createDatabase({ url: urls.appUrl, poolMax: 2 });
  const { audits, checkpoints } = createSealerStores(db, systemClock);
  const profile = await startProfile();
  const started = performance.now();
  const report = await verifyAccessLog(
    { batches: audits.stream(), checkpoints: await checkpoints.all() },
    signer,
  );
  const verifySeconds = (performance.now() - started) / 1000;
  await profile.stop();
  // The same verifier fed page by page through the Prisma client, as it was read before the
  // stream: the ratio of the two is comparable across runs on a loaded machine.
  const pagedStarted = performance.now();
  const paged = await verifyAccessLog(
    { batches: pagesOf(audits.range), checkpoints: await checkpoints.all() },
    signer,
  );
  const pagedSeconds = (performance.now() - pagedStarted) / 1000;
  // The first read after the bulk fill also sets every row's hint bits; read once more, after
  // the paged pass, the stream is compared on a warm table too.
  const warmStarted = performance.now();
  const warm = await verifyAccessLog(
    { batches: audits.stream(), checkpoints: await checkpoints.all() },
    signer,
  );
  const warmSeconds = (performance.now() - warmStarted) / 1000;
  await closeDatabase(db);
  for (const result of [report, paged, warm]) {
    if (!result.ok) throw new Error(`the benchmark's own log did not verify: ${result.reason}`);
  }
  console.log(`verify_seconds_paged_prisma_${count}=${pagedSeconds.toFixed(2)}`);
  console.log(`verify_seconds_streamed_again_${count}=${warmSeconds.toFixed(2)}`);
  console.log(`verify_streamed_again_vs_paged=${(warmSeconds / pagedSeconds).toFixed(2)}`);
  return { count, fillSeconds, verifySeconds, pagedSeconds, publicKey: formatVerifierKey(signer) };
}

async function* pagesOf(range: (afterSeq: bigint, limit: number) => Promise<AuditRow[]>) {
  for (let after = 0n; ;) {
    const rows = await range(after, 10_000);
    if (rows.length > 0) yield rows;
    if (rows.length < 10_000) return;
    after = rows.at(-1)!.seq;
  }
}

/**
 * With BENCH_CPU_PROFILE=<file>, a CPU profile of the verification alone (not of the fill),
 * for Chrome DevTools or any .cpuprofile reader.
 */
async function startProfile(): Promise<{ stop(): Promise<void> }> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file) return { stop: async () => {} };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      fs.writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/**
 * `npm run bench:documents`: uploads one file of BENCH_DOCUMENT_MB (default 100) MiB to a case
 * over real HTTP (multipart, streamed from a generator, never whole in memory), downloads it
 * again, and prints MB/s both ways and the peak growth of the process's resident memory over
 * its level before the upload. Server and client run in this one process, so the figure is an
 * upper bound for the server. Never part of `npm test`.
 *
 *   BENCH_DOCUMENT_MB=100 npm run bench:documents
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config/load-config.ts';
import type { RequestContext } from '../../server/services/actor.ts';
import { startBenchDatabase } from './support/bench-database.ts';

const MB = Number(process.env.BENCH_DOCUMENT_MB ?? 100);
const BLOCK = 1024 * 1024;
const SYSTEM: RequestContext = { actor: null, clientAddress: null, requestId: 'bench:documents' };
const log = (message: string) => console.log(`[bench:documents] ${message}`);
const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const rssMb = () => process.memoryUsage().rss / (1024 * 1024);

/** Samples the resident set size until stopped; answers the peak in MiB. */
function watchMemory() {
  let peak = rssMb();
  const timer = setInterval(() => (peak = Math.max(peak, rssMb())), 10);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssMb());
  };
}

/** One MiB block per step: a PDF header first, then bytes that differ from block to block. */
function* fileBlocks(): Generator<Buffer> {
  for (let i = 0; i < MB; i++) {
    const block = Buffer.alloc(BLOCK, i & 0xff);
    block.writeUInt32BE(i, 64);
    if (i === 0) block.write('%PDF-1.7\n', 0, 'latin1');
    yield block;
  }
}

const bench = await startBenchDatabase('bench-documents');
try {
  const config = loadConfig({
    CASEWORK_MASTER_KEY: bench.masterKey.toString('base64'),
    CASEWORK_TOTP: 'optional',
    CASEWORK_LOG_LEVEL: 'warn',
    CASEWORK_DATA_DIR: bench.scratch,
    CASEWORK_DOCUMENT_MAX_MB: String(Math.max(100, MB)),
    DATABASE_URL: bench.appUrl,
  });
  const app = await buildApp(config);
  await app.ready();
  const password = 'Leuchtturm Nebelhorn Sanddorn Strandkorb';
  await app.services.accounts.create(SYSTEM, {
    username: 'bench-documents',
    role: 'counsellor',
    service: 'backup',
    password,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench-documents', password }),
  });
  if (!login.ok) throw new Error(`sign-in failed: ${login.status}`);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('casework_session='))!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const headers = { cookie: cookie.split(';')[0]!, 'x-csrf-token': csrfToken };
  const created = await fetch(`${base}/api/cases`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ person: { pseudonym: 'Kranich Bench' } }),
  });
  const { id: caseId } = (await created.json()) as { id: string };

  const boundary = '----caseworkbench';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBench\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.pdf"\r\n` +
      `Content-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const expected = createHash('sha256');

  global.gc?.();
  const baseline = rssMb();
  let stop = watchMemory();
  let started = process.hrtime.bigint();
  const uploaded = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(
      `${base}/api/cases/${caseId}/documents`,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + MB * BLOCK + tail.length),
        },
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    const blocks = fileBlocks();
    const pump = () => {
      for (;;) {
        const next = blocks.next();
        if (next.done) {
          request.end(tail);
          return;
        }
        expected.update(next.value);
        if (!request.write(next.value)) {
          request.once('drain', pump);
          return;
        }
      }
    };
    request.write(head);
    pump();
  });
  const uploadSeconds = seconds(started);
  const uploadPeak = stop();
  if (uploaded.status !== 201) throw new Error(`upload: ${uploaded.status} ${uploaded.body}`);
  const document = JSON.parse(uploaded.body) as { id: string; sha256: string };
  const sha = expected.digest('hex');
  if (document.sha256 !== sha) throw new Error('upload: SHA-256 differs');

  global.gc?.();
  const downloadBaseline = rssMb();
  stop = watchMemory();
  started = process.hrtime.bigint();
  const response = await fetch(`${base}/api/cases/${caseId}/documents/${document.id}/content`, {
    headers,
  });
  const got = createHash('sha256');
  let bytes = 0;
  for await (const chunk of response.body!) {
    got.update(chunk);
    bytes += chunk.length;
  }
  const downloadSeconds = seconds(started);
  const downloadPeak = stop();
  if (got.digest('hex') !== sha || bytes !== MB * BLOCK) throw new Error('download differs');

  log(`file: ${MB} MiB, SHA-256 equal after upload and download`);
  log(
    `upload: ${uploadSeconds.toFixed(1)} s, ${(MB / uploadSeconds).toFixed(1)} MiB/s, ` +
      `peak RSS +${(uploadPeak - baseline).toFixed(1)} MiB over ${baseline.toFixed(0)} MiB`,
  );
  log(
    `download: ${downloadSeconds.toFixed(1)} s, ${(MB / downloadSeconds).toFixed(1)} MiB/s, ` +
      `peak RSS +${(downloadPeak - downloadBaseline).toFixed(1)} MiB over ${downloadBaseline.toFixed(0)} MiB`,
  );
  await app.close();
} finally {
  await bench.stop();
}

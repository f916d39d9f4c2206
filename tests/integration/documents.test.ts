import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRotation } from '../../server/container.ts';
import { serviceLoginUrl } from '../../server/database/database-roles.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { systemClock } from '../../server/clock.ts';
import { closeDatabase, createDatabase } from '../../server/database/prisma-client.ts';
import type { RequestContext } from '../../server/services/actor.ts';
import {
  auditEvents,
  expectStatus,
  newCase,
  newCounsellor,
  newStaff,
  withReason,
  type Staff,
} from '../support/case-work.ts';
import { KeyShreddedError } from '../../crypto/index.ts';
import {
  decryptStoredDocument,
  fakePdf,
  sha256,
  storedDocument,
  uploadForm,
} from '../support/documents.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** testConfig's master key (tests/support/test-config.ts). */
const MASTER_KEY = new Uint8Array(32).fill(7);
const MAX_FILE = 512 * 1024;
const MAX_CASE = 1024 * 1024;
const MARKER = 'ZEUGENAUSSAGE-7Q4X-MARKER';
const TITLE_MARKER = 'Strafanzeige-Titel-9K2P';

let t: TestApp;
let anna: Staff; // BackUp, assigned
let bert: Staff; // BackUp colleague
let cleo: Staff; // ComeBack
let lead: Staff; // BackUp team lead
let caseRef: { id: string; caseNumber: string };

const upload = (
  who: Staff,
  caseId: string,
  bytes: Uint8Array,
  fields: Record<string, string> = {},
  file: { name?: string; type?: string } = {},
) => {
  const form = uploadForm(
    { title: TITLE_MARKER, kind: 'police_report', documentDate: '2026-11-02', ...fields },
    { bytes, ...file },
  );
  return who.http('POST', `/api/cases/${caseId}/documents`, form.payload, form.headers);
};
const documentRows = () =>
  withClient(t.database.superuserUrl, async (client) => {
    const docs = await client.query('SELECT count(*)::int AS n FROM documents');
    const chunks = await client.query('SELECT count(*)::int AS n FROM document_chunks');
    return { documents: docs.rows[0].n as number, chunks: chunks.rows[0].n as number };
  });

beforeAll(async () => {
  t = await startTestApp((config) => ({
    ...config,
    documents: { maxFileBytes: MAX_FILE, maxCaseBytes: MAX_CASE },
  }));
  anna = await newCounsellor(t, 'backup');
  bert = await newCounsellor(t, 'backup');
  cleo = await newCounsellor(t, 'comeback');
  lead = await newStaff(t, 'team_lead', 'backup');
  caseRef = await newCase(anna);
});
afterAll(() => t.close());

describe('documents of a case', () => {
  const original = fakePdf(300 * 1024 + 17, MARKER);
  let documentId: string;

  it('uploads, lists and downloads a file byte for byte (SHA-256 equal), each an access-log event', async () => {
    const view = expectStatus(await upload(anna, caseRef.id, original), 201);
    documentId = view.id;
    expect(view).toMatchObject({
      title: TITLE_MARKER,
      kind: 'police_report',
      documentDate: '2026-11-02',
      sizeBytes: original.length,
      mimeType: 'application/pdf',
      sha256: sha256(original),
      uploadedBy: { id: anna.user.id },
    });
    const list = expectStatus(await anna.http('GET', `/api/cases/${caseRef.id}/documents`), 200);
    expect(list.documents).toEqual([view]);

    const download = await anna.http(
      'GET',
      `/api/cases/${caseRef.id}/documents/${documentId}/content`,
    );
    expect(download.statusCode).toBe(200);
    expect(sha256(download.rawPayload)).toBe(sha256(original));
    expect(download.headers).toMatchObject({
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="document-${documentId}.pdf"`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
    });

    for (const action of ['document.upload', 'document.list', 'document.download']) {
      const events = await auditEvents(t, { action, actorId: anna.user.id });
      expect(events.at(-1), action).toMatchObject({
        outcome: 'allowed',
        targetId: caseRef.id,
        caseNumber: caseRef.caseNumber,
      });
    }
  });

  it('stores no plaintext byte sequence of the file or its title anywhere in the database', async () => {
    const found = await withClient(t.database.superuserUrl, async (client) => {
      const columns = await client.query(
        `SELECT table_name, column_name, data_type FROM information_schema.columns
          WHERE table_schema = 'public' AND data_type IN ('bytea', 'text', 'character varying', 'jsonb')`,
      );
      const hits: string[] = [];
      const needles = [MARKER, TITLE_MARKER, sha256(original)].flatMap((needle) => [
        Buffer.from(needle),
        Buffer.from(needle.slice(3, 19)),
      ]);
      for (const { table_name: table, column_name: column } of columns.rows) {
        const rows = await client
          .query(`SELECT "${column}"::bytea AS v FROM "${table}" WHERE "${column}" IS NOT NULL`)
          .catch(() =>
            client.query(`SELECT convert_to("${column}"::text, 'UTF8') AS v FROM "${table}"`),
          );
        for (const row of rows.rows) {
          const value = row.v as Buffer | null;
          if (value && needles.some((needle) => value.includes(needle))) {
            hits.push(`${table}.${column}`);
          }
        }
      }
      const chunks = await client.query('SELECT count(*)::int AS n FROM document_chunks');
      return { hits, chunks: chunks.rows[0].n as number };
    });
    expect(found.chunks).toBe(5);
    expect(found.hits).toEqual([]);
  });

  it('answers another service exactly like a missing case', async () => {
    const missing = randomUUID();
    for (const [url, missingUrl] of [
      [`/api/cases/${caseRef.id}/documents`, `/api/cases/${missing}/documents`],
      [
        `/api/cases/${caseRef.id}/documents/${documentId}/content`,
        `/api/cases/${missing}/documents/${documentId}/content`,
      ],
    ] as const) {
      const theirs = await cleo.http('GET', url);
      expect(theirs.statusCode, url).toBe(404);
      expect(theirs.json()).toEqual((await cleo.http('GET', missingUrl)).json());
    }
    const before = await documentRows();
    const refused = await upload(cleo, caseRef.id, original);
    expect(refused.statusCode).toBe(404);
    expect(refused.json()).toEqual((await upload(cleo, missing, original)).json());
    expect(await documentRows()).toEqual(before);
  });

  it('refuses a colleague without an access reason, and lets one with a reason in, marked', async () => {
    const before = await documentRows();
    for (const response of [
      await bert.http('GET', `/api/cases/${caseRef.id}/documents`),
      await bert.http('GET', `/api/cases/${caseRef.id}/documents/${documentId}/content`),
      await upload(bert, caseRef.id, original),
    ]) {
      expect(expectStatus(response, 403).error).toBe('access_reason_required');
    }
    expect(await documentRows()).toEqual(before);
    const denied = await auditEvents(t, { action: 'document.download', actorId: bert.user.id });
    expect(denied.at(-1)).toMatchObject({ outcome: 'denied', reason: 'access_reason_required' });

    const download = await withReason(bert, 'Vertretung während des Urlaubs der Kollegin').http(
      'GET',
      `/api/cases/${caseRef.id}/documents/${documentId}/content`,
    );
    expect(sha256(download.rawPayload)).toBe(sha256(original));
    const allowed = await auditEvents(t, { action: 'document.download', actorId: bert.user.id });
    expect(allowed.at(-1)).toMatchObject({ outcome: 'allowed', reason: 'unassigned' });
  });

  it('refuses hostile files by their content, whatever they are called, and keeps nothing', async () => {
    const before = await documentRows();
    const hostile: [string, string][] = [
      ['<!DOCTYPE html><html><script>alert(document.cookie)</script></html>', 'html'],
      ['<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'svg'],
      ['  <svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'svg'],
      ['Hallo\n<script>fetch("/api/cases")</script>', 'text with a script'],
    ];
    const exe = Buffer.alloc(4096);
    exe.write('MZ', 0, 'latin1');
    exe.writeUInt32LE(0x80, 0x3c);
    exe.write('PE\0\0', 0x80, 'latin1');
    const files: [Buffer, string][] = [
      ...hostile.map(([text, what]) => [Buffer.from(text), what] as [Buffer, string]),
      [exe, 'exe'],
      [Buffer.from('PK\u0003\u0004 not really a zip'), 'zip'],
      [Buffer.alloc(0), 'empty'],
    ];
    for (const [bytes, what] of files) {
      const response = await upload(anna, caseRef.id, bytes, {}, { name: 'anzeige.pdf' });
      expect(expectStatus(response, 415).error, what).toBe('document_type_refused');
    }
    expect(await documentRows()).toEqual(before);
  });

  it('takes plain text, PNG and JPEG by their content', async () => {
    const png = Buffer.concat([
      Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
      Buffer.alloc(64, 1),
    ]);
    const jpeg = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(64, 2)]);
    const text = Buffer.from('Gedächtnisprotokoll vom 2. November\nAlles, was ich noch weiß.\n');
    for (const [bytes, mime] of [
      [png, 'image/png'],
      [jpeg, 'image/jpeg'],
      [text, 'text/plain'],
    ] as const) {
      const view = expectStatus(
        await upload(anna, caseRef.id, bytes, { kind: 'other' }, { type: 'application/pdf' }),
        201,
      );
      expect(view.mimeType).toBe(mime);
    }
  });

  it('refuses a file above the per-file limit and uploads beyond the case total, keeping nothing', async () => {
    const before = await documentRows();
    const big = expectStatus(await upload(anna, caseRef.id, fakePdf(MAX_FILE + 1, MARKER)), 413);
    expect(big).toMatchObject({ error: 'document_too_large', params: { limit: MAX_FILE } });
    expect(await documentRows()).toEqual(before);

    const other = await newCase(anna);
    const part = fakePdf(400 * 1024, MARKER);
    expectStatus(await upload(anna, other.id, part), 201);
    expectStatus(await upload(anna, other.id, part), 201);
    // Room for 224 KiB: refused while it streams in, and what was stored of it goes.
    const over = expectStatus(await upload(anna, other.id, part), 413);
    expect(over).toMatchObject({ error: 'document_case_limit', params: { limit: 224 * 1024 } });
    expect((await documentRows()).documents).toBe(before.documents + 2);
  });

  it('refuses an upload that is not multipart, or whose fields are invalid', async () => {
    const json = await anna.http('POST', `/api/cases/${caseRef.id}/documents`, { title: 'x' });
    expect(expectStatus(json, 400)).toMatchObject({ error: 'invalid_request' });
    const badKind = await upload(anna, caseRef.id, original, { kind: 'selfie' });
    expect(expectStatus(badKind, 400)).toMatchObject({ error: 'invalid_request' });
  });

  it('keeps a complete document unchanged: requests cannot alter or delete its rows', async () => {
    await withClient(serviceLoginUrl(t.database.appUrl, 'backup'), async (client) => {
      await client.query('BEGIN');
      try {
        const seen = await client.query('SELECT count(*)::int AS n FROM document_chunks');
        expect(seen.rows[0].n).toBeGreaterThan(0);
        for (const sql of [
          `UPDATE document_chunks SET ciphertext = '\\x00' WHERE document_id = '${documentId}'`,
          `DELETE FROM document_chunks WHERE document_id = '${documentId}'`,
          `UPDATE documents SET size_bytes = 1 WHERE id = '${documentId}'`,
          `DELETE FROM documents WHERE id = '${documentId}'`,
          `INSERT INTO document_chunks (document_id, service, seq, ciphertext)
             VALUES ('${documentId}', 'backup', 99, '\\x00')`,
        ]) {
          await client.query('SAVEPOINT s');
          await expect(client.query(sql), sql).rejects.toThrow();
          await client.query('ROLLBACK TO SAVEPOINT s');
        }
      } finally {
        await client.query('ROLLBACK');
      }
    });
  });

  it('survives a refused erasure while its case is on legal hold', async () => {
    expectStatus(
      await anna.http('POST', `/api/cases/${caseRef.id}/legal-hold`, { reason: 'Verfahren läuft' }),
      200,
    );
    expectStatus(
      await lead.http('POST', `/api/cases/${caseRef.id}/erasure`, {
        ground: 'art17_request',
        confirmCaseNumber: caseRef.caseNumber,
      }),
      409,
    );
    const download = await anna.http(
      'GET',
      `/api/cases/${caseRef.id}/documents/${documentId}/content`,
    );
    expect(sha256(download.rawPayload)).toBe(sha256(original));
    expectStatus(await anna.http('POST', `/api/cases/${caseRef.id}/legal-hold/lift`, {}), 200);
  });

  it('still decrypts to the same bytes after the service key is rotated (chunks unchanged)', async () => {
    const before = await storedDocument(t.database.superuserUrl, documentId);
    const ownerDb = createDatabase({ url: t.database.ownerUrl, poolMax: 2 });
    try {
      const cli: RequestContext = { actor: null, clientAddress: null, requestId: 'cli:test' };
      await createKeyRotation({
        ownerDb,
        masterKey: MASTER_KEY,
        audit: t.app.services.audit,
        clock: systemClock,
      }).rotate(cli, 'backup');
    } finally {
      await closeDatabase(ownerDb);
    }
    const after = await storedDocument(t.database.superuserUrl, documentId);
    expect(after.chunks).toEqual(before.chunks);
    const versions = await withClient(t.database.superuserUrl, (client) =>
      client.query(`SELECT service_version FROM data_keys WHERE owner_id = $1`, [caseRef.id]),
    );
    expect(versions.rows).toEqual([{ service_version: 2 }]);
    const download = await anna.http(
      'GET',
      `/api/cases/${caseRef.id}/documents/${documentId}/content`,
    );
    expect(sha256(download.rawPayload)).toBe(sha256(original));
  });

  it('is erased with its case: rows gone, the key destroyed, and a copy kept from before no longer decrypts', async () => {
    const copy = await storedDocument(t.database.superuserUrl, documentId);
    expect(copy.chunks).toHaveLength(5);
    // The attacker's tool works: before the erasure, the copy decrypts with the master key.
    expect(sha256(await decryptStoredDocument(t.database.superuserUrl, MASTER_KEY, copy))).toBe(
      sha256(original),
    );
    const erased = expectStatus(
      await lead.http('POST', `/api/cases/${caseRef.id}/erasure`, {
        ground: 'art17_request',
        confirmCaseNumber: caseRef.caseNumber,
      }),
      200,
    );
    expect(erased.records).toMatchObject({ documents: 4, documentChunks: 8 });
    const left = await withClient(t.database.superuserUrl, async (client) => {
      const docs = await client.query(
        'SELECT count(*)::int AS n FROM documents WHERE case_id = $1',
        [caseRef.id],
      );
      const chunks = await client.query(
        'SELECT count(*)::int AS n FROM document_chunks WHERE document_id = $1',
        [documentId],
      );
      return { docs: docs.rows[0].n, chunks: chunks.rows[0].n };
    });
    expect(left).toEqual({ docs: 0, chunks: 0 });
    await expect(decryptStoredDocument(t.database.superuserUrl, MASTER_KEY, copy)).rejects.toThrow(
      KeyShreddedError,
    );
    const gone = await anna.http('GET', `/api/cases/${caseRef.id}/documents/${documentId}/content`);
    expect(gone.statusCode).toBe(404);
  });
});

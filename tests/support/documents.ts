import { createHash } from 'node:crypto';

/** A multipart/form-data body as a browser sends it: the fields, then the file part. */
export function uploadForm(
  fields: Record<string, string>,
  file: { bytes: Uint8Array; name?: string; type?: string },
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----casework${createHash('sha256').update(file.bytes).digest('hex').slice(0, 24)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name ?? 'scan.pdf'}"\r\n` +
        `Content-Type: ${file.type ?? 'application/pdf'}\r\n\r\n`,
    ),
    Buffer.from(file.bytes),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** A PDF-looking file (the magic number is what counts) of `size` bytes around a marker. */
export function fakePdf(size: number, marker: string): Buffer {
  const head = Buffer.from(`%PDF-1.7\n%${marker}\n`);
  const body = Buffer.alloc(Math.max(0, size - head.length));
  // Not random: compressible, repeating text shows up in any scan that looks for it.
  for (let i = 0; i < body.length; i++) body[i] = marker.charCodeAt(i % marker.length);
  return Buffer.concat([head, body]).subarray(0, size);
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Decrypts a document from stored rows with nothing but the master key, as someone holding a
 * copy of the database and the key would: service root key → wrapping key → the case's data
 * key (as stored now) → the document's stream. Throws where the chain breaks.
 */
export async function decryptStoredDocument(
  databaseUrl: string,
  masterKey: Uint8Array,
  stored: {
    service: 'backup' | 'comeback';
    caseId: string;
    documentId: string;
    header: Uint8Array;
    chunks: Uint8Array[];
  },
): Promise<Buffer> {
  const { withClient } = await import('../../server/database/pg-client.ts');
  const crypto = await import('../../crypto/index.ts');
  await crypto.initCrypto();
  const rows = await withClient(databaseUrl, async (client) => {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('casework.service', $1, true)`, [stored.service]);
    const key = await client.query(
      `SELECT key_version, service_version, wrapped_key FROM data_keys
        WHERE scope = $1 AND owner_type = 'case' AND owner_id = $2`,
      [stored.service, stored.caseId],
    );
    const root = await client.query(
      `SELECT version, wrapped_key FROM service_keys WHERE scope = $1 AND version = $2`,
      [stored.service, key.rows[0]?.service_version],
    );
    await client.query('ROLLBACK');
    return { key: key.rows[0], root: root.rows[0] };
  });
  if (!rows.key) throw new Error('no data key row');
  const id = { scope: stored.service, version: rows.root.version as number };
  const rootKey = crypto.unwrapServiceRootKey(masterKey, id, rows.root.wrapped_key);
  const subkeys = crypto.deriveServiceSubkeys(rootKey, id);
  const dataKey = crypto.unwrapDataKey(
    subkeys.wrappingKey,
    { scope: stored.service, ownerType: 'case', ownerId: stored.caseId, keyVersion: id.version },
    rows.key.wrapped_key,
  );
  const reader = crypto.createDocumentReader(
    dataKey,
    { scope: stored.service, caseId: stored.caseId, documentId: stored.documentId, version: 1 },
    stored.header,
  );
  const out = Buffer.concat(stored.chunks.map((chunk) => reader.pull(chunk)));
  reader.finish();
  return out;
}

/** A document's stored header and chunks, read as the superuser. */
export async function storedDocument(superuserUrl: string, documentId: string) {
  const { withClient } = await import('../../server/database/pg-client.ts');
  return withClient(superuserUrl, async (client) => {
    const doc = await client.query(
      `SELECT service::text, case_id, stream_header FROM documents WHERE id = $1`,
      [documentId],
    );
    const chunks = await client.query(
      `SELECT ciphertext FROM document_chunks WHERE document_id = $1 ORDER BY seq`,
      [documentId],
    );
    const row = doc.rows[0];
    return {
      service: row.service as 'backup' | 'comeback',
      caseId: row.case_id as string,
      documentId,
      header: row.stream_header as Uint8Array,
      chunks: chunks.rows.map((chunk) => chunk.ciphertext as Uint8Array),
    };
  });
}

import { randomUUID } from 'node:crypto';
import {
  createDocumentReader,
  createDocumentWriter,
  shredDataKey,
  type DocumentPlace,
  type DocumentReader,
} from '../../../crypto/index.ts';
import type { DbClient } from '../../database/db-client.ts';
import type { DocumentKind, ServiceCode } from '../../generated/prisma/enums.ts';
import type { FieldCrypto } from '../../keys/field-crypto.ts';
import type { Keyring } from '../../keys/keyring.ts';
import {
  fromOptionalDateColumn,
  openEach,
  openFields,
  ownerOf,
  sealFields,
  toDateColumn,
  type SealedSpec,
} from './sealed-fields.ts';

const TABLE = 'documents';
const DOCUMENT_SEALED = {
  title: { column: 'title', as: 'string' },
  sha256: { column: 'sha256', as: 'string' },
} as const satisfies SealedSpec;
const VERSION = 1;

export interface DocumentRecord {
  id: string;
  caseId: string;
  title: string;
  kind: DocumentKind;
  documentDate: string | null;
  sizeBytes: number;
  mimeType: string;
  /** Hex SHA-256 of the original bytes. */
  sha256: string;
  uploadedById: string;
  uploadedAt: Date;
}

export interface NewDocument {
  title: string;
  kind: DocumentKind;
  documentDate: string | null;
  uploadedById: string;
  uploadedAt: Date;
}

/** An upload under way: encrypts the next chunks and stores them, in order. */
export interface DocumentUpload {
  id: string;
  /** `final` on the last chunk of the file only. */
  put(chunks: { plain: Uint8Array; final: boolean }[], client: DbClient): Promise<void>;
}

/** A document being read: the next chunks, decrypted, in order; `finish` after the last. */
export interface DocumentDownload {
  record: DocumentRecord;
  chunkCount: number;
  read(from: number, count: number, client: DbClient): Promise<Uint8Array[]>;
  finish(): void;
}

function place(service: ServiceCode, caseId: string, documentId: string): DocumentPlace {
  return { scope: service, caseId, documentId, version: VERSION };
}

/**
 * Documents of a case: metadata in `documents` (title and SHA-256 sealed under the case's data
 * key like a note's body), the bytes in `document_chunks`, one secretstream chunk per row,
 * under a stream key derived from the same data key (crypto/document-cipher.ts). The database
 * keeps a complete document unchanged by trigger; requests delete only failed uploads.
 */
export function createDocumentRepository(fields: FieldCrypto, keyring: Keyring) {
  type Row = {
    id: string;
    caseId: string;
    title: Uint8Array;
    sha256: Uint8Array | null;
    kind: DocumentKind;
    documentDate: Date | null;
    sizeBytes: bigint;
    mimeType: string | null;
    uploadedById: string;
    uploadedAt: Date;
  };
  const toRecord = (row: Row, opened: { title: string | null; sha256: string | null }) => ({
    id: row.id,
    caseId: row.caseId,
    title: opened.title!,
    kind: row.kind,
    documentDate: fromOptionalDateColumn(row.documentDate),
    sizeBytes: Number(row.sizeBytes),
    mimeType: row.mimeType ?? '',
    sha256: opened.sha256 ?? '',
    uploadedById: row.uploadedById,
    uploadedAt: row.uploadedAt,
  });

  return {
    /** Bytes the case's documents take, unfinished uploads included. */
    async usedBytes(service: ServiceCode, caseId: string, client: DbClient): Promise<number> {
      const sum = await client.document.aggregate({
        where: { service, caseId },
        _sum: { sizeBytes: true },
      });
      return Number(sum._sum.sizeBytes ?? 0n);
    },

    async begin(
      service: ServiceCode,
      caseId: string,
      document: NewDocument,
      client: DbClient,
    ): Promise<DocumentUpload> {
      const id = randomUUID();
      const owner = ownerOf(service, 'case', caseId);
      const sealed = await sealFields(
        fields,
        owner,
        TABLE,
        id,
        DOCUMENT_SEALED,
        { title: document.title },
        client,
      );
      const key = await keyring.dataKey(owner, client, { create: true });
      let writer;
      try {
        writer = createDocumentWriter(key, place(service, caseId, id));
      } finally {
        shredDataKey(key);
      }
      await client.document.create({
        data: {
          id,
          service,
          caseId,
          version: VERSION,
          title: sealed.title!,
          kind: document.kind,
          documentDate: document.documentDate === null ? null : toDateColumn(document.documentDate),
          streamHeader: writer.header,
          uploadedById: document.uploadedById,
          uploadedAt: document.uploadedAt,
        },
      });
      let seq = 0;
      return {
        id,
        async put(chunks, putClient) {
          if (chunks.length === 0) return;
          const first = seq;
          const sealed = chunks.map(({ plain, final }) =>
            Buffer.from(writer.push(plain, final)).toString('base64'),
          );
          seq += chunks.length;
          const seqs = sealed.map((_, i) => first + i);
          // Base64 into the database rather than Prisma's bytes (see `read` below).
          await putClient.$executeRaw`
            INSERT INTO document_chunks (document_id, service, seq, ciphertext)
            SELECT ${id}::uuid, ${service}::service_code, t.seq, decode(t.chunk, 'base64')
              FROM unnest(${seqs}::int[], ${sealed}::text[]) AS t(seq, chunk)`;
        },
      };
    },

    /** Marks an upload complete with what was measured while it streamed. */
    async complete(
      service: ServiceCode,
      caseId: string,
      documentId: string,
      measured: { sizeBytes: number; mimeType: string; sha256: string },
      client: DbClient,
    ): Promise<void> {
      const sealed = await sealFields(
        fields,
        ownerOf(service, 'case', caseId),
        TABLE,
        documentId,
        DOCUMENT_SEALED,
        { sha256: measured.sha256 },
        client,
      );
      await client.document.update({
        where: { id: documentId, service, state: 'uploading' },
        data: {
          state: 'complete',
          sizeBytes: BigInt(measured.sizeBytes),
          mimeType: measured.mimeType,
          sha256: sealed.sha256!,
        },
      });
    },

    /** Counts bytes against the case's limit while they stream in. */
    async reserve(
      service: ServiceCode,
      documentId: string,
      sizeBytes: number,
      client: DbClient,
    ): Promise<void> {
      await client.document.update({
        where: { id: documentId, service, state: 'uploading' },
        data: { sizeBytes: BigInt(sizeBytes) },
      });
    },

    /** Removes what a failed upload stored (the database refuses it for complete ones). */
    async discard(service: ServiceCode, documentId: string, client: DbClient): Promise<void> {
      await client.documentChunk.deleteMany({ where: { documentId, service } });
      await client.document.deleteMany({ where: { id: documentId, service, state: 'uploading' } });
    },

    /** Complete documents of the case, newest first. */
    async list(service: ServiceCode, caseId: string, client: DbClient): Promise<DocumentRecord[]> {
      const rows = await client.document.findMany({
        where: { service, caseId, state: 'complete' },
        orderBy: [{ uploadedAt: 'desc' }, { id: 'desc' }],
      });
      const owner = ownerOf(service, 'case', caseId);
      const opened = await openEach(
        fields,
        TABLE,
        DOCUMENT_SEALED,
        rows.map((row) => ({ owner, row })),
        client,
      );
      return rows.map((row, i) => toRecord(row, opened[i]!));
    },

    /** A complete document of this case ready to be read, or null. */
    async open(
      service: ServiceCode,
      caseId: string,
      documentId: string,
      client: DbClient,
    ): Promise<DocumentDownload | null> {
      const row = await client.document.findFirst({
        where: { id: documentId, service, caseId, state: 'complete' },
      });
      if (!row) return null;
      const owner = ownerOf(service, 'case', caseId);
      const opened = await openFields(fields, owner, TABLE, DOCUMENT_SEALED, row, client);
      const chunkCount = await client.documentChunk.count({ where: { documentId, service } });
      const key = await keyring.dataKey(owner, client, { create: false });
      let reader: DocumentReader;
      try {
        reader = createDocumentReader(key, place(service, caseId, documentId), row.streamHeader);
      } finally {
        shredDataKey(key);
      }
      return {
        record: toRecord(row, opened),
        chunkCount,
        async read(from, count, readClient) {
          // Base64 from the database rather than Prisma's bytes: its pg adapter turns every
          // bytea into an array of numbers, eight bytes and more per byte of a chunk.
          const chunks = (
            await readClient.$queryRaw<{ seq: number; ciphertext: string }[]>`
              SELECT seq, encode(ciphertext, 'base64') AS ciphertext FROM document_chunks
               WHERE document_id = ${documentId}::uuid AND service::text = ${service}
                 AND seq >= ${from} AND seq < ${from + count}
               ORDER BY seq`
          ).map((chunk) => ({
            seq: chunk.seq,
            ciphertext: Buffer.from(chunk.ciphertext, 'base64'),
          }));
          // A gap in the numbering is a missing chunk: the stream would refuse the next one.
          return chunks.map((chunk, i) => {
            if (chunk.seq !== from + i) reader.pull(new Uint8Array(0));
            return reader.pull(chunk.ciphertext);
          });
        },
        finish: () => reader.finish(),
      };
    },
  };
}

export type DocumentRepository = ReturnType<typeof createDocumentRepository>;

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DOCUMENT_CHUNK_BYTES } from '../../../crypto/index.ts';
import type { DocumentLimits } from '../../config/config.schema.ts';
import { AppError } from '../../errors/app-error.ts';
import type { DocumentKind, ServiceCode } from '../../generated/prisma/enums.ts';
import type {
  DocumentRecord,
  DocumentRepository,
  DocumentUpload,
} from '../../repositories/case-work/document.repository.ts';
import type { ScopedTransaction } from '../../repositories/case-work/sealed-fields.ts';
import type { StaffRepository } from '../../repositories/case-work/staff.repository.ts';
import type { DocumentView } from '../../schemas/documents.schema.ts';
import type { DbClient } from '../../database/db-client.ts';
import type { RequestContext } from '../actor.ts';
import { missing, type CaseWorkScope } from './case-work-scope.ts';
import { detectDocumentType } from './document-type.ts';

/** Chunks per transaction, both ways: 1 MiB of ciphertext at a time. */
const CHUNKS_PER_BATCH = 16;

export interface DocumentMetadata {
  title: string;
  kind: DocumentKind;
  documentDate: string | null;
}

export interface DocumentDownloadStream {
  document: DocumentView;
  /** The original bytes, decrypted chunk by chunk as the client reads them. */
  content: Readable;
}

/**
 * Documents of a case. Neither direction holds a whole file: an upload is cut into chunks that
 * are encrypted and stored a batch at a time, each batch in a short transaction of its own
 * (an upload can take longer than a transaction may stay open); a download reads and decrypts
 * a batch at a time as the client takes them. The access rule and the access-log event are
 * those of every call on a case (case-work-scope.ts), decided before the first byte moves.
 */
export function createDocumentService(deps: {
  scope: CaseWorkScope;
  transact: ScopedTransaction;
  documents: DocumentRepository;
  staff: StaffRepository;
  limits: DocumentLimits;
}) {
  const { scope, transact, documents, staff, limits } = deps;

  async function views(records: DocumentRecord[], client: DbClient): Promise<DocumentView[]> {
    const names = await staff.usernames(
      records.map((record) => record.uploadedById),
      client,
    );
    return records.map((record) => ({
      id: record.id,
      title: record.title,
      kind: record.kind,
      documentDate: record.documentDate,
      sizeBytes: record.sizeBytes,
      mimeType: record.mimeType,
      sha256: record.sha256,
      uploadedBy: { id: record.uploadedById, username: names.get(record.uploadedById) ?? '' },
      uploadedAt: record.uploadedAt.toISOString(),
    }));
  }

  function tooLarge(fileLimit: boolean, limit: number): AppError {
    return fileLimit
      ? new AppError('document_too_large', `The file is larger than ${limit} bytes.`, {
          reason: 'too_large',
          params: { limit },
        })
      : new AppError(
          'document_case_limit',
          `The documents of this case would take more than ${limit} bytes.`,
          { reason: 'too_large', params: { limit } },
        );
  }

  /** Streams `file` into the upload; answers what was measured on the way. */
  async function store(
    service: ServiceCode,
    upload: DocumentUpload,
    file: AsyncIterable<Uint8Array>,
    caseRoom: number,
  ) {
    const limit = Math.min(limits.maxFileBytes, caseRoom);
    const hash = createHash('sha256');
    let size = 0;
    let mimeType: string | null = null;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let batch: { plain: Uint8Array; final: boolean }[] = [];

    const flush = async () => {
      const chunks = batch;
      batch = [];
      await transact(service, async (client) => {
        await upload.put(chunks, client);
        await documents.reserve(service, upload.id, size, client);
      });
    };
    const detect = async (first: Uint8Array, complete: boolean) => {
      mimeType ??=
        (await detectDocumentType(first, complete)) ??
        (() => {
          throw new AppError(
            'document_type_refused',
            'The file is none of the accepted types (judged from its content).',
          );
        })();
    };

    for await (const piece of file) {
      size += piece.length;
      if (size > limit) throw tooLarge(limit === limits.maxFileBytes, limit);
      hash.update(piece);
      pending.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
      pendingBytes += piece.length;
      // Keeps one chunk back until more arrives: only the last one carries the FINAL tag.
      while (pendingBytes > DOCUMENT_CHUNK_BYTES) {
        const joined = Buffer.concat(pending, pendingBytes);
        const chunk = joined.subarray(0, DOCUMENT_CHUNK_BYTES);
        await detect(chunk, false);
        batch.push({ plain: chunk, final: false });
        pending = [joined.subarray(DOCUMENT_CHUNK_BYTES)];
        pendingBytes -= DOCUMENT_CHUNK_BYTES;
        if (batch.length >= CHUNKS_PER_BATCH) await flush();
      }
    }
    const last = Buffer.concat(pending, pendingBytes);
    await detect(last, true);
    batch.push({ plain: last, final: true });
    await flush();
    return { sizeBytes: size, mimeType: mimeType!, sha256: hash.digest('hex') };
  }

  return {
    async upload(
      context: RequestContext,
      caseId: string,
      metadata: DocumentMetadata,
      file: AsyncIterable<Uint8Array>,
    ): Promise<DocumentView> {
      const started = await scope.run(
        context,
        { action: 'document.upload', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await scope.openCase(context, service, caseId, client, event);
          const used = await documents.usedBytes(service, caseId, client);
          if (used >= limits.maxCaseBytes) throw tooLarge(false, limits.maxCaseBytes);
          const upload = await documents.begin(
            service,
            caseId,
            { ...metadata, uploadedById: context.actor!.userId, uploadedAt: scope.clock.now() },
            client,
          );
          return { service, upload, caseRoom: limits.maxCaseBytes - used };
        },
      );
      const { service, upload } = started;
      try {
        const measured = await store(service, upload, file, started.caseRoom);
        return await transact(service, async (client) => {
          await documents.complete(service, caseId, upload.id, measured, client);
          const [record] = (await documents.list(service, caseId, client)).filter(
            (document) => document.id === upload.id,
          );
          return (await views([record!], client))[0]!;
        });
      } catch (error) {
        // Nothing of a refused or broken upload stays behind.
        await transact(service, (client) => documents.discard(service, upload.id, client));
        throw error;
      }
    },

    async list(context: RequestContext, caseId: string): Promise<{ documents: DocumentView[] }> {
      return scope.run(
        context,
        { action: 'document.list', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await scope.openCase(context, service, caseId, client, event);
          return { documents: await views(await documents.list(service, caseId, client), client) };
        },
      );
    },

    async download(
      context: RequestContext,
      caseId: string,
      documentId: string,
    ): Promise<DocumentDownloadStream> {
      const opened = await scope.run(
        context,
        { action: 'document.download', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await scope.openCase(context, service, caseId, client, event);
          const reading =
            (await documents.open(service, caseId, documentId, client)) ??
            missing('No such document in this case.');
          // The first batch inside the audited call: a document that does not decrypt at
          // all answers record_unreadable before any header is sent.
          const first = await reading.read(0, CHUNKS_PER_BATCH, client);
          return { service, reading, first, view: (await views([reading.record], client))[0]! };
        },
      );
      const { service, reading, first } = opened;
      const expected = reading.record.sha256;
      async function* chunks() {
        const hash = createHash('sha256');
        let next = first;
        let from = 0;
        for (;;) {
          for (const chunk of next) {
            hash.update(chunk);
            yield chunk;
          }
          from += CHUNKS_PER_BATCH;
          if (from >= reading.chunkCount) break;
          const at = from;
          next = await transact(service, (client) => reading.read(at, CHUNKS_PER_BATCH, client));
        }
        reading.finish();
        // Authenticated already; this proves the stored SHA-256 still describes the bytes.
        if (hash.digest('hex') !== expected) throw new Error('document digest mismatch');
      }
      return { document: opened.view, content: Readable.from(chunks(), { objectMode: false }) };
    },
  };
}

export type DocumentService = ReturnType<typeof createDocumentService>;

import multipart from '@fastify/multipart';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';
import { validationDetail } from '../../errors/validation-detail.ts';
import { CaseParams, NoQuery } from '../../schemas/case-work.schema.ts';
import { errorResponses } from '../../schemas/common.schema.ts';
import {
  DocumentList,
  DocumentParams,
  DocumentUploadBody,
  DocumentUploadFields,
  DocumentView,
} from '../../schemas/documents.schema.ts';
import { COUNSELLORS_ONLY } from '../case-work-access.ts';
import { AccessReasonHeaders } from './index.ts';

const tags = ['documents'];

/** What a download may do in the browser: nothing (it is saved, never rendered here). */
const DOWNLOAD_POLICY = "sandbox; default-src 'none'";

// Extensions for the saved file's name; the stored title never goes into a header.
const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'image/webp': 'webp',
  'image/tiff': 'tif',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'text/plain': 'txt',
};

function invalid(message: string, reason: 'required' | 'unsupported_content_type', field?: string) {
  return new AppError('invalid_request', message, {
    reason,
    params: field ? { field, in: 'body' } : { in: 'body' },
  });
}

/** Documents of a case (docs/api.md `/api/cases/:id/documents`). */
export default async function documentRoutes(
  app: FastifyInstance,
  options: { maxFileBytes: number },
) {
  // Here only: no other route takes multipart bodies.
  await app.register(multipart);
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { documents } = app.caseWork;

  const checkFields = (request: FastifyRequest, fields: Record<string, string>) => {
    const check = request.compileValidationSchema(DocumentUploadFields);
    if (!check(fields)) {
      throw new AppError(
        'invalid_request',
        'The form fields of the upload are not valid.',
        validationDetail(check.errors ?? [], 'body'),
      );
    }
    return fields as DocumentUploadFields;
  };

  routes.post(
    '/api/cases/:id/documents',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary:
          'Upload a document (multipart/form-data, fields first, then the part `file`); encrypted as it streams in',
        consumes: ['multipart/form-data'],
        params: CaseParams,
        headers: AccessReasonHeaders,
        body: { content: { 'multipart/form-data': { schema: DocumentUploadBody } } },
        response: { 201: DocumentView, ...errorResponses(400, 403, 404, 413, 415) },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw invalid('Send the document as multipart/form-data.', 'unsupported_content_type');
      }
      const fields: Record<string, string> = {};
      const parts = request.parts({
        // One byte over the limit is enough to know; the service counts exactly.
        limits: { fileSize: options.maxFileBytes + 1, files: 1, fields: 3, fieldSize: 4096 },
      });
      for await (const part of parts) {
        if (part.type === 'field') {
          fields[part.fieldname] = String(part.value);
          continue;
        }
        if (part.fieldname !== 'file')
          throw invalid('The file part is named file.', 'required', '/file');
        const { title, kind, documentDate } = checkFields(request, fields);
        const view = await documents.upload(
          request.context,
          request.params.id,
          { title, kind, documentDate: documentDate ?? null },
          part.file,
        );
        return reply.status(201).send(view);
      }
      throw invalid('The upload holds no file.', 'required', '/file');
    },
  );

  routes.get(
    '/api/cases/:id/documents',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Documents of the case, newest first (metadata; the bytes by download)',
        params: CaseParams,
        querystring: NoQuery,
        headers: AccessReasonHeaders,
        response: { 200: DocumentList, ...errorResponses(403, 404, 500) },
      },
    },
    (request) => documents.list(request.context, request.params.id),
  );

  routes.get(
    '/api/cases/:id/documents/:documentId/content',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'The original bytes, streamed, as an attachment that cannot run in this origin',
        params: DocumentParams,
        querystring: NoQuery,
        headers: AccessReasonHeaders,
        response: {
          200: Type.Unknown({ description: 'The original bytes, as uploaded' }),
          ...errorResponses(403, 404, 410, 500),
        },
      },
    },
    async (request, reply) => {
      const { document, content } = await documents.download(
        request.context,
        request.params.id,
        request.params.documentId,
      );
      const name = `document-${document.id}.${EXTENSIONS[document.mimeType] ?? 'bin'}`;
      return reply
        .header('content-type', document.mimeType)
        .header('content-length', String(document.sizeBytes))
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', DOWNLOAD_POLICY)
        .header('x-document-sha256', document.sha256)
        .send(content);
    },
  );
}

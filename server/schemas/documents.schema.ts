import Type from 'typebox';
import { DocumentKind } from '../generated/prisma/enums.ts';
import { Day, Nullable, StaffRef, Text, Uuid } from './case-work.schema.ts';

/** `/:id/documents/:documentId` of a case's document. */
export const DocumentParams = Type.Object(
  { id: Uuid, documentId: Uuid },
  { additionalProperties: false },
);

export const DOCUMENT_TITLE_MAX = 200;

/**
 * The form fields of an upload (multipart/form-data), sent before the file part `file`:
 * the file is streamed as it arrives, so what describes it must come first.
 */
export const DocumentUploadFields = Type.Object(
  {
    title: Text(DOCUMENT_TITLE_MAX, 'What the document is, e.g. "Strafanzeige vom 3. März"'),
    kind: Type.Enum(DocumentKind),
    documentDate: Type.Optional(Day),
  },
  { additionalProperties: false },
);
export type DocumentUploadFields = Type.Static<typeof DocumentUploadFields>;

/** The body an upload declares: a form whose last part is the file. */
export const DocumentUploadBody = Type.Unknown({
  description:
    'multipart/form-data: the fields title, kind and documentDate (YYYY-MM-DD, optional), ' +
    'then one file part named `file`. The type is judged from the content.',
});

export const DocumentView = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    kind: Type.Enum(DocumentKind),
    documentDate: Nullable(Type.String()),
    sizeBytes: Type.Integer(),
    mimeType: Type.String({ description: 'Detected from the content at upload' }),
    sha256: Type.String({ description: 'SHA-256 of the original bytes, hex' }),
    uploadedBy: StaffRef,
    uploadedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type DocumentView = Type.Static<typeof DocumentView>;

export const DocumentList = Type.Object(
  { documents: Type.Array(DocumentView) },
  { additionalProperties: false },
);

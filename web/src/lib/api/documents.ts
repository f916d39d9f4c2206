import type { Static } from 'typebox';
import type { DocumentList, DocumentView } from '$schemas/documents.schema';
import { apiDownload, apiList, apiUpload, type DownloadedFile } from './client';

export type CaseDocument = Static<typeof DocumentView>;
export type DocumentKind = CaseDocument['kind'];

export const DOCUMENT_KINDS: readonly DocumentKind[] = [
  'police_report',
  'medical',
  'court',
  'authority',
  'photo',
  'other',
];

const documentsPath = (caseId: string) => `/api/cases/${encodeURIComponent(caseId)}/documents`;

export function listDocuments(caseId: string): Promise<CaseDocument[]> {
  return apiList<Static<typeof DocumentList>>(documentsPath(caseId), 'documents');
}

/** Fields first, then the file: the server encrypts the file as it arrives. */
export function uploadDocument(
  caseId: string,
  fields: { title: string; kind: DocumentKind; documentDate: string | null },
  file: File,
  onProgress: (sent: number, total: number) => void,
): Promise<CaseDocument> {
  const form = new FormData();
  form.append('title', fields.title);
  form.append('kind', fields.kind);
  if (fields.documentDate) form.append('documentDate', fields.documentDate);
  form.append('file', file);
  return apiUpload<CaseDocument>(documentsPath(caseId), form, onProgress);
}

export function downloadDocument(caseId: string, documentId: string): Promise<DownloadedFile> {
  return apiDownload(`${documentsPath(caseId)}/${encodeURIComponent(documentId)}/content`);
}

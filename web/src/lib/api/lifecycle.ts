import type { Static } from 'typebox';
import type {
  DeletionCertificate as DeletionCertificateSchema,
  EraseByNumberBody,
  EraseCaseBody,
  ErasurePreview as ErasurePreviewSchema,
  HeldCaseList as HeldCaseListSchema,
  LegalHoldBody,
  LegalHoldView,
  SubjectAccessExport as SubjectAccessExportSchema,
} from '$schemas/lifecycle.schema';
import { apiList, apiRequest } from './client';

// Legal holds, the subject-access export and erasure. Types come from the server's
// schemas, imported as types only.

export type LegalHold = Static<typeof LegalHoldView>;
export type LegalHoldRequest = Static<typeof LegalHoldBody>;
export type HeldCase = Static<typeof HeldCaseListSchema>['holds'][number];
export type SubjectAccessExport = Static<typeof SubjectAccessExportSchema>;
export type EraseCaseRequest = Static<typeof EraseCaseBody>;
export type EraseByNumberRequest = Static<typeof EraseByNumberBody>;
export type DeletionCertificate = Static<typeof DeletionCertificateSchema>;
export type ErasurePreview = Static<typeof ErasurePreviewSchema>;

const casePath = (id: string) => `/api/cases/${encodeURIComponent(id)}`;

/** A colleague's reason for opening a case not assigned to them travels in a header. */
function reasonHeaders(accessReason?: string): Record<string, string> {
  return accessReason ? { 'x-access-reason': encodeURIComponent(accessReason) } : {};
}

export function getLegalHold(caseId: string, accessReason?: string): Promise<LegalHold> {
  return apiRequest<LegalHold>(
    'GET',
    `${casePath(caseId)}/legal-hold`,
    undefined,
    reasonHeaders(accessReason),
  );
}

export function setLegalHold(caseId: string, request: LegalHoldRequest): Promise<LegalHold> {
  return apiRequest<LegalHold>('POST', `${casePath(caseId)}/legal-hold`, request);
}

export function liftLegalHold(caseId: string): Promise<LegalHold> {
  return apiRequest<LegalHold>('POST', `${casePath(caseId)}/legal-hold/lift`, {});
}

/** GDPR Art. 15: everything stored about the person of the case. */
export function exportCase(caseId: string, accessReason?: string): Promise<SubjectAccessExport> {
  return apiRequest<SubjectAccessExport>(
    'GET',
    `${casePath(caseId)}/export`,
    undefined,
    reasonHeaders(accessReason),
  );
}

/** Auditors: every case on legal hold. */
export function listLegalHolds(): Promise<HeldCase[]> {
  return apiList<Static<typeof HeldCaseListSchema>>('/api/audit/legal-holds', 'holds');
}

/** Team leads: erase a case of their service (GDPR Art. 17). */
export function eraseCase(caseId: string, request: EraseCaseRequest): Promise<DeletionCertificate> {
  return apiRequest<DeletionCertificate>('POST', `${casePath(caseId)}/erasure`, request);
}

/** Team leads: erase a case of their service by its case number. */
export function eraseCaseByNumber(request: EraseByNumberRequest): Promise<DeletionCertificate> {
  return apiRequest<DeletionCertificate>('POST', '/api/erasures', request);
}

/** Team leads: what erasing the case would destroy, before they confirm. */
export function previewErasure(caseNumber: string): Promise<ErasurePreview> {
  return apiRequest<ErasurePreview>(
    'GET',
    `/api/erasures/preview?${new URLSearchParams({ caseNumber })}`,
  );
}

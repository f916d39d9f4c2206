import type { Static } from 'typebox';
import type {
  AccompanimentList as AccompanimentListSchema,
  AccompanimentView,
  CaseIncidentList,
  ClaimList,
  ClaimView,
  CreateAccompanimentBody,
  CreateClaimBody,
  CreateIncidentBody,
  CreateReferralBody,
  UpdateAccompanimentBody,
  UpdateClaimBody,
  UpdateIncidentBody,
  IncidentList as IncidentListSchema,
  IncidentView,
  ReferralList,
  ReferralView,
} from '$schemas/backup-counselling.schema';
import type {
  AmendNoteBody,
  CaseList as CaseListSchema,
  CaseListItem as CaseListItemSchema,
  CaseSearchBody,
  CaseStatusSchema,
  CaseView as CaseViewSchema,
  CounsellorList,
  CreateCaseBody,
  CreatedCase as CreatedCaseSchema,
  CreateNoteBody,
  NoteList as NoteListSchema,
  NoteView,
  UpdateCaseBody,
} from '$schemas/cases.schema';
import type {
  AssessRiskBody,
  ChangePhaseBody,
  ExitProcessView,
  PhaseChangeView,
  RiskAssessmentList as RiskAssessmentListSchema,
  RiskAssessmentView,
} from '$schemas/comeback.schema';
import type { StaffRef } from '$schemas/case-work.schema';
import type {
  CreateFollowUpBody,
  FollowUpList as FollowUpListSchema,
  FollowUpSuggestion as FollowUpSuggestionSchema,
  FollowUpView,
  UpdateFollowUpBody,
} from '$schemas/follow-ups.schema';
import { apiList, apiRequest } from './client';
import { caseRecords } from './records';

// Cases, their notes and the records of each service (/api/cases…, /api/incidents). Types come
// from the server's schemas, imported as types only.

export type CaseStatus = Static<typeof CaseStatusSchema>;
export type CaseListItem = Static<typeof CaseListItemSchema>;
export type CaseListResponse = Static<typeof CaseListSchema>;
export type CaseSearchRequest = Static<typeof CaseSearchBody>;
export type CaseDetails = Static<typeof CaseViewSchema>;
export type NewCaseRequest = Static<typeof CreateCaseBody>;
export type CaseChangeRequest = Static<typeof UpdateCaseBody>;
export type CreatedCase = Static<typeof CreatedCaseSchema>;
export type Staff = Static<typeof StaffRef>;
export type Note = Static<typeof NoteView>;
export type NoteKind = Note['kind'];
export type NewNoteRequest = Static<typeof CreateNoteBody>;
export type AmendNoteRequest = Static<typeof AmendNoteBody>;
export type NoteListResponse = Static<typeof NoteListSchema>;
export type Incident = Static<typeof IncidentView>;
export type CaseIncident = Static<typeof CaseIncidentList>['incidents'][number];
export type NewIncidentRequest = Static<typeof CreateIncidentBody>;
export type Accompaniment = Static<typeof AccompanimentView>;
export type NewAccompanimentRequest = Static<typeof CreateAccompanimentBody>;
export type CompensationClaim = Static<typeof ClaimView>;
export type NewClaimRequest = Static<typeof CreateClaimBody>;
export type ClaimChangeRequest = Static<typeof UpdateClaimBody>;
export type AccompanimentChangeRequest = Static<typeof UpdateAccompanimentBody>;
export type IncidentChangeRequest = Static<typeof UpdateIncidentBody>;
export type Referral = Static<typeof ReferralView>;
export type NewReferralRequest = Static<typeof CreateReferralBody>;
export type ExitProcess = Static<typeof ExitProcessView>;
export type PhaseChange = Static<typeof PhaseChangeView>;
export type ExitPhase = PhaseChange['phase'];
export type NewPhaseRequest = Static<typeof ChangePhaseBody>;
export type RiskAssessment = Static<typeof RiskAssessmentView>;
export type RiskAssessmentList = Static<typeof RiskAssessmentListSchema>;
export type FollowUp = Static<typeof FollowUpView>;
export type FollowUpSuggestion = Static<typeof FollowUpSuggestionSchema>;
export type FollowUpList = Static<typeof FollowUpListSchema>;
export type NewFollowUpRequest = Static<typeof CreateFollowUpBody>;
export type FollowUpChangeRequest = Static<typeof UpdateFollowUpBody>;
export type NewRiskAssessmentRequest = Static<typeof AssessRiskBody>;

/** Filters of the case list; the period is that of the case (opened … closed). */
export interface CaseFilter {
  status?: CaseStatus;
  counsellorId?: string;
  from?: string;
  to?: string;
}

/** The columns the list sorts by, and where a further page starts. */
export interface CaseOrder {
  sort?: NonNullable<CaseSearchRequest['sort']>;
  order?: 'asc' | 'desc';
  /** `nextCursor` of the page before. */
  cursor?: string;
}

export const PAGE_SIZE = 50;

const casePath = (id: string) => `/api/cases/${encodeURIComponent(id)}`;

/** Lists cases; with a search term it goes through POST, so that names never reach a URL. */
export function findCases(
  term: string,
  filter: CaseFilter,
  order: CaseOrder = {},
): Promise<CaseListResponse> {
  if (term === '') {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: '0' });
    for (const [key, value] of Object.entries({ ...filter, ...order })) {
      if (value) query.set(key, value);
    }
    return apiRequest<CaseListResponse>('GET', `/api/cases?${query.toString()}`);
  }
  const body: CaseSearchRequest = { q: term, ...filter, ...order, limit: PAGE_SIZE, offset: 0 };
  return apiRequest<CaseListResponse>('POST', '/api/cases/search', body);
}

export function createCase(request: NewCaseRequest): Promise<CreatedCase> {
  return apiRequest<CreatedCase>('POST', '/api/cases', request);
}

/**
 * A case not assigned to the reader opens only with a reason (403 access_reason_required);
 * it goes in a header, percent-encoded, never in the URL.
 */
export function getCase(id: string, accessReason?: string): Promise<CaseDetails> {
  const headers: Record<string, string> = accessReason
    ? { 'x-access-reason': encodeURIComponent(accessReason) }
    : {};
  return apiRequest<CaseDetails>('GET', casePath(id), undefined, headers);
}

export function updateCase(id: string, request: CaseChangeRequest): Promise<CaseDetails> {
  return apiRequest<CaseDetails>('PATCH', casePath(id), request);
}

export function listCounsellors(): Promise<Staff[]> {
  return apiList<Static<typeof CounsellorList>>('/api/counsellors', 'counsellors');
}

export function listNotes(caseId: string): Promise<Note[]> {
  return apiList<NoteListResponse, 'notes'>(
    `${casePath(caseId)}/notes?limit=100&offset=0`,
    'notes',
  );
}

export function addNote(caseId: string, request: NewNoteRequest): Promise<Note> {
  return apiRequest<Note>('POST', `${casePath(caseId)}/notes`, request);
}

export function amendNote(
  caseId: string,
  noteId: string,
  request: AmendNoteRequest,
): Promise<Note> {
  return apiRequest<Note>(
    'POST',
    `${casePath(caseId)}/notes/${encodeURIComponent(noteId)}/amendments`,
    request,
  );
}

export function createIncident(request: NewIncidentRequest): Promise<Incident> {
  return apiRequest<Incident>('POST', '/api/incidents', request);
}

export function getIncident(id: string): Promise<Incident> {
  return apiRequest<Incident>('GET', `/api/incidents/${encodeURIComponent(id)}`);
}

/** The service's incidents, newest first (the first 100), to link one to a case. */
export function listIncidents(): Promise<CaseIncident[]> {
  return apiList<Static<typeof IncidentListSchema>, 'incidents'>(
    '/api/incidents?limit=100&offset=0',
    'incidents',
  );
}

/** Links (PUT) or unlinks (DELETE) an incident and a case. */
async function setIncidentLink(method: 'PUT' | 'DELETE', caseId: string, incidentId: string) {
  await apiRequest<unknown>(
    method,
    `${casePath(caseId)}/incidents/${encodeURIComponent(incidentId)}`,
    {},
  );
}

export const linkIncident = (caseId: string, incidentId: string): Promise<void> =>
  setIncidentLink('PUT', caseId, incidentId);
export const unlinkIncident = (caseId: string, incidentId: string): Promise<void> =>
  setIncidentLink('DELETE', caseId, incidentId);

export function listCaseIncidents(caseId: string): Promise<CaseIncident[]> {
  return apiList<Static<typeof CaseIncidentList>>(`${casePath(caseId)}/incidents`, 'incidents');
}

export function updateIncident(id: string, request: IncidentChangeRequest): Promise<Incident> {
  return apiRequest<Incident>('PATCH', `/api/incidents/${encodeURIComponent(id)}`, request);
}

export function getExitProcess(caseId: string): Promise<ExitProcess> {
  return apiRequest<ExitProcess>('GET', `${casePath(caseId)}/exit-phases`);
}

export function changeExitPhase(caseId: string, request: NewPhaseRequest): Promise<PhaseChange> {
  return apiRequest<PhaseChange>('POST', `${casePath(caseId)}/exit-phases`, request);
}

export function listRiskAssessments(caseId: string): Promise<RiskAssessmentList> {
  return apiRequest<RiskAssessmentList>('GET', `${casePath(caseId)}/risk-assessments`);
}

export function assessRisk(
  caseId: string,
  request: NewRiskAssessmentRequest,
): Promise<RiskAssessment> {
  return apiRequest<RiskAssessment>('POST', `${casePath(caseId)}/risk-assessments`, request);
}

export function decideRisk(
  caseId: string,
  assessmentId: string,
  decision: 'confirmed' | 'rejected',
): Promise<RiskAssessment> {
  return apiRequest<RiskAssessment>(
    'POST',
    `${casePath(caseId)}/risk-assessments/${encodeURIComponent(assessmentId)}/decision`,
    { decision },
  );
}

export function listFollowUps(caseId: string): Promise<FollowUpList> {
  return apiRequest<FollowUpList>('GET', `${casePath(caseId)}/follow-ups`);
}

const accompaniments = caseRecords<
  Static<typeof AccompanimentListSchema>,
  'accompaniments',
  NewAccompanimentRequest,
  AccompanimentChangeRequest
>('accompaniments', 'accompaniments');
export const listAccompaniments = accompaniments.list;
export const addAccompaniment = accompaniments.add;
export const updateAccompaniment = accompaniments.update;

const claims = caseRecords<Static<typeof ClaimList>, 'claims', NewClaimRequest, ClaimChangeRequest>(
  'compensation-claims',
  'claims',
);
export const listClaims = claims.list;
export const addClaim = claims.add;
export const updateClaim = claims.update;

const referrals = caseRecords<Static<typeof ReferralList>, 'referrals', NewReferralRequest>(
  'referrals',
  'referrals',
);
export const listReferrals = referrals.list;
export const addReferral = referrals.add;

const followUps = caseRecords<FollowUpList, 'followUps', NewFollowUpRequest, FollowUpChangeRequest>(
  'follow-ups',
  'followUps',
);
export const addFollowUp = followUps.add;
export const updateFollowUp = followUps.update;

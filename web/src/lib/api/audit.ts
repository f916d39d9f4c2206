// The auditor's routes under /api/audit (auditors only; each call is itself an access-log
// event). Types come from the server's TypeBox schemas, imported as types only.

import type { Static } from 'typebox';
import type {
  AccessReasonView,
  AnomalyReport as AnomalyReportSchema,
  AuditEventView,
  AuditPage,
  AuditQuery,
  CheckpointView,
  ExportQuery,
  PublicKeyView as PublicKeyViewSchema,
  VerificationView,
} from '$schemas/audit.schema';
import { apiDownload, apiRequest } from './client';
import type { DownloadedFile } from './client';
import type { EmptyBody } from './types';

export type AuditEvent = Static<typeof AuditEventView>;
export type AccessReason = Static<typeof AccessReasonView>;
export type AuditOutcome = AuditEvent['outcome'];
export type AuditSearchResponse = Static<typeof AuditPage>;
/** What search and export are filtered by: everything of the export's query but the format. */
export type AuditFilter = Omit<Static<typeof ExportQuery>, 'format'>;
export type ExportFormat = Static<typeof ExportQuery>['format'];
export type Verification = Static<typeof VerificationView>;
export type Checkpoint = Static<typeof CheckpointView>;
export type AnomalyReport = Static<typeof AnomalyReportSchema>;
export type AnomalyThresholds = AnomalyReport['thresholds'];
export type AnomalyFlag = AnomalyReport['flags'][number];
export type AnomalyKind = AnomalyFlag['kind'];
type PublicKeyView = Static<typeof PublicKeyViewSchema>;

type SearchQuery = Partial<Static<typeof AuditQuery>>;
type ExportRequest = Static<typeof ExportQuery>;

/** Where the server's checkpoint sealer did not answer (POST /api/audit/checkpoint, 503). */
export const SEALER_UNAVAILABLE = 'service_unavailable';

const EMPTY: EmptyBody = {};

function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** One page of events, newest first; `before` is the previous page's `nextBefore`. */
export function searchAudit(
  filter: AuditFilter,
  page: { before?: number; limit?: number } = {},
): Promise<AuditSearchResponse> {
  const query: SearchQuery = { ...filter, ...page };
  return apiRequest<AuditSearchResponse>('GET', withQuery('/api/audit', query));
}

/** Recomputes the hash chain and checks the signed checkpoints. */
/** One event's free-text reason, on an explicit request that the server logs. */
export function readAccessReason(eventId: string): Promise<AccessReason> {
  return apiRequest<AccessReason>(
    'GET',
    `/api/audit/events/${encodeURIComponent(eventId)}/access-reason`,
  );
}

export function verifyAuditLog(): Promise<Verification> {
  return apiRequest<Verification>('GET', '/api/audit/verify');
}

/** Has the sealer sign a checkpoint now; 503 `service_unavailable` when it is not running. */
export function requestCheckpoint(): Promise<Checkpoint> {
  return apiRequest<Checkpoint>('POST', '/api/audit/checkpoint', EMPTY);
}

// The server declares this answer inline in routes/audit/index.ts, so there is no schema to
// import its type from; it is a single string.
export async function fetchPublicKey(): Promise<string> {
  const { publicKey } = await apiRequest<PublicKeyView>('GET', '/api/audit/public-key');
  return publicKey;
}

/** Flags of the period (the server's default: the last 30 days). */
export function fetchAnomalies(
  period: { from?: string; to?: string } = {},
): Promise<AnomalyReport> {
  return apiRequest<AnomalyReport>('GET', withQuery('/api/audit/anomalies', period));
}

/** The filtered events as a file; the export is itself an access-log event. */
export function downloadExport(format: ExportFormat, filter: AuditFilter): Promise<DownloadedFile> {
  const query: ExportRequest = { format, ...filter };
  return apiDownload(withQuery('/api/audit/export', query));
}

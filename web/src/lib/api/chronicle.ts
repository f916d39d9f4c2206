import type { Static } from 'typebox';
import type {
  ChronicleBuildView,
  ChronicleConsentBody,
  ChronicleEntryView,
  ChronicleList,
  IncidentChronicleView,
} from '$schemas/chronicle.schema';
import type { MonitoringReport as MonitoringReportSchema } from '$schemas/monitoring.schema';
import { apiDownload, apiList, apiRequest, type DownloadedFile } from './client';

// BackUp's public chronicle (/api/incidents/:id/chronicle, /api/chronicle) and the VBRG
// monitoring export (/api/monitoring). Types come from the server's schemas.

export type ChronicleConsent = Static<typeof ChronicleConsentBody>;
export type ChronicleEntry = Static<typeof ChronicleEntryView>;
export type IncidentChronicle = Static<typeof IncidentChronicleView>;
export type ChronicleState = ChronicleEntry['state'];
export type MonitoringReport = Static<typeof MonitoringReportSchema>;
export type ChronicleBuild = Static<typeof ChronicleBuildView>;

const incidentPath = (incidentId: string) =>
  `/api/incidents/${encodeURIComponent(incidentId)}/chronicle`;
const entryPath = (id: string) => `/api/chronicle/${encodeURIComponent(id)}`;

export function fetchIncidentChronicle(incidentId: string): Promise<IncidentChronicle> {
  return apiRequest<IncidentChronicle>('GET', incidentPath(incidentId));
}

export function saveIncidentChronicle(
  incidentId: string,
  consent: ChronicleConsent,
): Promise<IncidentChronicle> {
  return apiRequest<IncidentChronicle>('PUT', incidentPath(incidentId), consent);
}

export function fetchChronicle(state?: ChronicleState): Promise<ChronicleEntry[]> {
  const query = state ? `?state=${state}` : '';
  return apiList<Static<typeof ChronicleList>, 'entries'>(`/api/chronicle${query}`, 'entries');
}

/** Approves the version the reviewer read (its `updatedAt`); a newer one answers 409. */
export function approveChronicleEntry(entry: {
  id: string;
  updatedAt: string;
}): Promise<ChronicleEntry> {
  return apiRequest<ChronicleEntry>('POST', `${entryPath(entry.id)}/approval`, {
    seenUpdatedAt: entry.updatedAt,
  });
}

export function withdrawChronicleEntry(id: string): Promise<ChronicleEntry> {
  return apiRequest<ChronicleEntry>('POST', `${entryPath(id)}/withdrawal`, {});
}

/** A build now (team leads): the files to put on the website, recorded as published there. */
export function buildChronicle(destination: string): Promise<ChronicleBuild> {
  return apiRequest<ChronicleBuild>('POST', '/api/chronicle/builds', { destination });
}

export function previewMonitoring(year: number): Promise<MonitoringReport> {
  return apiRequest<MonitoringReport>('GET', `/api/monitoring?year=${year}`);
}

/** Exactly the previewed figures; 409 preview_outdated when they changed since. */
export function downloadMonitoring(
  year: number,
  format: 'csv' | 'json',
  previewId: string,
): Promise<DownloadedFile> {
  return apiDownload(
    `/api/monitoring/export?year=${year}&format=${format}&preview=${encodeURIComponent(previewId)}`,
  );
}

// Team leads' anonymised statistics under /api/stats (team leads of the caller's own service
// only; every call is an access-log event). Counts only: a suppressed cell has no value at all.

import { apiDownload, apiRequest } from './client';
import type { DownloadedFile } from './client';
import type {
  AnnualReport,
  StatsGranularity,
  StatsQuery,
  StatsResponse,
  WorkloadResponse,
} from './types';

export type { AnnualReport, StatsGranularity, StatsQuery, StatsResponse, WorkloadResponse };
export type { StatsCell, StatsTable } from './types';

export const GRANULARITIES: readonly StatsGranularity[] = ['month', 'quarter', 'year'];

function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Every table of the caller's service for one period selection. */
export function fetchStats(query: StatsQuery): Promise<StatsResponse> {
  return apiRequest<StatsResponse>('GET', withQuery('/api/stats', { ...query }));
}

/** Open cases and upcoming appointments per counsellor of the service (counts only). */
export function fetchWorkload(): Promise<WorkloadResponse> {
  return apiRequest<WorkloadResponse>('GET', '/api/stats/workload');
}

/** The yearly figures for the printable annual report. */
export function fetchAnnualReport(year: number): Promise<AnnualReport> {
  return apiRequest<AnnualReport>('GET', withQuery('/api/stats/report', { year }));
}

/**
 * Where one table's CSV comes from, in the reader's language (suppressed cells are written as
 * "<k" by the server).
 */
export function statsCsvPath(table: string, query: StatsQuery, language: 'de' | 'en'): string {
  return withQuery('/api/stats/export.csv', { table, ...query, language });
}

/** One table as CSV, with the same suppression as the dashboard; the export is logged. */
export function downloadStatsCsv(
  table: string,
  query: StatsQuery,
  language: 'de' | 'en',
): Promise<DownloadedFile> {
  return apiDownload(statsCsvPath(table, query, language));
}

import { GRANULARITIES, type StatsGranularity, type StatsQuery } from '$lib/api/stats';

/** What the dashboard shows; it lives in the address bar, so a view can be bookmarked. */
export interface DashboardSelection {
  granularity: StatsGranularity;
  year: number;
  /** Table ids to show; null: all of them. */
  shown: readonly string[] | null;
}

/** The years offered: this one and the nine before (the server accepts 2000–2100). */
export function selectableYears(currentYear: number): number[] {
  return Array.from({ length: 10 }, (_unused, index) => currentYear - index);
}

const TABLE_ID = /^[a-z][a-z0-9_]{0,63}$/;

export function selectionFromParams(
  params: URLSearchParams,
  currentYear: number,
): DashboardSelection {
  const granularity = params.get('granularity');
  const year = Number(params.get('year'));
  const shown = params.get('show');
  return {
    granularity: GRANULARITIES.includes(granularity as StatsGranularity)
      ? (granularity as StatsGranularity)
      : // The year first: in months, most cells of a small service would be hidden ("< 5").
        'year',
    year: selectableYears(currentYear).includes(year) ? year : currentYear,
    shown: shown === null ? null : shown.split(',').filter((id) => TABLE_ID.test(id)),
  };
}

export function selectionToParams(selection: DashboardSelection): string {
  const params = new URLSearchParams({
    granularity: selection.granularity,
    year: String(selection.year),
  });
  if (selection.shown !== null) params.set('show', selection.shown.join(','));
  return params.toString();
}

export function apiQuery(selection: DashboardSelection): StatsQuery {
  return { granularity: selection.granularity, year: selection.year };
}

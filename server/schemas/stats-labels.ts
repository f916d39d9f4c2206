import type { StatsCell, StatsGranularity } from './stats.schema.ts';

// How the statistics name their tables, rows and columns, from the web's message catalogues:
// the same words on the statistics page and in the CSV export the server writes.

/** svelte-i18n's `$_` with a fallback text, for codes that may have no label of their own. */
export type Labeller = (
  id: string,
  options?: { values?: Record<string, string | number>; default?: string },
) => string;

/**
 * Where the case-work pages already name a dimension's codes (offence types, districts, …),
 * the statistics use the same words; anything else is named in stats.*.json.
 */
const CASE_VOCABULARY: Readonly<Record<string, string>> = {
  offenceType: 'cases.offenceType',
  motive: 'cases.motive',
  district: 'cases.district',
  source: 'cases.source',
  policeReport: 'cases.policeReport',
  accompanimentKind: 'cases.accompanimentKind',
  contactKind: 'cases.noteKind',
  exitPhase: 'cases.exitPhase',
  ending: 'cases.exitPhase',
  riskLevel: 'cases.riskLevel',
  preventionSetting: 'cases.preventionSetting',
  trainingAudience: 'cases.trainingAudience',
};

/** Humanised code, for a table or code no label exists for yet (never empty). */
function readable(code: string): string {
  const text = code.replace(/[_-]+/g, ' ').trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : code;
}

/** The first of the message ids that has a text, else the readable code. */
function firstKnown(t: Labeller, ids: readonly string[], code: string): string {
  for (const id of ids) {
    const text = t(id, { default: '' });
    if (text !== '' && text !== id) return text;
  }
  return readable(code);
}

export function tableTitle(t: Labeller, id: string): string {
  return firstKnown(t, [`stats.table.${id}.title`], id);
}

/** One line under a table's title saying what is counted, if there is one. */
export function tableDescription(t: Labeller, id: string): string {
  const text = t(`stats.table.${id}.description`, { default: '' });
  return text === `stats.table.${id}.description` ? '' : text;
}

export function dimensionLabel(t: Labeller, dimension: string): string {
  return firstKnown(t, [`stats.dimension.${dimension}`], dimension);
}

export function rowLabel(t: Labeller, dimension: string, key: string): string {
  const vocabulary = CASE_VOCABULARY[dimension];
  const ids = [`stats.row.${dimension}.${key}`];
  if (vocabulary) ids.push(`${vocabulary}.${key}`);
  return firstKnown(t, ids, key);
}

/** '2026-03' → "März 2026", '2026-Q1' → "1. Quartal 2026", '2026' → "2026". */
export function columnLabel(t: Labeller, column: string, locale: string | null | undefined) {
  const month = /^(\d{4})-(\d{2})$/.exec(column);
  if (month) {
    const date = new Date(Number(month[1]), Number(month[2]) - 1, 1);
    return date.toLocaleDateString(locale ?? 'de', { month: 'short', year: 'numeric' });
  }
  const quarter = /^(\d{4})-Q([1-4])$/.exec(column);
  if (quarter) {
    return t('stats.period.quarterLabel', { values: { year: quarter[1]!, quarter: quarter[2]! } });
  }
  return column;
}

export function granularityLabel(t: Labeller, granularity: StatsGranularity): string {
  return t(`stats.period.${granularity}`);
}

/** The mark of every hidden cell, small or hidden to protect others alike. */
export const SUPPRESSED_MARK = '•';

/**
 * What a cell shows: the count, or the neutral mark when suppressed (a cell hidden to protect
 * others may hold any count, so "< k" would be false, and marking the two kinds apart would
 * tell which cells are small). A suppressed cell has no value at all (the server sends null).
 */
export function cellText(cell: StatsCell, format: (n: number) => string) {
  return cell.suppressed || cell.value === null ? SUPPRESSED_MARK : format(cell.value);
}

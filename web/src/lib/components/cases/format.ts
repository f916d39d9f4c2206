import type { Translate } from '$lib/i18n';

// Dates and times in the user's language; the server sends ISO strings.

export function formatDay(day: string, locale: string | null | undefined): string {
  const [year, month, date] = day.slice(0, 10).split('-').map(Number);
  return new Date(year ?? 1970, (month ?? 1) - 1, date ?? 1).toLocaleDateString(locale ?? 'de', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  });
}

export function formatDateTime(instant: string, locale: string | null | undefined): string {
  return new Date(instant).toLocaleString(locale ?? 'de', {
    weekday: 'short',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function formatTime(instant: string, locale: string | null | undefined): string {
  return new Date(instant).toLocaleTimeString(locale ?? 'de', {
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** Options of a select, labelled from `cases.<group>.<value>`. */
export function optionsOf(
  values: readonly string[],
  group: string,
  t: Translate,
): { value: string; label: string }[] {
  return values.map((value) => ({ value, label: t(`${group}.${value}`) }));
}

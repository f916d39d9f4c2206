// Times and numbers in the reader's language and time zone: 23.11.2026, 14:05:09 in German,
// 23 Nov 2026, 14:05:09 in English. Seconds are kept: an auditor compares events a moment apart.

const REGIONS: Record<string, string> = { de: 'de-DE', en: 'en-GB' };

function region(locale: string | null | undefined): string {
  return REGIONS[locale ?? 'de'] ?? 'de-DE';
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(tag: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${tag} ${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(tag, options);
    formats.set(key, format);
  }
  return format;
}

function format(
  iso: string,
  locale: string | null | undefined,
  options: Intl.DateTimeFormatOptions,
) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formatter(region(locale), options).format(date);
}

export function formatDateTime(iso: string, locale: string | null | undefined): string {
  return format(iso, locale, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** Date and time apart, for a narrow table column. */
export function formatDateAndTime(
  iso: string,
  locale: string | null | undefined,
): { date: string; time: string } {
  return {
    date: format(iso, locale, { dateStyle: 'medium' }),
    time: format(iso, locale, { timeStyle: 'medium' }),
  };
}

export function formatCount(count: number, locale: string | null | undefined): string {
  return count.toLocaleString(region(locale));
}

/** A calendar day (YYYY-MM-DD, as a date input gives it) in the reader's language. */
export function formatDay(day: string, locale: string | null | undefined): string {
  const [year, month, date] = day.split('-').map(Number);
  if (!year || !month || !date) return day;
  return new Date(year, month - 1, date).toLocaleDateString(region(locale), {
    dateStyle: 'medium',
  });
}

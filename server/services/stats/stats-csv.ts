import { readdirSync, readFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import {
  columnLabel,
  dimensionLabel,
  rowLabel,
  type Labeller,
} from '../../schemas/stats-labels.ts';
import type { StatsTable } from '../../schemas/stats.schema.ts';

export const CSV_LANGUAGES = ['de', 'en'] as const;
export type CsvLanguage = (typeof CSV_LANGUAGES)[number];

// The words of the statistics page, so a table reads the same on screen and in the file.
const LOCALES_DIR = new URL('../../../web/src/lib/i18n/locales/', import.meta.url);

type Messages = { [key: string]: string | Messages };
const catalogues = new Map<CsvLanguage, Messages>();

function catalogue(language: CsvLanguage): Messages {
  let found = catalogues.get(language);
  if (!found) {
    found = {};
    for (const name of readdirSync(LOCALES_DIR)) {
      if (name === `${language}.json` || name.endsWith(`.${language}.json`)) {
        Object.assign(found, JSON.parse(readFileSync(new URL(name, LOCALES_DIR), 'utf8')));
      }
    }
    catalogues.set(language, found);
  }
  return found;
}

/**
 * svelte-i18n's lookup for plain `{name}` messages, enough for the statistics' labels (and the
 * chronicle's and monitoring export's, which use the same words).
 */
export function labeller(language: CsvLanguage): Labeller {
  const messages = catalogue(language);
  return (id, options) => {
    let node: string | Messages | undefined = messages;
    for (const part of id.split('.')) node = typeof node === 'object' ? node[part] : undefined;
    if (typeof node !== 'string') return options?.default ?? id;
    const values = options?.values ?? {};
    return node.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in values ? String(values[name]) : whole,
    );
  };
}

/**
 * One statistics table as CSV for German office software: `;` between fields, a UTF-8 byte
 * order mark (else Excel reads the umlauts as Latin-1), headers and rows in words, and the
 * codes in a last column for partners who merge tables. Every hidden cell carries one word,
 * whether it is small or hidden to protect another: told apart, they would give values away
 * (SECURITY.md, Statistics). The totals row has no code.
 */
export function tableCsv(table: StatsTable, language: CsvLanguage): string {
  const t = labeller(language);
  const hidden = t('stats.csvSuppressed');
  const cell = (value: { value: number | null; suppressed: boolean }) =>
    value.suppressed || value.value === null ? hidden : String(value.value);
  const total = t('stats.total');
  return stringify(
    [
      [
        dimensionLabel(t, table.rowDimension),
        ...table.columns.map((column) => columnLabel(t, column, language)),
        total,
        t('stats.code'),
      ],
      ...table.rows.map((row) => [
        rowLabel(t, table.rowDimension, row.key),
        ...row.cells.map(cell),
        cell(row.total),
        row.key,
      ]),
      [total, ...table.totals.cells.map(cell), cell(table.totals.total), ''],
    ],
    { delimiter: ';', bom: true, record_delimiter: 'windows' },
  );
}

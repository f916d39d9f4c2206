import type {
  StatsCell,
  StatsChart,
  StatsGranularity,
  StatsTable,
} from '../../schemas/stats.schema.ts';
import { suppress, type SuppressionGroup } from './suppression.ts';

// Turns monthly counts into suppressed tables. The tables of a family share one total (e.g.
// incidents by offence, by district, by source: all count incidents), so the whole family gets
// ONE suppression pattern over the full hierarchy — months, quarters, years and five-year
// windows of every year with data, every row and the shared totals row — and every answer,
// whatever its granularity or year, is read from that pattern.

/** Periods (YYYYMM) and counts of one row of one table. */
export type MonthlyCounts = ReadonlyMap<number, number>;

export interface TableSpec {
  id: string;
  chart: StatsChart;
  rowDimension: string;
  /** Every category, in display order; rows without data show zeros. */
  rowKeys: readonly string[];
  counts: ReadonlyMap<string, MonthlyCounts>;
}

export interface FamilySpec {
  tables: readonly TableSpec[];
  /** The shared total per month (for multi-valued rows such as motives, not their sum). */
  totals: MonthlyCounts;
}

const WINDOW_YEARS = 5;

/** Sums counts given as `{ month, key, value }` rows into per-row monthly maps. */
export function byRow(rows: ReadonlyArray<{ month: number; key: string; value: number }>) {
  const result = new Map<string, Map<number, number>>();
  for (const { month, key, value } of rows) {
    let row = result.get(key);
    if (!row) result.set(key, (row = new Map()));
    row.set(month, (row.get(month) ?? 0) + value);
  }
  return result;
}

/** Adds up several monthly maps (a table's totals when its rows partition them). */
export function sumRows(rows: Iterable<MonthlyCounts>): Map<number, number> {
  const total = new Map<number, number>();
  for (const row of rows) {
    for (const [month, value] of row) total.set(month, (total.get(month) ?? 0) + value);
  }
  return total;
}

export interface FamilyPattern {
  render(tableId: string, granularity: StatsGranularity, year: number): StatsTable | undefined;
}

export function buildFamily(spec: FamilySpec, minCellSize: number): FamilyPattern {
  const months = [...spec.totals.keys()];
  for (const table of spec.tables) {
    for (const row of table.counts.values()) months.push(...row.keys());
  }
  const years = months.map((month) => Math.floor(month / 100));
  const first = years.length ? Math.min(...years) : 0;
  const last = years.length ? Math.max(...years) : -1;
  const yearCount = last - first + 1; // 0 when there is no data
  const windowCount = yearCount > 0 ? yearCount + WINDOW_YEARS - 1 : 0;
  const slots = 17 * yearCount + windowCount;
  const slot = {
    month: (year: number, month: number) => (year - first) * 12 + month - 1,
    quarter: (year: number, quarter: number) => 12 * yearCount + (year - first) * 4 + quarter - 1,
    year: (year: number) => 16 * yearCount + year - first,
    window: (end: number) => 17 * yearCount + end - first,
  };
  const inYears = (year: number) => year >= first && year <= last;
  const inWindows = (end: number) => end >= first && end <= last + WINDOW_YEARS - 1;

  // Row 0 is the shared totals row; then every table's rows in order.
  const rowSeries: MonthlyCounts[] = [spec.totals];
  const firstRow = new Map<string, number>();
  for (const table of spec.tables) {
    firstRow.set(table.id, rowSeries.length);
    for (const key of table.rowKeys) rowSeries.push(table.counts.get(key) ?? new Map());
  }
  const cell = (row: number, at: number) => row * slots + at;

  const values: number[] = [];
  for (const series of rowSeries) {
    const row = new Array<number>(slots).fill(0);
    for (const [period, value] of series) {
      const year = Math.floor(period / 100);
      const month = period % 100;
      row[slot.month(year, month)]! += value;
      row[slot.quarter(year, Math.ceil(month / 3))]! += value;
      row[slot.year(year)]! += value;
      for (let end = year; end < year + WINDOW_YEARS; end += 1) row[slot.window(end)]! += value;
    }
    values.push(...row);
  }

  const groups: SuppressionGroup[] = [];
  rowSeries.forEach((_, row) => {
    for (let year = first; year <= last; year += 1) {
      const monthCells = Array.from({ length: 12 }, (_, m) => cell(row, slot.month(year, m + 1)));
      for (let quarter = 1; quarter <= 4; quarter += 1) {
        groups.push({
          parts: monthCells.slice((quarter - 1) * 3, quarter * 3),
          whole: cell(row, slot.quarter(year, quarter)),
        });
      }
      const quarters = [1, 2, 3, 4].map((quarter) => cell(row, slot.quarter(year, quarter)));
      groups.push({ parts: quarters, whole: cell(row, slot.year(year)) });
      groups.push({ parts: monthCells, whole: cell(row, slot.year(year)) });
    }
    for (let end = first; end <= last + WINDOW_YEARS - 1; end += 1) {
      const parts: number[] = [];
      for (let year = end - WINDOW_YEARS + 1; year <= end; year += 1) {
        if (inYears(year)) parts.push(cell(row, slot.year(year)));
      }
      groups.push({ parts, whole: cell(row, slot.window(end)) });
    }
  });
  for (const table of spec.tables) {
    const start = firstRow.get(table.id)!;
    const others = spec.tables.filter((other) => other !== table);
    for (let at = 0; at < slots; at += 1) {
      const triggers = others.flatMap((other) => {
        const from = firstRow.get(other.id)!;
        return other.rowKeys.map((_, index) => cell(from + index, at));
      });
      groups.push({
        parts: table.rowKeys.map((_, index) => cell(start + index, at)),
        whole: cell(0, at),
        triggers,
      });
    }
  }

  const hidden = suppress({ values, groups }, minCellSize);
  const shown = (row: number, at: number | undefined): StatsCell => {
    if (at === undefined) return { value: 0, suppressed: false };
    const id = cell(row, at);
    return hidden[id]
      ? { value: null, suppressed: true }
      : { value: values[id]!, suppressed: false };
  };

  /** The slots of a view's columns and of its total (undefined: outside the data, zero). */
  function view(granularity: StatsGranularity, year: number) {
    const yearSlot = inYears(year) ? slot.year(year) : undefined;
    if (granularity === 'month') {
      return {
        columns: Array.from({ length: 12 }, (_, m) => `${year}-${String(m + 1).padStart(2, '0')}`),
        at: Array.from({ length: 12 }, (_, m) =>
          inYears(year) ? slot.month(year, m + 1) : undefined,
        ),
        total: yearSlot,
      };
    }
    if (granularity === 'quarter') {
      return {
        columns: [1, 2, 3, 4].map((quarter) => `${year}-Q${quarter}`),
        at: [1, 2, 3, 4].map((quarter) =>
          inYears(year) ? slot.quarter(year, quarter) : undefined,
        ),
        total: yearSlot,
      };
    }
    const shownYears = Array.from({ length: WINDOW_YEARS }, (_, i) => year - WINDOW_YEARS + 1 + i);
    return {
      columns: shownYears.map(String),
      at: shownYears.map((shownYear) => (inYears(shownYear) ? slot.year(shownYear) : undefined)),
      total: inWindows(year) ? slot.window(year) : undefined,
    };
  }

  return {
    render(tableId, granularity, year) {
      const table = spec.tables.find((candidate) => candidate.id === tableId);
      if (!table) return undefined;
      const { columns, at, total } = view(granularity, year);
      const start = firstRow.get(table.id)!;
      return {
        id: table.id,
        chart: table.chart,
        rowDimension: table.rowDimension,
        columns,
        rows: table.rowKeys.map((key, index) => ({
          key,
          cells: at.map((position) => shown(start + index, position)),
          total: shown(start + index, total),
        })),
        totals: {
          cells: at.map((position) => shown(0, position)),
          total: shown(0, total),
        },
      };
    },
  };
}

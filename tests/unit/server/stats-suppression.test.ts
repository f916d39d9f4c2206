import { describe, expect, it } from 'vitest';
import type { StatsGranularity, StatsTable } from '../../../server/schemas/stats.schema.ts';
import {
  buildFamily,
  sumRows,
  type TableSpec,
} from '../../../server/services/stats/stats-tables.ts';
import { determinedCells, suppress } from '../../../server/services/stats/suppression.ts';

const K = 5;

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The attacker's tool, independent of the code under test: Gaussian elimination in floating
 * point with partial pivoting. Returns the unknowns whose value the equations pin down.
 */
function pinnedDown(equations: Map<string, number>[], unknowns: string[]): string[] {
  const index = new Map(unknowns.map((name, i) => [name, i]));
  const rows = equations.map((equation) => {
    const row = new Array<number>(unknowns.length).fill(0);
    for (const [name, coefficient] of equation) row[index.get(name)!]! += coefficient;
    return row;
  });
  const pivotRowOf: number[] = [];
  let rank = 0;
  for (let column = 0; column < unknowns.length && rank < rows.length; column += 1) {
    let best = rank;
    for (let r = rank; r < rows.length; r += 1) {
      if (Math.abs(rows[r]![column]!) > Math.abs(rows[best]![column]!)) best = r;
    }
    if (Math.abs(rows[best]![column]!) < 1e-9) continue;
    [rows[rank], rows[best]] = [rows[best]!, rows[rank]!];
    const pivot = rows[rank]!;
    const scale = pivot[column]!;
    for (let c = 0; c < pivot.length; c += 1) pivot[c]! /= scale;
    for (let r = 0; r < rows.length; r += 1) {
      if (r === rank) continue;
      const factor = rows[r]![column]!;
      if (Math.abs(factor) < 1e-12) continue;
      for (let c = 0; c < pivot.length; c += 1) rows[r]![c]! -= factor * pivot[c]!;
    }
    pivotRowOf[column] = rank;
    rank += 1;
  }
  // Reduced row echelon form: an unknown is determined iff its pivot row has no other entry.
  return unknowns.filter((_, column) => {
    const r = pivotRowOf[column];
    if (r === undefined) return false;
    return rows[r]!.every((value, c) => c === column || Math.abs(value) < 1e-9);
  });
}

type Views = Map<string, StatsTable>;

/** Everything a team lead can ask for: every granularity of every year near the data. */
function allViews(
  render: (id: string, g: StatsGranularity, y: number) => StatsTable,
  ids: string[],
  years: number[],
): Views {
  const views: Views = new Map();
  for (const id of ids) {
    for (const year of years) {
      for (const granularity of ['month', 'quarter', 'year'] as const) {
        views.set(`${id}:${granularity}:${year}`, render(id, granularity, year));
      }
    }
  }
  return views;
}

/**
 * The differencing attack on the published answers only: every additive relation a reader
 * knows (months of a quarter, quarters and months of a year, years of a five-year total, rows
 * of the shared totals row, across all tables of the family) as equations over the suppressed
 * cells. Returns the suppressed cells it recovers, and every small sum it learns.
 */
function attack(views: Views, ids: string[], years: number[]) {
  const value = new Map<string, number | null>();
  const note = (name: string, cell: { value: number | null; suppressed: boolean }) => {
    expect(cell.suppressed).toBe(cell.value === null);
    const before = value.get(name);
    if (before !== undefined) expect(cell.value).toBe(before); // same cell, same answer
    value.set(name, cell.value);
  };
  for (const [key, table] of views) {
    const [id, granularity, yearText] = key.split(':');
    const year = Number(yearText);
    const totalName = granularity === 'year' ? `W${year}` : `${year}`;
    const rows = [
      ...table.rows.map((row) => ({ name: `${id}|${row.key}`, ...row })),
      { name: 'TOTAL', ...table.totals },
    ];
    for (const row of rows) {
      row.cells.forEach((cell, i) => note(`${row.name}|${table.columns[i]}`, cell));
      note(`${row.name}|${totalName}`, row.total);
    }
  }
  const equations: Map<string, number>[] = [];
  const smallSums: string[] = [];
  const relation = (parts: string[], whole: string) => {
    const equation = new Map<string, number>();
    let constant = 0;
    for (const [name, sign] of [...parts.map((p) => [p, 1] as const), [whole, -1] as const]) {
      const known = value.get(name);
      if (known === undefined) return; // not published
      if (known === null) equation.set(name, (equation.get(name) ?? 0) + sign);
      else constant += sign * known;
    }
    if (equation.size === 0) return;
    equations.push(equation);
    // All hidden cells are parts: the reader learns their sum.
    if ([...equation.values()].every((c) => c === 1) && -constant > 0 && -constant < K) {
      smallSums.push(`${[...equation.keys()].join('+')}=${-constant}`);
    }
  };
  const rowNames = ['TOTAL'];
  for (const id of ids) {
    const table = views.get(`${id}:month:${years[0]}`)!;
    rowNames.push(...table.rows.map((row) => `${id}|${row.key}`));
  }
  for (const row of rowNames) {
    for (const year of years) {
      const month = (m: number) => `${row}|${year}-${String(m).padStart(2, '0')}`;
      const quarter = (q: number) => `${row}|${year}-Q${q}`;
      for (let q = 1; q <= 4; q += 1)
        relation(
          [1, 2, 3].map((i) => month(3 * q - 3 + i)),
          quarter(q),
        );
      relation([1, 2, 3, 4].map(quarter), `${row}|${year}`);
      relation(
        Array.from({ length: 12 }, (_, i) => month(i + 1)),
        `${row}|${year}`,
      );
      relation(
        Array.from({ length: 5 }, (_, i) => `${row}|${year - 4 + i}`),
        `${row}|W${year}`,
      );
    }
  }
  const periods = new Set<string>();
  for (const [name] of value) periods.add(name.split('|').at(-1)!);
  for (const id of ids) {
    const keys = views.get(`${id}:month:${years[0]}`)!.rows.map((row) => row.key);
    for (const period of periods)
      relation(
        keys.map((key) => `${id}|${key}|${period}`),
        `TOTAL|${period}`,
      );
  }
  const unknowns = [...value].filter(([, v]) => v === null).map(([name]) => name);
  return { recovered: pinnedDown(equations, unknowns), smallSums, unknowns };
}

/** The true count behind a name of the attack (`table|row|period` or `TOTAL|period`). */
function trueValue(family: { tables: TableSpec[]; totals: ReadonlyMap<number, number> }) {
  return (name: string): number => {
    const parts = name.split('|');
    const period = parts.at(-1)!;
    const series =
      parts[0] === 'TOTAL'
        ? family.totals
        : (family.tables.find((table) => table.id === parts[0])!.counts.get(parts[1]!) ??
          new Map<number, number>());
    const inPeriod = (month: number) => {
      const year = Math.floor(month / 100);
      if (period.startsWith('W')) {
        const end = Number(period.slice(1));
        return year > end - 5 && year <= end;
      }
      if (/^\d{4}$/.test(period)) return year === Number(period);
      if (period.includes('-Q')) {
        const [y, q] = period.split('-Q');
        return year === Number(y) && Math.ceil((month % 100) / 3) === Number(q);
      }
      return month === Number(period.replace('-', ''));
    };
    let total = 0;
    for (const [month, value] of series) if (inPeriod(month)) total += value;
    return total;
  };
}

/** A sparse family: incidents by offence and by district, the way small services look. */
function sparseFamily(seed: number, years: number[]) {
  const next = random(seed);
  const offences = ['arson', 'threat', 'assault'];
  const districts = ['soest', 'unna', 'hamm', 'dortmund'];
  const byOffence = new Map(offences.map((key) => [key, new Map<number, number>()]));
  const byDistrict = new Map(districts.map((key) => [key, new Map<number, number>()]));
  for (const year of years) {
    for (let month = 1; month <= 12; month += 1) {
      const incidents = Math.floor(next() * 9);
      for (let i = 0; i < incidents; i += 1) {
        const period = year * 100 + month;
        const offence = offences[Math.floor(next() * offences.length)]!;
        const district = districts[Math.floor(next() ** 2 * districts.length)]!;
        byOffence.get(offence)!.set(period, (byOffence.get(offence)!.get(period) ?? 0) + 1);
        byDistrict.get(district)!.set(period, (byDistrict.get(district)!.get(period) ?? 0) + 1);
      }
    }
  }
  const tables: TableSpec[] = [
    {
      id: 'by_offence',
      chart: 'bar',
      rowDimension: 'offenceType',
      rowKeys: offences,
      counts: byOffence,
    },
    {
      id: 'by_district',
      chart: 'bar',
      rowDimension: 'district',
      rowKeys: districts,
      counts: byDistrict,
    },
  ];
  return { tables, totals: sumRows(byOffence.values()) };
}

describe('suppress', () => {
  it('hides every count from 1 to k-1 and shows 0 and counts of k or more', () => {
    const hidden = suppress({ values: [0, 1, 4, 5, 9], groups: [] }, K);
    expect(hidden).toEqual([false, true, true, false, false]);
  });

  it('hides a second cell in a group with one small cell, the smallest non-zero first', () => {
    // parts 3, 0, 7, 20 -> whole 30
    const hidden = suppress(
      { values: [3, 0, 7, 20, 30], groups: [{ parts: [0, 1, 2, 3], whole: 4 }] },
      K,
    );
    expect(hidden).toEqual([true, false, true, false, false]);
  });

  it('hides the whole when the hidden parts add up to less than k', () => {
    // 1 + 2 hidden, whole 10: 10 - 7 = 3 would tell the pair's sum
    const hidden = suppress({ values: [1, 2, 7, 10], groups: [{ parts: [0, 1, 2], whole: 3 }] }, K);
    expect(hidden[3]).toBe(true);
    expect(hidden.filter(Boolean).length).toBeGreaterThanOrEqual(3);
  });

  it('hides the whole when the only other parts are zeros', () => {
    const hidden = suppress({ values: [3, 0, 0, 3], groups: [{ parts: [0, 1, 2], whole: 3 }] }, K);
    expect(hidden[0]).toBe(true);
    expect(hidden[3]).toBe(true);
  });

  it('suppresses a triggered group of another breakdown of the same total', () => {
    // table A: 3 + 40 = 43; table B: 20 + 23 = 43 (no small cell of its own)
    const values = [43, 3, 40, 20, 23];
    const hidden = suppress(
      {
        values,
        groups: [
          { parts: [1, 2], whole: 0, triggers: [3, 4] },
          { parts: [3, 4], whole: 0, triggers: [1, 2] },
        ],
      },
      K,
    );
    expect(hidden[1]).toBe(true);
    expect(hidden[3] && hidden[4]).toBe(true);
  });

  it('closes a leak that only a combination of groups opens', () => {
    // a + b = W1 (both hidden), b + c = W2 (both hidden), a + c = W3 with only a hidden
    // locally is repaired by the group rule; here the chain a-b, b-c, c-a with all wholes
    // visible determines every cell: a = (W1 - W2 + W3) / 2.
    const values = [2, 3, 4, 5, 7, 6];
    const groups = [
      { parts: [0, 1], whole: 3 },
      { parts: [1, 2], whole: 4 },
      { parts: [0, 2], whole: 5 },
    ];
    expect(determinedCells(groups, [true, true, true, false, false, false])).toEqual([0, 1, 2]);
    const hidden = suppress({ values, groups }, K);
    expect(determinedCells(groups, hidden)).toEqual([]);
  });
});

describe('differencing attacks on the published tables', () => {
  const years = [2024, 2025, 2026];

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])(
    'recover no small hidden count (data set %i)',
    (seed) => {
      const family = sparseFamily(seed, years);
      const pattern = buildFamily(family, K);
      const ids = ['by_offence', 'by_district'];
      const views = allViews(
        (id, granularity, year) => pattern.render(id, granularity, year)!,
        ids,
        [2022, 2023, ...years, 2027, 2028, 2029, 2030],
      );
      for (const table of views.values()) {
        for (const cell of [...table.rows, table.totals].flatMap((row) => [
          ...row.cells,
          row.total,
        ])) {
          if (!cell.suppressed) expect(cell.value === 0 || cell.value! >= K).toBe(true);
        }
      }
      const { recovered, smallSums, unknowns } = attack(views, ids, years);
      expect(unknowns.length).toBeGreaterThan(0);
      // Recovering a hidden 0 or a hidden partner of k or more discloses nothing that could
      // not have been published; no count from 1 to k-1 may be recovered.
      const truth = trueValue(family);
      const small = recovered.filter((name) => truth(name) > 0 && truth(name) < K);
      expect(small).toEqual([]);
      expect(smallSums).toEqual([]);
    },
  );

  it('publishes every count when nothing is small', () => {
    const counts = new Map([
      [
        'a',
        new Map([
          [202601, 10],
          [202602, 7],
        ]),
      ],
      [
        'b',
        new Map([
          [202601, 5],
          [202602, 0],
        ]),
      ],
    ]);
    const pattern = buildFamily(
      {
        tables: [{ id: 't', chart: 'bar', rowDimension: 'x', rowKeys: ['a', 'b'], counts }],
        totals: sumRows(counts.values()),
      },
      K,
    );
    const table = pattern.render('t', 'month', 2026)!;
    expect(table.columns.slice(0, 2)).toEqual(['2026-01', '2026-02']);
    expect(table.rows[0]!.cells.slice(0, 2)).toEqual([
      { value: 10, suppressed: false },
      { value: 7, suppressed: false },
    ]);
    expect(table.rows[1]!.total).toEqual({ value: 5, suppressed: false });
    expect(table.totals.total).toEqual({ value: 22, suppressed: false });
    const fiveYears = pattern.render('t', 'year', 2027)!;
    expect(fiveYears.columns).toEqual(['2023', '2024', '2025', '2026', '2027']);
    expect(fiveYears.totals.cells.map((cell) => cell.value)).toEqual([0, 0, 0, 22, 0]);
    expect(fiveYears.totals.total).toEqual({ value: 22, suppressed: false });
  });

  it('hides 3 arsons in one month in every view: month, quarter, year, five years', () => {
    const counts = new Map([
      ['arson', new Map([[202603, 3]])],
      [
        'threat',
        new Map([
          [202601, 12],
          [202602, 9],
          [202603, 11],
          [202605, 8],
        ]),
      ],
    ]);
    const pattern = buildFamily(
      {
        tables: [
          { id: 't', chart: 'bar', rowDimension: 'x', rowKeys: ['arson', 'threat'], counts },
        ],
        totals: sumRows(counts.values()),
      },
      K,
    );
    const published = (['month', 'quarter', 'year'] as const).flatMap((granularity) => {
      const table = pattern.render('t', granularity, 2026)!;
      return [...table.rows, table.totals].flatMap((row) => [...row.cells, row.total]);
    });
    expect(published.some((cell) => cell.value !== null && cell.value > 0 && cell.value < K)).toBe(
      false,
    );
    const arson = pattern.render('t', 'month', 2026)!.rows[0]!;
    expect(arson.cells[2]).toEqual({ value: null, suppressed: true });
    expect(arson.total).toEqual({ value: null, suppressed: true });
  });
});

import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { initCrypto } from '../../../crypto/index.ts';
import { getSodium } from '../../../crypto/sodium.ts';
import { statisticsFactKey } from '../../../crypto/statistics-key.ts';
import { ConfigError, loadConfig } from '../../../server/config/load-config.ts';
import { durationRange } from '../../../server/repositories/stats/stats-facts.repository.ts';
import { tableCsv } from '../../../server/services/stats/stats-csv.ts';
import { comebackFamilies } from '../../../server/services/stats/stats.service.ts';

await initCrypto();

const ID = '0190f5c2-7e1a-7c3b-9d4e-5f6a7b8c9d0e';

describe('statisticsFactKey', () => {
  const key = new Uint8Array(32).fill(7);

  it('is a stable 32-byte keyed hash of kind and record id', () => {
    const first = statisticsFactKey(key, 'case', ID);
    expect(first).toHaveLength(32);
    expect(statisticsFactKey(key, 'case', ID)).toEqual(first);
  });

  it('cannot be recomputed without the key, and differs per kind and per service key', () => {
    const fact = Buffer.from(statisticsFactKey(key, 'case', ID)).toString('hex');
    const unkeyed = (input: string) =>
      Buffer.from(getSodium().crypto_generichash(32, input, null)).toString('hex');
    expect(fact).not.toBe(unkeyed(ID));
    expect(fact).not.toBe(unkeyed(`casework/stats-fact/v1\0case\0${ID}`));
    expect(fact).not.toContain(ID.replace(/-/g, ''));
    const otherKind = Buffer.from(statisticsFactKey(key, 'incident', ID)).toString('hex');
    const otherKey = Buffer.from(
      statisticsFactKey(new Uint8Array(32).fill(8), 'case', ID),
    ).toString('hex');
    expect(new Set([fact, otherKind, otherKey]).size).toBe(3);
  });

  it('refuses a wrong key, kind or id', () => {
    expect(() => statisticsFactKey(new Uint8Array(16), 'case', ID)).toThrow(TypeError);
    expect(() => statisticsFactKey(key, 'case\0x', ID)).toThrow(TypeError);
    expect(() => statisticsFactKey(key, 'case', '')).toThrow(TypeError);
  });
});

describe('durationRange', () => {
  const day = (text: string) => new Date(`${text}T00:00:00Z`);
  it.each([
    ['2026-01-01', '2026-03-31', '0-3m'],
    ['2026-01-01', '2026-04-15', '3-6m'],
    ['2026-01-01', '2026-09-01', '6-12m'],
    ['2025-01-01', '2026-06-01', '12-24m'],
    ['2022-01-01', '2026-06-01', '24m+'],
  ])('%s to %s is %s', (from, to, range) => {
    expect(durationRange(day(from), day(to))).toBe(range);
  });
});

describe('CASEWORK_STATS_MIN_CELL', () => {
  it('defaults to 5 and takes another k', () => {
    expect(loadConfig({}).stats).toEqual({ minCellSize: 5 });
    expect(loadConfig({ CASEWORK_STATS_MIN_CELL: '10' }).stats).toEqual({ minCellSize: 10 });
  });

  it('refuses a k that would suppress nothing', () => {
    expect(() => loadConfig({ CASEWORK_STATS_MIN_CELL: '1' })).toThrow(ConfigError);
    expect(() => loadConfig({ CASEWORK_STATS_MIN_CELL: 'five' })).toThrow(ConfigError);
  });
});

describe('tableCsv', () => {
  const table = {
    id: 'incidents_by_offence',
    chart: 'bar' as const,
    rowDimension: 'offenceType',
    columns: ['2026-Q1', '2026-Q2'],
    rows: [
      {
        key: 'arson',
        cells: [
          { value: null, suppressed: true },
          { value: 0, suppressed: false },
        ],
        total: { value: null, suppressed: true },
      },
    ],
    totals: {
      cells: [
        { value: 12, suppressed: false },
        { value: 0, suppressed: false },
      ],
      total: { value: 12, suppressed: false },
    },
  };

  it('writes CSV for German office software: BOM, semicolons, words for headers and rows, one word for every hidden cell, codes last', () => {
    const csv = tableCsv(table, 'de');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(parse(csv, { bom: true, delimiter: ';' })).toEqual([
      ['Tatbestand', '1. Quartal 2026', '2. Quartal 2026', 'Summe', 'Code'],
      ['Brandstiftung', 'verborgen', '0', 'verborgen', 'arson'],
      ['Summe', '12', '0', '12', ''],
    ]);
    expect(csv).toContain('\r\n');
  });

  it('writes the same table with English words when asked', () => {
    const [header] = parse(tableCsv(table, 'en'), { bom: true, delimiter: ';' });
    expect(header).toEqual(['Offence', 'Q1 2026', 'Q2 2026', 'Total', 'Code']);
  });
});

describe('ComeBack endings and durations', () => {
  it('share the number of exits as their total, not the sum of both tables', async () => {
    // Ten exits in January 2026: six closings, four breaking off; all within three months.
    const month = 202601;
    const facts = {
      caseCounts: async () => ({
        openedClosed: [],
        endings: [
          { month, key: 'closing', value: 6 },
          { month, key: 'breaking_off', value: 4 },
        ],
        durations: [{ month, key: '0-3m', value: 10 }],
      }),
      activityBreakdowns: async () => () => [],
    };
    const families = await comebackFamilies(facts as never);
    const exits = families.find((family) =>
      family.tables.some((table) => table.id === 'endings_by_reason'),
    )!;
    expect(exits.tables.map((table) => table.id)).toEqual([
      'endings_by_reason',
      'durations_to_exit',
    ]);
    expect(exits.totals.get(month)).toBe(10);
  });
});

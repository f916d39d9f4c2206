import Type from 'typebox';

// Anonymised statistics for team leads: counts in fixed period buckets, with
// small-cell suppression. The UI imports these types; keep the names stable.

export const StatsGranularity = Type.Union(
  [Type.Literal('month'), Type.Literal('quarter'), Type.Literal('year')],
  { description: 'Fixed period buckets: months or quarters of one year, or the last 5 years' },
);
export type StatsGranularity = Type.Static<typeof StatsGranularity>;

/** One count; `value` is null exactly when the cell is suppressed. */
export const StatsCell = Type.Object(
  {
    value: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    suppressed: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type StatsCell = Type.Static<typeof StatsCell>;

export const StatsRow = Type.Object(
  {
    key: Type.String({ description: "An enum code ('arson', 'kreis_soest', …) or a range code" }),
    cells: Type.Array(StatsCell),
    total: StatsCell,
  },
  { additionalProperties: false },
);
export type StatsRow = Type.Static<typeof StatsRow>;

export const StatsChart = Type.Union([
  Type.Literal('bar'),
  Type.Literal('line'),
  Type.Literal('stacked'),
]);
export type StatsChart = Type.Static<typeof StatsChart>;

export const StatsTable = Type.Object(
  {
    id: Type.String({ description: "e.g. 'incidents_by_offence', 'cases_opened_closed'" }),
    chart: StatsChart,
    rowDimension: Type.String({ description: "e.g. 'offenceType', 'district', 'exitPhase'" }),
    columns: Type.Array(Type.String(), {
      description: "Period labels: '2026-01' … / '2026-Q1' … / '2025', '2026'",
    }),
    rows: Type.Array(StatsRow),
    totals: Type.Object(
      { cells: Type.Array(StatsCell), total: StatsCell },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type StatsTable = Type.Static<typeof StatsTable>;

const StatsYear = Type.Integer({ minimum: 2000, maximum: 2100 });

/** `GET /api/stats?granularity=&year=`. */
export const StatsQuery = Type.Object(
  {
    granularity: Type.Optional(StatsGranularity),
    year: Type.Optional(StatsYear),
  },
  { additionalProperties: false },
);
export type StatsQuery = Type.Static<typeof StatsQuery>;

export const StatsService = Type.Union([Type.Literal('backup'), Type.Literal('comeback')]);
export type StatsService = Type.Static<typeof StatsService>;

export const StatsResponse = Type.Object(
  {
    service: StatsService,
    granularity: StatsGranularity,
    year: Type.Integer(),
    minCellSize: Type.Integer({ description: 'k: counts from 1 to k-1 are suppressed' }),
    tables: Type.Array(StatsTable),
  },
  { additionalProperties: false },
);
export type StatsResponse = Type.Static<typeof StatsResponse>;

export const WorkloadCounsellor = Type.Object(
  {
    userId: Type.String(),
    displayName: Type.String(),
    openCases: Type.Integer({ minimum: 0 }),
    upcomingAppointments: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type WorkloadCounsellor = Type.Static<typeof WorkloadCounsellor>;

export const WorkloadResponse = Type.Object(
  { counsellors: Type.Array(WorkloadCounsellor) },
  { additionalProperties: false },
);
export type WorkloadResponse = Type.Static<typeof WorkloadResponse>;

/** `GET /api/stats/export.csv?table=&granularity=&year=`. */
export const StatsExportQuery = Type.Object(
  {
    table: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }),
    granularity: Type.Optional(StatsGranularity),
    year: Type.Optional(StatsYear),
    language: Type.Optional(
      Type.Union([Type.Literal('de'), Type.Literal('en')], {
        description: 'Language of headers and labels (default de)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type StatsExportQuery = Type.Static<typeof StatsExportQuery>;

/** `GET /api/stats/report?year=`. */
export const StatsReportQuery = Type.Object(
  { year: Type.Optional(StatsYear) },
  { additionalProperties: false },
);
export type StatsReportQuery = Type.Static<typeof StatsReportQuery>;

export const AnnualReport = Type.Object(
  {
    service: StatsService,
    year: Type.Integer(),
    minCellSize: Type.Integer(),
    tables: Type.Array(StatsTable),
  },
  { additionalProperties: false },
);
export type AnnualReport = Type.Static<typeof AnnualReport>;

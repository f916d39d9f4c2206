import Type from 'typebox';
import { District, IncidentMotive, OffenceType } from '../generated/prisma/enums.ts';

// The VBRG annual monitoring: exact counts of one year, for a BackUp team lead to export.

const Year = Type.Integer({ minimum: 2000, maximum: 2999, description: 'Calendar year' });

export const MonitoringQuery = Type.Object({ year: Year }, { additionalProperties: false });
export type MonitoringQuery = Type.Static<typeof MonitoringQuery>;

export const MonitoringExportQuery = Type.Object(
  {
    year: Year,
    format: Type.Union([Type.Literal('csv'), Type.Literal('json')]),
    preview: Type.String({
      pattern: '^[0-9a-f]{64}$',
      description: 'The previewId of the preview the figures were checked in',
    }),
  },
  { additionalProperties: false },
);
export type MonitoringExportQuery = Type.Static<typeof MonitoringExportQuery>;

export const MonitoringReport = Type.Object(
  {
    year: Type.Integer(),
    attacks: Type.Integer({ description: 'Attacks, each counted once' }),
    affected: Type.Integer({ description: 'Directly affected persons' }),
    rows: Type.Array(
      Type.Object(
        {
          offenceType: Type.Enum(OffenceType),
          offenceTypeLabel: Type.String(),
          motive: Type.Enum(IncidentMotive),
          motiveLabel: Type.String(),
          district: Type.Enum(District),
          districtLabel: Type.String(),
          attacks: Type.Integer(),
          affected: Type.Integer(),
        },
        { additionalProperties: false },
      ),
      { description: 'Non-zero combinations; an attack with several motives is in each' },
    ),
    previewId: Type.String({ description: 'Send as `preview` to export exactly these figures' }),
  },
  { additionalProperties: false },
);
export type MonitoringReport = Type.Static<typeof MonitoringReport>;

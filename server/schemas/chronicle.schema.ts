import Type from 'typebox';
import {
  ChronicleDatePrecision,
  ChroniclePlacePrecision,
  ConsentForm,
  District,
  IncidentMotive,
  OffenceType,
} from '../generated/prisma/enums.ts';
import { Day, Nullable, NullableText, StaffRef, Text, Uuid } from './case-work.schema.ts';

// BackUp's public chronicle: an incident's consent and public text, the second person's
// approval, the builds that published it.

export const ChronicleStateSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('approved'),
  Type.Literal('withdrawn'),
]);

/** What the reviewer is warned about in a public text (chronicle-warnings.ts). */
const ChronicleWarningCode = Type.Union([
  Type.Literal('name'),
  Type.Literal('street'),
  Type.Literal('house_number'),
  Type.Literal('age'),
  Type.Literal('precise_date'),
  Type.Literal('rare_combination'),
]);

export const ChronicleConsentBody = Type.Object(
  {
    consentBy: Text(200, 'Who agreed: the affected person, a guardian, …'),
    consentForm: Type.Enum(ConsentForm),
    consentOn: Day,
    datePrecision: Type.Enum(ChronicleDatePrecision, {
      description: 'The date as the person agreed: the day, or only the month',
    }),
    placePrecision: Type.Enum(ChroniclePlacePrecision, {
      description: 'The place as the person agreed: the municipality, or only the district',
    }),
    place: NullableText(200, 'The municipality; only with placePrecision municipality'),
    publicText: Type.String({
      minLength: 1,
      maxLength: 2000,
      // Published as HTML, JSON and Atom: no control character XML cannot carry, and
      // well-formed Unicode (no lone surrogates) like every text.
      pattern: '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uD800-\\uDFFF\\uFFFE\\uFFFF]*$',
      description: 'Written for the public; never the sealed narrative',
    }),
    reviewerId: Type.Optional(
      Nullable(Type.String({ format: 'uuid', description: 'A named colleague who may approve' })),
    ),
  },
  { additionalProperties: false },
);
export type ChronicleConsentBody = Type.Static<typeof ChronicleConsentBody>;

export const ChronicleParams = Type.Object({ id: Uuid }, { additionalProperties: false });

/** An approval names the version it approves: the entry's `updatedAt` as the reviewer saw it. */
export const ChronicleApprovalBody = Type.Object(
  { seenUpdatedAt: Type.String({ format: 'date-time' }) },
  { additionalProperties: false },
);
export type ChronicleApprovalBody = Type.Static<typeof ChronicleApprovalBody>;

export const ChronicleListQuery = Type.Object(
  { state: Type.Optional(ChronicleStateSchema) },
  { additionalProperties: false },
);
export type ChronicleListQuery = Type.Static<typeof ChronicleListQuery>;

const ChronicleWarning = Type.Object(
  {
    code: ChronicleWarningCode,
    match: Type.Optional(Type.String({ description: 'The words that triggered the warning' })),
  },
  { additionalProperties: false },
);
export type ChronicleWarning = Type.Static<typeof ChronicleWarning>;

const entryFields = {
  id: Type.String(),
  incidentId: Type.String(),
  state: ChronicleStateSchema,
  consentForm: Type.Enum(ConsentForm),
  consentOn: Type.String(),
  datePrecision: Type.Enum(ChronicleDatePrecision),
  placePrecision: Type.Enum(ChroniclePlacePrecision),
  place: Nullable(Type.String()),
  publicText: Type.String(),
  incident: Type.Object(
    {
      occurredOn: Type.String(),
      offenceType: Type.Enum(OffenceType),
      motives: Type.Array(Type.Enum(IncidentMotive)),
      district: Type.Enum(District),
    },
    { additionalProperties: false },
  ),
  published: Type.Object(
    {
      date: Type.String({ description: '2026-05-03, or 2026-05 when only the month was agreed' }),
      district: Type.Enum(District),
      municipality: Nullable(Type.String()),
    },
    { additionalProperties: false, description: 'What a build would publish' },
  ),
  author: StaffRef,
  reviewer: Nullable(StaffRef),
  approvedBy: Nullable(StaffRef),
  approvedAt: Nullable(Type.String({ format: 'date-time' })),
  withdrawnAt: Nullable(Type.String({ format: 'date-time' })),
  mayApprove: Type.Boolean({ description: 'Whether the caller may approve it now' }),
  warnings: Type.Array(ChronicleWarning),
  publications: Type.Array(
    Type.Object(
      {
        buildId: Type.String(),
        builtAt: Type.String({ format: 'date-time' }),
        destination: Type.String(),
      },
      { additionalProperties: false },
    ),
  ),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
};

/** The approval view: what is to be published, without who agreed. */
export const ChronicleEntryView = Type.Object(entryFields, { additionalProperties: false });
export type ChronicleEntryView = Type.Static<typeof ChronicleEntryView>;

/** The incident's view, for its counsellors: also who agreed. */
export const IncidentChronicleView = Type.Object(
  { ...entryFields, consentBy: Type.String() },
  { additionalProperties: false },
);
export type IncidentChronicleView = Type.Static<typeof IncidentChronicleView>;

export const ChronicleList = Type.Object(
  { entries: Type.Array(ChronicleEntryView) },
  { additionalProperties: false },
);

export const ChronicleBuildBody = Type.Object(
  {
    destination: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[^\\u0000-\\u001F\\u007F]+$',
      description: 'Where the files will be published, as the build record names it',
    }),
  },
  { additionalProperties: false },
);
export type ChronicleBuildBody = Type.Static<typeof ChronicleBuildBody>;

export const ChronicleBuildView = Type.Object(
  {
    buildId: Type.String(),
    builtAt: Type.String({ format: 'date-time' }),
    entries: Type.Integer({ description: 'Entries published' }),
    files: Type.Object(
      {
        'index.html': Type.String(),
        'chronik.json': Type.String(),
        'chronik.atom': Type.String(),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type ChronicleBuildView = Type.Static<typeof ChronicleBuildView>;

import Type from 'typebox';
import {
  AccompanimentKind,
  ClaimStatus,
  ConsentForm,
  District,
  IncidentMotive,
  IncidentSource,
  OffenceType,
  PoliceReport,
  ProceedingRole,
  ReferralTarget,
} from '../generated/prisma/enums.ts';
import {
  CaseRef,
  Day,
  Nullable,
  NullableText,
  PageInfo,
  PageQuery,
  StaffRef,
  Uuid,
} from './case-work.schema.ts';

// BackUp: incidents (VBRG monitoring categories), accompaniments, compensation claims, referrals.

const incidentCategories = {
  occurredOn: Day,
  offenceType: Type.Enum(OffenceType),
  motives: Type.Array(Type.Enum(IncidentMotive), { minItems: 1, maxItems: 12, uniqueItems: true }),
  district: Type.Enum(District, { description: 'Kreis or kreisfreie Stadt in Westphalia-Lippe' }),
  affectedCount: Type.Integer({ minimum: 1, maximum: 10_000, description: 'Directly affected' }),
  affectedMinors: Type.Integer({
    minimum: 0,
    maximum: 10_000,
    description: 'Of them, children and young people',
  }),
  reportedToPolice: Type.Enum(PoliceReport),
  source: Type.Enum(IncidentSource, { description: 'How the service learned of it' }),
};

const incidentTexts = {
  municipality: NullableText(200),
  description: NullableText(20_000),
};

export const CreateIncidentBody = Type.Object(
  {
    ...incidentCategories,
    ...incidentTexts,
    caseIds: Type.Optional(
      Type.Array(Uuid, { maxItems: 50, uniqueItems: true, description: 'Cases it concerns' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateIncidentBody = Type.Static<typeof CreateIncidentBody>;

export const UpdateIncidentBody = Type.Object(
  {
    occurredOn: Type.Optional(incidentCategories.occurredOn),
    offenceType: Type.Optional(incidentCategories.offenceType),
    motives: Type.Optional(incidentCategories.motives),
    district: Type.Optional(incidentCategories.district),
    affectedCount: Type.Optional(incidentCategories.affectedCount),
    affectedMinors: Type.Optional(incidentCategories.affectedMinors),
    reportedToPolice: Type.Optional(incidentCategories.reportedToPolice),
    source: Type.Optional(incidentCategories.source),
    ...incidentTexts,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateIncidentBody = Type.Static<typeof UpdateIncidentBody>;

const incidentSummaryFields = {
  id: Type.String(),
  occurredOn: Type.String(),
  offenceType: Type.Enum(OffenceType),
  motives: Type.Array(Type.Enum(IncidentMotive)),
  district: Type.Enum(District),
  affectedCount: Type.Integer(),
  affectedMinors: Type.Integer(),
  reportedToPolice: Type.Enum(PoliceReport),
  source: Type.Enum(IncidentSource),
  cases: Type.Array(CaseRef),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
};

export const IncidentSummary = Type.Object(incidentSummaryFields, {
  additionalProperties: false,
});
export type IncidentSummary = Type.Static<typeof IncidentSummary>;

export const IncidentView = Type.Object(
  {
    ...incidentSummaryFields,
    municipality: Nullable(Type.String()),
    description: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type IncidentView = Type.Static<typeof IncidentView>;

export const IncidentList = Type.Object(
  { incidents: Type.Array(IncidentSummary), ...PageInfo },
  { additionalProperties: false },
);

export const CaseIncidentList = Type.Object(
  { incidents: Type.Array(IncidentSummary) },
  { additionalProperties: false },
);

export const IncidentListQuery = Type.Object(
  {
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    offenceType: Type.Optional(Type.Enum(OffenceType)),
    district: Type.Optional(Type.Enum(District)),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type IncidentListQuery = Type.Static<typeof IncidentListQuery>;

export const IncidentParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const CaseIncidentParams = Type.Object(
  { id: Uuid, incidentId: Uuid },
  { additionalProperties: false },
);

const accompanimentFields = {
  kind: Type.Enum(AccompanimentKind),
  takesPlaceOn: Day,
  role: Type.Enum(ProceedingRole, { description: 'Witness or joint plaintiff (Nebenklage)' }),
  psychosocialSupport: Type.Boolean({ description: 'Psychosocial court support' }),
  court: NullableText(300),
  courtFileNumber: NullableText(100, 'Searchable by exact match'),
  outcome: NullableText(5_000),
};

export const CreateAccompanimentBody = Type.Object(
  {
    ...accompanimentFields,
    psychosocialSupport: Type.Optional(accompanimentFields.psychosocialSupport),
  },
  { additionalProperties: false },
);
export type CreateAccompanimentBody = Type.Static<typeof CreateAccompanimentBody>;

export const UpdateAccompanimentBody = Type.Object(
  {
    kind: Type.Optional(accompanimentFields.kind),
    takesPlaceOn: Type.Optional(Day),
    role: Type.Optional(accompanimentFields.role),
    psychosocialSupport: Type.Optional(accompanimentFields.psychosocialSupport),
    court: accompanimentFields.court,
    courtFileNumber: accompanimentFields.courtFileNumber,
    outcome: accompanimentFields.outcome,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAccompanimentBody = Type.Static<typeof UpdateAccompanimentBody>;

export const AccompanimentView = Type.Object(
  {
    id: Type.String(),
    kind: Type.Enum(AccompanimentKind),
    takesPlaceOn: Type.String(),
    role: Type.Enum(ProceedingRole),
    psychosocialSupport: Type.Boolean(),
    court: Nullable(Type.String()),
    courtFileNumber: Nullable(Type.String()),
    outcome: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type AccompanimentView = Type.Static<typeof AccompanimentView>;

export const AccompanimentList = Type.Object(
  { accompaniments: Type.Array(AccompanimentView) },
  { additionalProperties: false },
);

export const CreateClaimBody = Type.Object(
  {
    status: Type.Enum(ClaimStatus),
    filedOn: Type.Optional(Nullable(Day)),
    decidedOn: Type.Optional(Nullable(Day)),
    note: NullableText(5_000),
  },
  { additionalProperties: false },
);
export type CreateClaimBody = Type.Static<typeof CreateClaimBody>;

export const UpdateClaimBody = Type.Object(
  {
    status: Type.Optional(Type.Enum(ClaimStatus)),
    filedOn: Type.Optional(Nullable(Day)),
    decidedOn: Type.Optional(Nullable(Day)),
    note: NullableText(5_000),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateClaimBody = Type.Static<typeof UpdateClaimBody>;

export const ClaimView = Type.Object(
  {
    id: Type.String(),
    status: Type.Enum(ClaimStatus),
    filedOn: Nullable(Type.String()),
    decidedOn: Nullable(Type.String()),
    note: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type ClaimView = Type.Static<typeof ClaimView>;

export const ClaimList = Type.Object(
  { claims: Type.Array(ClaimView) },
  { additionalProperties: false },
);

export const CreateReferralBody = Type.Object(
  {
    target: Type.Enum(ReferralTarget),
    referredOn: Day,
    consentForm: Type.Enum(ConsentForm, { description: "How the person's consent was given" }),
    consentOn: Day,
    details: NullableText(2_000, 'To whom, and what was agreed'),
  },
  { additionalProperties: false },
);
export type CreateReferralBody = Type.Static<typeof CreateReferralBody>;

export const ReferralView = Type.Object(
  {
    id: Type.String(),
    target: Type.Enum(ReferralTarget),
    referredOn: Type.String(),
    consentForm: Type.Enum(ConsentForm),
    consentOn: Type.String(),
    details: Nullable(Type.String()),
    createdBy: StaffRef,
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type ReferralView = Type.Static<typeof ReferralView>;

export const ReferralList = Type.Object(
  { referrals: Type.Array(ReferralView) },
  { additionalProperties: false },
);

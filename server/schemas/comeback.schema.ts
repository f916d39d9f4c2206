import Type from 'typebox';
import {
  ExitPhase,
  HelpPlanArea,
  PreventionSetting,
  RiskDecision,
  RiskLevel,
  TrainingAudience,
  TrainingFormat,
} from '../generated/prisma/enums.ts';
import {
  Day,
  Nullable,
  NullableText,
  PageInfo,
  PageQuery,
  StaffRef,
  Text,
  Uuid,
} from './case-work.schema.ts';

// ComeBack: the exit process of a case (phases, four-eyes risk assessments) and prevention
// work without personal data (contacts with sympathisers, multiplier trainings).

export const ChangePhaseBody = Type.Object(
  {
    phase: Type.Enum(ExitPhase),
    changedOn: Type.Optional(Day),
    helpPlanAreas: Type.Optional(
      Type.Array(Type.Enum(HelpPlanArea), {
        maxItems: 6,
        uniqueItems: true,
        description: 'Only with the help_plan phase',
      }),
    ),
    reason: Type.Optional(Text(5_000, 'Required for closing and breaking_off')),
  },
  { additionalProperties: false },
);
export type ChangePhaseBody = Type.Static<typeof ChangePhaseBody>;

export const PhaseChangeView = Type.Object(
  {
    id: Type.String(),
    phase: Type.Enum(ExitPhase),
    changedOn: Type.String(),
    helpPlanAreas: Type.Array(Type.Enum(HelpPlanArea)),
    reason: Nullable(Type.String()),
    createdBy: StaffRef,
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type PhaseChangeView = Type.Static<typeof PhaseChangeView>;

export const ExitProcessView = Type.Object(
  { currentPhase: Type.Enum(ExitPhase), history: Type.Array(PhaseChangeView) },
  { additionalProperties: false },
);
export type ExitProcessView = Type.Static<typeof ExitProcessView>;

export const AssessRiskBody = Type.Object(
  {
    assessedOn: Type.Optional(Day),
    level: Type.Enum(RiskLevel),
    threatsToPerson: NullableText(5_000, 'Threats from the scene to the person'),
    threatsFromPerson: NullableText(5_000, 'Threats from the person to others'),
    safetyMeasures: NullableText(5_000),
  },
  { additionalProperties: false },
);
export type AssessRiskBody = Type.Static<typeof AssessRiskBody>;

export const RiskAssessmentView = Type.Object(
  {
    id: Type.String(),
    assessedOn: Type.String(),
    level: Type.Enum(RiskLevel),
    previousLevel: Nullable(Type.Enum(RiskLevel)),
    decision: Type.Enum(RiskDecision, {
      description: 'pending until a second counsellor confirms or rejects a change of level',
    }),
    threatsToPerson: Nullable(Type.String()),
    threatsFromPerson: Nullable(Type.String()),
    safetyMeasures: Nullable(Type.String()),
    proposedBy: StaffRef,
    decidedBy: Nullable(StaffRef),
    decidedAt: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type RiskAssessmentView = Type.Static<typeof RiskAssessmentView>;

export const RiskAssessmentList = Type.Object(
  { currentLevel: Nullable(Type.Enum(RiskLevel)), assessments: Type.Array(RiskAssessmentView) },
  { additionalProperties: false },
);

export const RiskDecisionBody = Type.Object(
  { decision: Type.Union([Type.Literal('confirmed'), Type.Literal('rejected')]) },
  { additionalProperties: false },
);

export const RiskDecisionParams = Type.Object(
  { id: Uuid, assessmentId: Uuid },
  { additionalProperties: false },
);

const participants = Type.Integer({ minimum: 1, maximum: 10_000 });

export const CreatePreventionContactBody = Type.Object(
  { heldOn: Day, setting: Type.Enum(PreventionSetting), participants },
  { additionalProperties: false },
);

export const PreventionContactView = Type.Object(
  {
    id: Type.String(),
    heldOn: Type.String(),
    setting: Type.Enum(PreventionSetting),
    participants: Type.Integer(),
    createdBy: StaffRef,
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type PreventionContactView = Type.Static<typeof PreventionContactView>;

export const PreventionContactList = Type.Object(
  { contacts: Type.Array(PreventionContactView), ...PageInfo },
  { additionalProperties: false },
);

export const CreateTrainingBody = Type.Object(
  {
    heldOn: Day,
    format: Type.Enum(TrainingFormat),
    audience: Type.Enum(TrainingAudience),
    participants,
  },
  { additionalProperties: false },
);

export const TrainingView = Type.Object(
  {
    id: Type.String(),
    heldOn: Type.String(),
    format: Type.Enum(TrainingFormat),
    audience: Type.Enum(TrainingAudience),
    participants: Type.Integer(),
    createdBy: StaffRef,
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type TrainingView = Type.Static<typeof TrainingView>;

export const TrainingList = Type.Object(
  { trainings: Type.Array(TrainingView), ...PageInfo },
  { additionalProperties: false },
);

export const EventListQuery = Type.Object(
  { from: Type.Optional(Day), to: Type.Optional(Day), ...PageQuery },
  { additionalProperties: false },
);
export type EventListQuery = Type.Static<typeof EventListQuery>;

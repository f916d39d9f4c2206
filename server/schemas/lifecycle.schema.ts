import Type from 'typebox';
import { ServiceCode } from '../generated/prisma/enums.ts';
import { AppointmentView } from './appointments.schema.ts';
import {
  AccompanimentView,
  ClaimView,
  IncidentView,
  ReferralView,
} from './backup-counselling.schema.ts';
import { CaseStatusSchema, NoteView, PersonView } from './cases.schema.ts';
import { Nullable, StaffRef, Text } from './case-work.schema.ts';
import { FollowUpView } from './follow-ups.schema.ts';
import { PhaseChangeView, RiskAssessmentView } from './comeback.schema.ts';
import { ExitPhase, RiskLevel } from '../generated/prisma/enums.ts';

// Data lifecycle: legal holds, erasure by crypto-shredding, subject-access export.

export const LegalHoldBody = Type.Object(
  { reason: Text(1_000, 'Why the case must not be erased (proceedings, a request, …)') },
  { additionalProperties: false },
);
export type LegalHoldBody = Type.Static<typeof LegalHoldBody>;

export const LegalHoldView = Type.Object(
  {
    onHold: Type.Boolean(),
    since: Nullable(Type.String({ format: 'date-time' })),
    setBy: Nullable(Type.String({ description: 'user name' })),
    reason: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type LegalHoldView = Type.Static<typeof LegalHoldView>;

/** Auditors: every case on hold, in both services. */
export const HeldCaseList = Type.Object(
  {
    holds: Type.Array(
      Type.Object(
        {
          service: Type.Enum(ServiceCode),
          caseNumber: Type.String(),
          since: Type.String({ format: 'date-time' }),
          setBy: Nullable(Type.String({ description: 'user name' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type HeldCaseList = Type.Static<typeof HeldCaseList>;

/** Why a case is erased on request (GDPR Art. 17 and friends); recorded as a rule code. */
export const ErasureGround = Type.Union([
  Type.Literal('art17_request'),
  Type.Literal('consent_withdrawn'),
  Type.Literal('unlawfully_processed'),
  Type.Literal('purpose_fulfilled'),
]);

export const EraseCaseBody = Type.Object(
  {
    ground: ErasureGround,
    confirmCaseNumber: Type.String({
      minLength: 1,
      maxLength: 32,
      description: 'The case number again, as a guard against erasing the wrong case',
    }),
  },
  { additionalProperties: false },
);
export type EraseCaseBody = Type.Static<typeof EraseCaseBody>;

const ErasureCaseNumber = Type.String({
  pattern: '^\\s*[A-Za-z]{2}-\\d{4}-\\d{4,}\\s*$',
  maxLength: 32,
  description: 'e.g. BU-2026-0042',
});

export const EraseByNumberBody = Type.Object(
  { ground: ErasureGround, caseNumber: ErasureCaseNumber },
  { additionalProperties: false },
);
export type EraseByNumberBody = Type.Static<typeof EraseByNumberBody>;

export const ErasurePreviewQuery = Type.Object(
  { caseNumber: ErasureCaseNumber },
  { additionalProperties: false },
);
export type ErasurePreviewQuery = Type.Static<typeof ErasurePreviewQuery>;

/** What an erasure is about to destroy, shown before the team lead confirms it. */
export const ErasurePreview = Type.Object(
  {
    caseNumber: Type.String(),
    pseudonym: Type.String(),
    assignedCounsellor: StaffRef,
    coCounsellor: Nullable(StaffRef),
    status: CaseStatusSchema,
    openedOn: Type.String({ format: 'date' }),
    closedOn: Nullable(Type.String({ format: 'date' })),
    /** A case on legal hold is refused at erasure; the preview says so first. */
    onHold: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ErasurePreview = Type.Static<typeof ErasurePreview>;

const RecordCounts = Type.Object(
  {
    case: Type.Integer(),
    notes: Type.Integer(),
    exitPhaseChanges: Type.Integer(),
    riskAssessments: Type.Integer(),
    referrals: Type.Integer(),
    compensationClaims: Type.Integer(),
    accompaniments: Type.Integer(),
    documents: Type.Integer(),
    documentChunks: Type.Integer(),
    appointments: Type.Integer(),
    incidentLinks: Type.Integer(),
    incidents: Type.Integer(),
    dataKeysDestroyed: Type.Integer(),
    accessLogDetailsCleared: Type.Integer(),
  },
  { additionalProperties: false },
);

/** What, when, by whom, under which rule — never content. */
export const DeletionCertificate = Type.Object(
  {
    caseNumber: Type.String(),
    service: Type.Enum(ServiceCode),
    rule: Type.String(),
    erasedAt: Type.String({ format: 'date-time' }),
    erasedBy: Type.String({ description: 'user name, or `retention` for the sweep' }),
    auditEventId: Type.String(),
    records: RecordCounts,
  },
  { additionalProperties: false },
);
export type DeletionCertificate = Type.Static<typeof DeletionCertificate>;

/** Everything stored about the person of one case (GDPR Art. 15), decrypted. */
export const SubjectAccessExport = Type.Object(
  {
    exportedAt: Type.String({ format: 'date-time' }),
    exportedBy: Type.String(),
    case: Type.Object(
      {
        id: Type.String(),
        caseNumber: Type.String(),
        service: Type.Enum(ServiceCode),
        status: CaseStatusSchema,
        anonymous: Type.Boolean(),
        openedOn: Type.String(),
        closedOn: Nullable(Type.String()),
        closingReason: Nullable(Type.String()),
        assignedCounsellor: StaffRef,
        coCounsellor: Nullable(StaffRef),
        person: PersonView,
        summary: Nullable(Type.String()),
        exitPhase: Nullable(Type.Enum(ExitPhase)),
        riskLevel: Nullable(Type.Enum(RiskLevel)),
        createdAt: Type.String({ format: 'date-time' }),
        updatedAt: Type.String({ format: 'date-time' }),
      },
      { additionalProperties: false },
    ),
    legalHold: LegalHoldView,
    notes: Type.Array(NoteView),
    followUps: Type.Array(FollowUpView),
    appointments: Type.Array(AppointmentView),
    incidents: Type.Array(IncidentView),
    accompaniments: Type.Array(AccompanimentView),
    compensationClaims: Type.Array(ClaimView),
    referrals: Type.Array(ReferralView),
    exitPhaseChanges: Type.Array(PhaseChangeView),
    riskAssessments: Type.Array(RiskAssessmentView),
  },
  { additionalProperties: false },
);
export type SubjectAccessExport = Type.Static<typeof SubjectAccessExport>;

import Type from 'typebox';
import { TEXT_LIMITS } from './text-limits.ts';
import {
  AppointmentKind,
  CaseStatus,
  ExitPhase,
  NoteKind,
  RiskLevel,
} from '../generated/prisma/enums.ts';
import { ServiceSchema } from './auth.schema.ts';
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

export const CaseStatusSchema = Type.Enum(CaseStatus);

const personFields = {
  name: NullableText(200, 'The real name; optional, never in anonymous mode'),
  dateOfBirth: Type.Optional(Nullable(Day)),
  phone: NullableText(100),
  email: NullableText(254),
  address: NullableText(500),
  preferredLanguage: NullableText(100),
  interpreterNeeded: Type.Optional(Nullable(Type.Boolean())),
  safeContact: NullableText(1000, 'Safe ways to reach the person, e.g. "only by phone after 6 pm"'),
};

export const PersonInput = Type.Object(
  { pseudonym: Text(200, 'What the case is known by; required'), ...personFields },
  { additionalProperties: false },
);

export const PersonPatch = Type.Object(
  { pseudonym: Type.Optional(Text(200)), ...personFields },
  { additionalProperties: false, minProperties: 1 },
);

export const PersonView = Type.Object(
  {
    pseudonym: Type.String(),
    name: Nullable(Type.String()),
    dateOfBirth: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    email: Nullable(Type.String()),
    address: Nullable(Type.String()),
    preferredLanguage: Nullable(Type.String()),
    interpreterNeeded: Nullable(Type.Boolean()),
    safeContact: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type PersonView = Type.Static<typeof PersonView>;

export const CreateCaseBody = Type.Object(
  {
    person: PersonInput,
    anonymous: Type.Optional(Type.Boolean({ description: 'Record no name at all' })),
    summary: NullableText(20_000),
    openedOn: Type.Optional(Day),
    assignedCounsellorId: Type.Optional(Uuid),
    coCounsellorId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);
export type CreateCaseBody = Type.Static<typeof CreateCaseBody>;

/**
 * Warnings of a save that went through: `duplicate_pseudonym` — another case of the service
 * goes by the same pseudonym (as search compares it), so the two are easily confused.
 */
export const CaseWarnings = Type.Optional(Type.Array(Type.Literal('duplicate_pseudonym')));
export type CaseWarning = 'duplicate_pseudonym';

export const CreatedCase = Type.Object(
  { id: Type.String(), caseNumber: Type.String(), warnings: CaseWarnings },
  { additionalProperties: false },
);
export type CreatedCase = Type.Static<typeof CreatedCase>;

export const UpdateCaseBody = Type.Object(
  {
    person: Type.Optional(PersonPatch),
    anonymous: Type.Optional(Type.Boolean()),
    summary: NullableText(20_000),
    status: Type.Optional(CaseStatusSchema),
    closingReason: Type.Optional(Text(2_000, 'Required when closing a case')),
    closedOn: Type.Optional(Day),
    openedOn: Type.Optional(Day),
    assignedCounsellorId: Type.Optional(Uuid),
    coCounsellorId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCaseBody = Type.Static<typeof UpdateCaseBody>;

export const AppointmentSlot = Type.Object(
  {
    id: Type.String(),
    start: Type.String({ format: 'date-time' }),
    end: Type.String({ format: 'date-time' }),
    kind: Type.Enum(AppointmentKind),
  },
  { additionalProperties: false },
);
export type AppointmentSlot = Type.Static<typeof AppointmentSlot>;

export const CaseView = Type.Object(
  {
    id: Type.String(),
    caseNumber: Type.String(),
    service: ServiceSchema,
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
    nextAppointment: Nullable(AppointmentSlot),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    warnings: CaseWarnings,
  },
  { additionalProperties: false },
);
export type CaseView = Type.Static<typeof CaseView>;

export const CaseListItem = Type.Object(
  {
    id: Type.String(),
    caseNumber: Type.String(),
    pseudonym: Type.String(),
    status: CaseStatusSchema,
    openedOn: Type.String(),
    closedOn: Nullable(Type.String()),
    assignedCounsellor: StaffRef,
    exitPhase: Nullable(Type.Enum(ExitPhase)),
    riskLevel: Nullable(Type.Enum(RiskLevel)),
    nextAppointment: Nullable(AppointmentSlot),
  },
  { additionalProperties: false },
);
export type CaseListItem = Type.Static<typeof CaseListItem>;

export const CaseList = Type.Object(
  {
    cases: Type.Array(CaseListItem),
    ...PageInfo,
    nextCursor: Nullable(
      Type.String({ description: 'Pass as `cursor` for the next page; null on the last page' }),
    ),
    totalCapped: Type.Boolean({
      description: 'true: more than `total` (1000) cases match; counting stops there',
    }),
  },
  { additionalProperties: false },
);
export type CaseList = Type.Static<typeof CaseList>;

const filterFields = {
  status: Type.Optional(CaseStatusSchema),
  counsellorId: Type.Optional(Uuid),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  sort: Type.Optional(
    Type.Union(
      [
        Type.Literal('openedOn'),
        Type.Literal('caseNumber'),
        Type.Literal('status'),
        Type.Literal('counsellor'),
      ],
      { description: 'Column to sort by (default openedOn, newest first)' },
    ),
  ),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 1000,
      pattern: '^[A-Za-z0-9_-]+$',
      description: '`nextCursor` of the previous page (same sort); takes the place of offset',
    }),
  ),
};

export const CaseListQuery = Type.Object(
  {
    q: Type.Optional(Text(200, 'Exact pseudonym, name, case number or court file number')),
    ...filterFields,
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type CaseListQuery = Type.Static<typeof CaseListQuery>;

export const CaseSearchBody = Type.Object(
  {
    q: Text(200, 'Exact pseudonym, name, case number or court file number'),
    ...filterFields,
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type CaseSearchBody = Type.Static<typeof CaseSearchBody>;

export const NoteView = Type.Object(
  {
    id: Type.String(),
    kind: Type.Enum(NoteKind),
    body: Type.String(),
    amendsNoteId: Nullable(Type.String()),
    amendedBy: Type.Array(Type.String(), { description: 'Notes that correct this one' }),
    author: StaffRef,
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type NoteView = Type.Static<typeof NoteView>;

export const NoteList = Type.Object(
  { notes: Type.Array(NoteView), ...PageInfo },
  { additionalProperties: false },
);

export const NoteListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

export const CreateNoteBody = Type.Object(
  { kind: Type.Enum(NoteKind), body: Text(TEXT_LIMITS.note) },
  { additionalProperties: false },
);

export const AmendNoteBody = Type.Object(
  {
    body: Text(TEXT_LIMITS.note, 'The corrected text; the original stays visible'),
    kind: Type.Optional(Type.Enum(NoteKind)),
  },
  { additionalProperties: false },
);

export const NoteParams = Type.Object({ id: Uuid, noteId: Uuid }, { additionalProperties: false });

export const CounsellorList = Type.Object(
  { counsellors: Type.Array(StaffRef) },
  { additionalProperties: false },
);

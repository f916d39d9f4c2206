import Type from 'typebox';
import { TEXT_LIMITS } from './text-limits.ts';
import { AppointmentKind, AppointmentStatus } from '../generated/prisma/enums.ts';
import { AppointmentSlot } from './cases.schema.ts';
import { CaseRef, Instant, Nullable, NullableText, StaffRef, Uuid } from './case-work.schema.ts';

export const CreateAppointmentBody = Type.Object(
  {
    start: Instant,
    end: Instant,
    kind: Type.Enum(AppointmentKind),
    caseId: Type.Optional(Nullable(Uuid)),
    location: NullableText(TEXT_LIMITS.appointmentLocation),
    note: NullableText(TEXT_LIMITS.appointmentNote),
    counsellorId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type CreateAppointmentBody = Type.Static<typeof CreateAppointmentBody>;

export const UpdateAppointmentBody = Type.Object(
  {
    start: Type.Optional(Instant),
    end: Type.Optional(Instant),
    kind: Type.Optional(Type.Enum(AppointmentKind)),
    status: Type.Optional(Type.Enum(AppointmentStatus)),
    caseId: Type.Optional(Nullable(Uuid)),
    location: NullableText(TEXT_LIMITS.appointmentLocation),
    note: NullableText(TEXT_LIMITS.appointmentNote),
    counsellorId: Type.Optional(Uuid),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAppointmentBody = Type.Static<typeof UpdateAppointmentBody>;

export const AppointmentView = Type.Object(
  {
    id: Type.String(),
    start: Type.String({ format: 'date-time' }),
    end: Type.String({ format: 'date-time' }),
    kind: Type.Enum(AppointmentKind),
    status: Type.Enum(AppointmentStatus),
    location: Nullable(Type.String()),
    note: Nullable(Type.String()),
    counsellor: StaffRef,
    case: Nullable(CaseRef),
    restricted: Type.Optional(
      Type.Boolean({
        description:
          "Place and note are left out: a colleague's appointment on a case not assigned to " +
          'the caller (open it on its own, with an access reason, to see them)',
      }),
    ),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type AppointmentView = Type.Static<typeof AppointmentView>;

export const SavedAppointment = Type.Object(
  {
    appointment: AppointmentView,
    overlaps: Type.Array(AppointmentSlot, {
      description: "The counsellor's other appointments at that time (a warning, not an error)",
    }),
  },
  { additionalProperties: false },
);
export type SavedAppointment = Type.Static<typeof SavedAppointment>;

export const AppointmentResponse = Type.Object(
  { appointment: AppointmentView },
  { additionalProperties: false },
);

export const AppointmentListQuery = Type.Object(
  {
    from: Instant,
    to: Instant,
    counsellorId: Type.Optional(Uuid),
    team: Type.Optional(
      Type.Boolean({ default: false, description: 'All counsellors of the service' }),
    ),
    includeCancelled: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);
export type AppointmentListQuery = Type.Static<typeof AppointmentListQuery>;

export const AppointmentList = Type.Object(
  {
    appointments: Type.Array(AppointmentView),
    truncated: Type.Boolean({ description: 'More than 500 appointments: narrow the period' }),
  },
  { additionalProperties: false },
);

export const AppointmentParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const FeedStatus = Type.Object(
  { active: Type.Boolean(), createdAt: Nullable(Type.String({ format: 'date-time' })) },
  { additionalProperties: false },
);

export const CreatedFeed = Type.Object(
  {
    token: Type.String({ description: 'Shown once; only its hash is stored' }),
    path: Type.String({ description: 'Append to the origin for the subscription URL' }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const FeedQuery = Type.Object(
  { token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) },
  { additionalProperties: false },
);

import Type from 'typebox';
import { Day, Nullable, StaffRef, Text, Uuid } from './case-work.schema.ts';
import { TEXT_LIMITS } from './text-limits.ts';

/** A follow-up with a deadline (Wiedervorlage) of a case. */
export const FollowUpView = Type.Object(
  {
    id: Type.String(),
    caseId: Type.String(),
    dueOn: Type.String({ description: 'The day it is due, YYYY-MM-DD' }),
    body: Type.String(),
    assignee: StaffRef,
    done: Type.Boolean(),
    doneAt: Nullable(Type.String({ format: 'date-time' })),
    doneBy: Nullable(StaffRef),
    createdBy: StaffRef,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type FollowUpView = Type.Static<typeof FollowUpView>;

/**
 * A typical deadline that follows from what the case holds, offered to be taken over:
 * `claim_appeal` — a compensation claim was decided, the objection is due a month later;
 * `court_preparation` — a court hearing is coming, prepare a week before.
 */
export const FollowUpSuggestion = Type.Object(
  {
    kind: Type.Union([Type.Literal('claim_appeal'), Type.Literal('court_preparation')]),
    dueOn: Type.String(),
    /** The claim or accompaniment it follows from. */
    sourceId: Type.String(),
  },
  { additionalProperties: false },
);
export type FollowUpSuggestion = Type.Static<typeof FollowUpSuggestion>;

export const FollowUpList = Type.Object(
  { followUps: Type.Array(FollowUpView), suggestions: Type.Array(FollowUpSuggestion) },
  { additionalProperties: false },
);

export const CreateFollowUpBody = Type.Object(
  {
    dueOn: Day,
    body: Text(TEXT_LIMITS.followUp, 'What is to be done; sealed like a note'),
    assigneeId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type CreateFollowUpBody = Type.Static<typeof CreateFollowUpBody>;

export const UpdateFollowUpBody = Type.Object(
  {
    dueOn: Type.Optional(Day),
    body: Type.Optional(Text(TEXT_LIMITS.followUp)),
    assigneeId: Type.Optional(Uuid),
    done: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateFollowUpBody = Type.Static<typeof UpdateFollowUpBody>;

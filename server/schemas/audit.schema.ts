import Type from 'typebox';

const Outcome = Type.Union([
  Type.Literal('allowed'),
  Type.Literal('denied'),
  Type.Literal('failed'),
]);

/** An access-log event as auditors see it: who, when, what, outcome — never case content. */
export const AuditEventView = Type.Object(
  {
    id: Type.String(),
    seq: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    actorId: Type.Union([Type.String(), Type.Null()]),
    actorUsername: Type.Union([Type.String(), Type.Null()]),
    actorRole: Type.Union([Type.String(), Type.Null()]),
    actorService: Type.Union([Type.String(), Type.Null()]),
    action: Type.String(),
    outcome: Outcome,
    targetType: Type.Union([Type.String(), Type.Null()]),
    targetId: Type.Union([Type.String(), Type.Null()]),
    caseNumber: Type.Union([Type.String(), Type.Null()]),
    reason: Type.Union([Type.String(), Type.Null()]),
    /**
     * Whether the counsellor stated a free-text reason (opening a case not assigned to them,
     * a legal hold). The text itself is read one event at a time, and that read is logged.
     */
    accessReasonRecorded: Type.Boolean(),
    clientAddress: Type.Union([Type.String(), Type.Null()]),
    requestId: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type AuditEventView = Type.Static<typeof AuditEventView>;

// Filters reach PostgreSQL as text: only the characters user names, ids and action names are
// made of, so that e.g. a NUL byte (which PostgreSQL refuses in text) is a 400, not a 500
// (found by `npm run security:scan`).
const ActorFilter = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9._-]+$',
  description: 'user name or id',
});
const ActionFilter = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_.]+$' });

export const AuditQuery = Type.Object(
  {
    actor: Type.Optional(ActorFilter),
    action: Type.Optional(ActionFilter),
    outcome: Type.Optional(Outcome),
    caseNumber: Type.Optional(Type.String({ pattern: '^(BU|CB)-[0-9]{4}-[0-9]{4,6}$' })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'events older than this seq' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);
export type AuditQuery = Type.Static<typeof AuditQuery>;

export const AuditPage = Type.Object(
  { events: Type.Array(AuditEventView), nextBefore: Type.Union([Type.Integer(), Type.Null()]) },
  { additionalProperties: false },
);

export const ExportQuery = Type.Object(
  {
    format: Type.Union([Type.Literal('csv'), Type.Literal('json')]),
    actor: Type.Optional(ActorFilter),
    action: Type.Optional(ActionFilter),
    outcome: Type.Optional(Outcome),
    caseNumber: Type.Optional(Type.String({ pattern: '^(BU|CB)-[0-9]{4}-[0-9]{4,6}$' })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const VerificationView = Type.Object(
  {
    ok: Type.Boolean(),
    checked: Type.Integer(),
    firstBadEventId: Type.Optional(Type.String()),
    firstBadSeq: Type.Optional(Type.Integer()),
    reason: Type.Optional(Type.String()),
    lastCheckpoint: Type.Union([
      Type.Object({ size: Type.Integer(), at: Type.String() }, { additionalProperties: false }),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
);
export type VerificationView = Type.Static<typeof VerificationView>;

export const CheckpointView = Type.Object(
  { size: Type.Integer(), at: Type.String(), note: Type.String() },
  { additionalProperties: false },
);

export const AnomalyQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const AnomalyReport = Type.Object(
  {
    thresholds: Type.Object(
      {
        casesPerHour: Type.Integer(),
        denialsPerDay: Type.Integer(),
        workingHours: Type.Object(
          { from: Type.Integer(), to: Type.Integer() },
          { additionalProperties: false },
        ),
        timeZone: Type.String(),
      },
      { additionalProperties: false },
    ),
    flags: Type.Array(
      Type.Object(
        {
          kind: Type.Union([
            Type.Literal('many_cases'),
            Type.Literal('off_hours'),
            Type.Literal('repeated_denials'),
            Type.Literal('unassigned_read'),
            Type.Literal('account_change'),
          ]),
          actorId: Type.Union([Type.String(), Type.Null()]),
          actorUsername: Type.Union([Type.String(), Type.Null()]),
          count: Type.Integer(),
          firstAt: Type.String(),
          lastAt: Type.String(),
          caseNumber: Type.Union([Type.String(), Type.Null()]),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type AnomalyReport = Type.Static<typeof AnomalyReport>;

/** The checkpoint verifier key in its one-line text form. */
export const PublicKeyView = Type.Object(
  { publicKey: Type.String() },
  { additionalProperties: false },
);
export type PublicKeyView = Type.Static<typeof PublicKeyView>;

export const AuditEventParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

/** The free-text reason of one event: `erased` once its case is erased, `none` if it has none. */
export const AccessReasonView = Type.Object(
  {
    id: Type.String(),
    seq: Type.Integer(),
    caseNumber: Type.Union([Type.String(), Type.Null()]),
    state: Type.Union([
      Type.Literal('none'),
      Type.Literal('readable'),
      Type.Literal('erased'),
      Type.Literal('unreadable'),
    ]),
    accessReason: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type AccessReasonView = Type.Static<typeof AccessReasonView>;

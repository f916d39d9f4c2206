import Type from 'typebox';

// Building blocks of the case-work schemas: texts, days, instants, pages, staff references.

// A string must be well-formed Unicode (no lone surrogates): encryption and blind indexes
// refuse anything else, and the client should hear that as a 400, not a 500.
const WELL_FORMED = '^[^\\uD800-\\uDFFF]*$';

/** A free text of at most `maxLength` characters; never empty (send null to clear a field). */
export const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, pattern: WELL_FORMED, description });

/** An optional text that may be cleared with null. */
export const NullableText = (maxLength: number, description?: string) =>
  Type.Optional(Type.Union([Text(maxLength, description), Type.Null()]));

export const Uuid = Type.String({ format: 'uuid' });

/** A calendar day, `YYYY-MM-DD`. */
export const Day = Type.String({ format: 'date', description: 'A calendar day, YYYY-MM-DD' });

/** An instant with its time zone, e.g. `2026-11-23T14:30:00+01:00` or `…Z`. */
export const Instant = Type.String({
  format: 'date-time',
  description: 'ISO 8601 date and time with time zone',
});

export const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const StaffRef = Type.Object(
  { id: Type.String(), username: Type.String() },
  { additionalProperties: false },
);
export type StaffRef = Type.Static<typeof StaffRef>;

/** `?limit=&offset=`: at most 100 rows per page. */
export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
};

export const PageInfo = {
  total: Type.Integer({ description: 'Rows that match, on all pages' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
};

/** A GET that takes no query parameters refuses them, as bodies refuse unknown fields. */
export const NoQuery = Type.Object({}, { additionalProperties: false });

/** `/:id` of a case. */
export const CaseParams = Type.Object({ id: Uuid }, { additionalProperties: false });

/** `/:id/…/:recordId` of a record within a case. */
export const CaseRecordParams = Type.Object(
  { id: Uuid, recordId: Uuid },
  { additionalProperties: false },
);

export const CaseRef = Type.Object(
  { id: Type.String(), caseNumber: Type.String() },
  { additionalProperties: false },
);

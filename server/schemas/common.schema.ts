import Type from 'typebox';

/**
 * `{ error, message }` (docs/api.md): the body of every error answer. `reason` and `params` say
 * exactly what was wrong (server/errors/app-error.ts); `message` is English for operators, the
 * web shows its own sentence for the code instead.
 */
export const ErrorBody = Type.Object(
  {
    error: Type.String(),
    message: Type.String(),
    reason: Type.Optional(Type.String()),
    params: Type.Optional(
      Type.Object(
        {
          field: Type.Optional(Type.String()),
          in: Type.Optional(Type.String()),
          limit: Type.Optional(Type.Number()),
          format: Type.Optional(Type.String()),
          type: Type.Optional(Type.String()),
          other: Type.Optional(Type.String()),
          warning: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** A state-changing request that carries nothing but its CSRF header. */
export const EmptyBody = Type.Object({}, { additionalProperties: false });

export const IdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, ErrorBody]));

/** 204: done, nothing to say. */
export const NoContent = Type.Null({ description: 'No content' });

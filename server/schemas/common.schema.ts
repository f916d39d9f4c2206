import Type from 'typebox';

/** `{ error, message }` (API.md): the body of every error answer. */
export const ErrorBody = Type.Object(
  { error: Type.String(), message: Type.String() },
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

import type { FastifySchemaValidationError } from 'fastify';
import type { ErrorDetail, ErrorParams, ErrorReason } from './app-error.ts';

type RequestPart = NonNullable<ErrorParams['in']>;

/**
 * What a schema violation is about, as a reason with parameters instead of the validator's
 * English text. Ajv stops at the first violation; in a union (`anyOf`) it reports every
 * branch, the first of which is the one a person meant (a too-long text rather than "or null").
 */
export function validationDetail(
  errors: FastifySchemaValidationError[],
  context: string | undefined,
): ErrorDetail {
  const error = errors.find((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf') ?? errors[0];
  const part = (['body', 'querystring', 'params', 'headers'] as const).find((p) => p === context);
  const base: ErrorParams = part ? { in: part as RequestPart } : {};
  if (!error) return { reason: 'invalid_value', params: base };
  const params = error.params as Record<string, unknown>;
  const at = (child?: unknown) =>
    typeof child === 'string' ? `${error.instancePath}/${child}` : error.instancePath;
  const limit = typeof params.limit === 'number' ? params.limit : undefined;
  const field = at();
  const detail = (reason: ErrorReason, extra: ErrorParams = {}): ErrorDetail => ({
    reason,
    params: { ...base, field, ...extra },
  });
  switch (error.keyword) {
    case 'required':
      return detail('required', { field: at(params.missingProperty) });
    case 'additionalProperties':
      return detail('unknown_field', { field: at(params.additionalProperty) });
    case 'minLength':
      // An empty text where one is needed is a missing value to the person typing.
      return limit === 1 ? detail('required') : detail('too_short', { limit });
    case 'maxLength':
      return detail('too_long', { limit });
    case 'maxItems':
      return detail('too_many_items', { limit });
    case 'minItems':
      return detail('too_few_items', { limit });
    case 'uniqueItems':
      return detail('duplicate_items');
    case 'minimum':
      return detail('too_small', { limit });
    case 'maximum':
      return detail('too_large', { limit });
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return detail('out_of_range', { limit });
    case 'format':
      return detail('invalid_format', { format: String(params.format) });
    case 'pattern':
      return detail('invalid_format', { format: 'pattern' });
    case 'type':
      return detail('invalid_type', { type: String(params.type) });
    case 'enum':
    case 'const':
      return detail('not_allowed_value');
    default:
      return detail('invalid_value');
  }
}

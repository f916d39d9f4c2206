import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, type ErrorCode, type ErrorDetail } from '../errors/app-error.ts';
import { validationDetail } from '../errors/validation-detail.ts';
import { loggableError } from '../logging.ts';

/**
 * Maps every error to `{ error, message }` (docs/api.md), with `reason` and `params` where a client
 * error has them: the web turns those into a sentence in the reader's language. Server errors
 * say nothing about internals, only the request id to quote to an operator.
 */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
      if (error instanceof AppError) {
        return reply.status(error.status).send(errorBody(error.code, error.message, error.detail));
      }
      if (error.validation) {
        return reply
          .status(400)
          .send(
            errorBody(
              'invalid_request',
              `${error.validationContext ?? 'request'}${error.message.replace(/^(body|querystring|params|headers)/, '')}`,
              validationDetail(error.validation, error.validationContext),
            ),
          );
      }
      const status = error.statusCode ?? 500;
      if (status < 500) {
        const code = clientErrorCode(status, error.code);
        return reply
          .status(status)
          .send(
            errorBody(
              code,
              publicClientMessage(status),
              code === 'invalid_request' ? { reason: unreadableReason(status) } : undefined,
            ),
          );
      }
      if (isUnstorableValue(error)) {
        // A safety net behind the schemas: PostgreSQL refused a value of the request itself.
        request.log.warn({ err: { type: error.name } }, 'value the database cannot store');
        return reply
          .status(400)
          .send(
            errorBody(
              'invalid_request',
              'The request holds a character or value that cannot be stored (e.g. a NUL byte).',
              { reason: 'unstorable_value' },
            ),
          );
      }
      if (isDatabaseUnavailable(error)) {
        request.log.error({ err: { type: error.name, code: error.code } }, 'database unavailable');
        return reply.status(503).send({
          error: 'database_unavailable',
          message: 'The database is not reachable at the moment. Please try again shortly.',
        });
      }
      // Class, code and stack frames only (the request id comes with request.log): a driver
      // error message can quote the values of a query.
      request.log.error({ err: loggableError(error) }, 'request failed');
      return reply.status(500).send({
        error: 'internal',
        message: `Internal error. Quote request id ${request.id} to your administrator.`,
      });
    });
  },
  { name: 'error-handler' },
);

/** The answer for a path no route serves; the query string is never echoed. */
export function sendRouteNotFound(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0];
  return reply
    .status(404)
    .send({ error: 'not_found', message: `No route ${request.method} ${path}` });
}

function errorBody(code: ErrorCode, message: string, detail: ErrorDetail | undefined) {
  if (!detail) return { error: code, message };
  return detail.params
    ? { error: code, message, reason: detail.reason, params: detail.params }
    : { error: code, message, reason: detail.reason };
}

function unreadableReason(status: number) {
  return status === 415 ? ('unsupported_content_type' as const) : ('malformed_body' as const);
}

function clientErrorCode(status: number, fastifyCode: string | undefined): ErrorCode {
  if (status === 413 || fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'payload_too_large';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  return 'invalid_request';
}

// Fastify's own messages for parser errors can echo parts of the input; ours do not.
function publicClientMessage(status: number): string {
  if (status === 413) return 'The request body is too large.';
  if (status === 415) return 'Unsupported content type: send application/json.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Please wait a moment.';
  return 'The request could not be read: check that it is well-formed JSON.';
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  '57P01',
  '57P03',
  'P1001',
]);

function isDatabaseUnavailable(error: {
  code?: string;
  cause?: unknown;
  message?: string;
}): boolean {
  if (error.code && UNAVAILABLE_CODES.has(error.code)) return true;
  const cause = error.cause as { code?: string } | undefined;
  if (cause?.code && UNAVAILABLE_CODES.has(cause.code)) return true;
  return /ECONNREFUSED|Connection terminated|connect ETIMEDOUT|the database system is (starting|shutting) up/i.test(
    error.message ?? '',
  );
}

// PostgreSQL's answers to values it cannot take: NUL or invalid characters in text, text too
// long for its column, a malformed literal. They come from the request, so they are a 400.
const UNSTORABLE_CODES = new Set(['22021', '22P05', '22001', '22P02']);

function isUnstorableValue(error: { cause?: unknown }): boolean {
  const cause = error.cause as { kind?: string; code?: string } | undefined;
  return cause?.kind === 'postgres' && cause.code !== undefined && UNSTORABLE_CODES.has(cause.code);
}

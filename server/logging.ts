import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config/config.schema.ts';

/**
 * Log options shared by the server and the CLI. Nothing sensitive may reach a log line:
 * - request bodies are never logged (Fastify does not, and nothing here adds them);
 * - URLs are logged without their query string, which may carry a search term;
 * - credentials, cookies and CSRF tokens are redacted wherever they appear.
 */
export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.totp',
  '*.code',
  '*.secret',
  '*.body',
  '*.person',
  '*.query',
];

export function loggerOptions(config: Pick<Config, 'logLevel'>): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req: (request: { id: string; method: string; url: string }) => ({
        id: request.id,
        method: request.method,
        url: stripQuery(request.url),
      }),
    },
  };
}

export function stripQuery(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : `${url.slice(0, index)}?[query omitted]`;
}

/**
 * What a log line may say about an error: its class, its code and where it was thrown. Never
 * its message: a database error's message can quote the values of the query (Prisma's
 * validation errors print the arguments, PostgreSQL's quote the offending value), and V8 puts
 * the message at the head of the stack, so only the stack's frames are kept.
 */
export function loggableError(error: unknown): { type: string; code?: string; stack?: string } {
  const { name, code, stack } = (error ?? {}) as {
    name?: unknown;
    code?: unknown;
    stack?: unknown;
  };
  const frames =
    typeof stack === 'string'
      ? stack
          .split('\n')
          .filter((line) => /^\s+at \S/.test(line))
          .join('\n')
      : '';
  return {
    type: typeof name === 'string' ? name : typeof error,
    ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
    ...(frames ? { stack: frames } : {}),
  };
}

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

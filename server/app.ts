import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';
import helmet from '@fastify/helmet';
import type { Config } from './config/config.schema.ts';
import { loggerOptions } from './logging.ts';
import { databasePlugin } from './plugins/database.ts';
import { errorHandlerPlugin } from './plugins/error-handler.ts';
import { openApiPlugin } from './plugins/openapi.ts';
import { routePolicyPlugin } from './plugins/route-policy.ts';
import { DENY_ALL_POLICY, webAppPlugin } from './plugins/web-app.ts';
import healthRoutes from './routes/health/index.ts';

export interface BuildAppOptions {
  /** Override the logger (tests capture log lines to prove nothing sensitive reaches them). */
  logger?: FastifyServerOptions['logger'];
  loggerInstance?: FastifyBaseLogger;
}

/**
 * Builds the whole application without listening, so tests can `inject`. The config must
 * already name a migrated database (server/main.ts starts the embedded one when needed).
 * Registration order: external plugins → the app's own plugins → routes.
 */
export async function buildApp(
  config: Config,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const databaseUrl = config.database.url;
  if (!databaseUrl) throw new Error('buildApp needs config.database.url');

  const app = Fastify({
    ...(options.loggerInstance
      ? { loggerInstance: options.loggerInstance }
      : { logger: options.logger ?? loggerOptions(config) }),
    trustProxy: config.http.trustProxy,
    bodyLimit: 256 * 1024,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    return503OnClosing: true,
    genReqId: () => crypto.randomUUID(),
    ajv: {
      // Unknown fields are rejected, never silently dropped (STYLE.md).
      customOptions: {
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: false,
      },
    },
  });

  // External plugins.
  await app.register(helmet, {
    contentSecurityPolicy: false, // set per response by the accounts issue's CSP from the web build
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    // HSTS only means something over TLS, which casework sees only behind a TLS proxy.
    strictTransportSecurity: config.http.trustProxy
      ? { maxAge: 31_536_000, includeSubDomains: true }
      : false,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(openApiPlugin);

  // The app's own plugins.
  await app.register(errorHandlerPlugin);
  await app.register(routePolicyPlugin);
  await app.register(databasePlugin, { url: databaseUrl, poolMax: config.database.poolMax });
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
    }
    if (!reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', DENY_ALL_POLICY);
    }
  });

  // Routes.
  await app.register(healthRoutes);
  await app.register(webAppPlugin, { webDir: config.webDir });

  return app;
}

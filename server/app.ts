import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { initCrypto } from '../crypto/index.ts';
import { systemClock, type Clock } from './clock.ts';
import { loadMasterKey } from './keys/master-key.ts';
import { accessControlPlugin } from './plugins/access-control.ts';
import { appContextPlugin } from './plugins/app-context.ts';
import { sessionPlugin } from './plugins/session.ts';
import accountRoutes from './routes/accounts/index.ts';
import adminUserRoutes from './routes/admin/users.ts';
import auditRoutes from './routes/audit/index.ts';
import authRoutes from './routes/auth/index.ts';
import setupRoutes from './routes/setup/index.ts';
import type { Config } from './config/config.schema.ts';
import { loggerOptions } from './logging.ts';
import { errorHandlerPlugin } from './plugins/error-handler.ts';
import { openApiPlugin } from './plugins/openapi.ts';
import { routePolicyPlugin } from './plugins/route-policy.ts';
import { DENY_ALL_POLICY, webAppPlugin } from './plugins/web-app.ts';
import healthRoutes from './routes/health/index.ts';
import caseWorkRoutes from './routes/case-work.ts';

export interface BuildAppOptions {
  /** Override the logger (tests capture log lines to prove nothing sensitive reaches them). */
  logger?: FastifyServerOptions['logger'];
  loggerInstance?: FastifyBaseLogger;
  /** Tests move time (session timeouts, lockouts, TOTP). */
  clock?: Clock;
  /**
   * Benchmark only (`npm run bench:audit:requests`): while `off` is true, no access-log writes,
   * so the same server can be measured with and without them. Never in production.
   */
  benchmarkAuditSwitch?: { off: boolean };
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
      // Unknown fields are rejected, never silently dropped.
      customOptions: {
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: false,
      },
    },
  });

  // Graceful stop: close() waits for every open connection, and a client's kept-alive one
  // would hold it until the client gives up. Once closing, answers to the requests still
  // running end their connection, and idle connections are closed at once.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    app.server.closeIdleConnections();
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  // First, so that it sees every route that follows, the external plugins' included.
  await app.register(routePolicyPlugin);

  // External plugins.
  await app.register(helmet, {
    contentSecurityPolicy: false, // set per response by the accounts issue's CSP from the web build
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    // HSTS only means something over TLS, which casework sees only behind a TLS proxy.
    strictTransportSecurity:
      config.http.trustProxy !== false ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(openApiPlugin);
  await app.register(rateLimit, {
    global: false, // per route: sign-in and similar (SECURITY.md, brute force)
    errorResponseBuilder: () => ({
      statusCode: 429,
      error: 'rate_limited',
      message: 'Too many attempts from your address. Please wait a minute.',
    }),
  });

  // The app's own plugins.
  await app.register(errorHandlerPlugin);
  await initCrypto();
  const clock = options.clock ?? systemClock;
  const masterKey = await loadMasterKey(config.masterKey, (message) => app.log.info(message));
  await app.register(appContextPlugin, {
    config,
    databaseUrl,
    masterKey,
    clock,
    auditSwitch: options.benchmarkAuditSwitch,
  });
  const timeouts = {
    idleMs: config.session.idleMinutes * 60_000,
    absoluteMs: config.session.absoluteHours * 3_600_000,
  };
  await app.register(sessionPlugin, {
    sessions: app.repositories.sessions,
    clock,
    timeouts,
    masterKey,
    behindTlsProxy: config.http.trustProxy !== false,
  });
  await app.register(accessControlPlugin, {
    users: app.repositories.users,
    audit: app.services.audit,
    clock,
    timeouts,
    totpRequired: config.totp === 'required',
  });
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
  await app.register(authRoutes, {
    clock,
    totpRequired: config.totp === 'required',
    idleTimeoutSeconds: config.session.idleMinutes * 60,
  });
  await app.register(adminUserRoutes, { clock });
  await app.register(accountRoutes, { clock });
  await app.register(setupRoutes);
  await app.register(auditRoutes);
  await app.register(caseWorkRoutes, { maxFileBytes: config.documents.maxFileBytes });
  await app.register(webAppPlugin, { webDir: config.webDir });

  return app;
}

import CsrfTokens from '@fastify/csrf';
import type { FastifyInstance, FastifyRequest, Session } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors/app-error.ts';
import type { UserRepository } from '../repositories/user.repository.ts';
import type { Actor, RequestContext } from '../services/actor.ts';
import { checkedAccessReason } from '../services/cases/case-work-scope.ts';
import type { AuditLog, AuditReasonCode } from '../services/audit-log.ts';
import { sessionExpiry, type SessionTimeouts } from './session.ts';

/** States of a session in which only a few routes answer (docs/api.md). */
export type SessionGate = 'totp_enrollment' | 'password_change' | 'screen_locked';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The gates this route stays open through (e.g. `me` and `logout` through all). */
    openDuring?: readonly SessionGate[];
  }
  interface FastifyRequest {
    context: RequestContext;
    /** The signed-in actor; routes with access other than 'public' may rely on it. */
    actor: Actor;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Refreshing `lastSeenAt` on every request would write the session row every time.
const TOUCH_INTERVAL_MS = 10_000;

/**
 * Enforces every route's declared `access` before its body is even parsed: a signed-in,
 * enabled user (401), a valid CSRF token on state changes (403 csrf), the session gates
 * (TOTP enrollment, forced password change, quick lock), then the role (403). Every denial
 * is an audit event.
 */
export const accessControlPlugin = fp(
  async (
    app: FastifyInstance,
    options: {
      users: UserRepository;
      audit: AuditLog;
      clock: Clock;
      timeouts: SessionTimeouts;
      totpRequired: boolean;
    },
  ) => {
    app.decorateRequest('context', null as unknown as RequestContext);
    app.decorateRequest('actor', null as unknown as Actor);

    const deny = async (request: FastifyRequest, error: AppError, reason: AuditReasonCode) => {
      await options.audit.record(request.context, {
        action: 'access.denied',
        outcome: 'denied',
        reason,
        targetType: 'route',
        targetId: `${request.method} ${request.routeOptions.url ?? ''}`,
      });
      throw error;
    };

    app.addHook('onRequest', async (request) => {
      const config = request.routeOptions.config;
      request.context = { actor: null, clientAddress: request.ip, requestId: request.id };
      if (config.access === 'public') return;
      // Fail closed: a route that declares no policy answers nobody. (The route-policy plugin
      // already refuses such a route at start; the not-found handler has no route to police.)
      if (!config.access && !request.is404) {
        return deny(request, new AppError('forbidden', 'Your role may not do this.'), 'no_policy');
      }
      if (!config.access) return;

      const session = request.session;
      const now = options.clock.now().getTime();
      const user = session.userId ? await options.users.findById(session.userId) : null;
      if (
        !user ||
        user.disabled ||
        user.activation ||
        predatesCredentials(session, user) ||
        sessionExpiry(session, options.timeouts, now) <= now
      ) {
        if (session.userId) await session.destroy();
        return deny(request, new AppError('unauthenticated', 'Please sign in.'), 'unauthenticated');
      }
      const actor: Actor = {
        userId: user.id,
        username: user.username,
        role: user.role,
        service: user.service,
      };
      request.actor = actor;
      request.context.actor = actor;

      if (!READ_METHODS.has(request.method) && !csrfTokenValid(request)) {
        return deny(request, new AppError('csrf', 'Missing or wrong x-csrf-token header.'), 'csrf');
      }
      const gate = activeGate(user, session.screenLocked === true, options.totpRequired);
      if (gate && !config.openDuring?.includes(gate)) {
        return deny(request, GATE_ERRORS[gate](), gate);
      }
      if (Array.isArray(config.access) && !config.access.includes(user.role)) {
        return deny(request, new AppError('forbidden', 'Your role may not do this.'), 'forbidden');
      }
      if (now - (session.lastSeenAt ?? 0) > TOUCH_INTERVAL_MS) session.lastSeenAt = now;
      request.context.accessReason = accessReasonHeader(request.headers['x-access-reason']);
    });
  },
  { name: 'access-control', dependencies: ['session'] },
);

function activeGate(
  user: { totpEnrolled: boolean; mustChangePassword: boolean },
  screenLocked: boolean,
  totpRequired: boolean,
): SessionGate | undefined {
  if (screenLocked) return 'screen_locked';
  if (user.mustChangePassword) return 'password_change';
  if (totpRequired && !user.totpEnrolled) return 'totp_enrollment';
  return undefined;
}

const GATE_ERRORS: Record<SessionGate, () => AppError> = {
  totp_enrollment: () =>
    new AppError('totp_enrollment_required', 'Set up the second factor first (/setup-totp).'),
  password_change: () => new AppError('password_change_required', 'Choose a new password first.'),
  screen_locked: () => new AppError('screen_locked', 'The screen is locked: enter your password.'),
};

/**
 * CSRF tokens (docs/api.md: header `x-csrf-token`) from the Fastify team's token library: a secret
 * per session, tokens derived from it. Checked here rather than through
 * @fastify/csrf-protection's hook, which answers by itself and so would skip our audit event.
 */
const csrfTokens = CsrfTokens();

export function csrfTokenFor(session: Session): string {
  session.csrfSecret ??= csrfTokens.secretSync();
  return csrfTokens.create(session.csrfSecret);
}

function csrfTokenValid(request: FastifyRequest): boolean {
  const token = request.headers['x-csrf-token'];
  const secret = request.session.csrfSecret;
  return typeof token === 'string' && secret !== undefined && csrfTokens.verify(secret, token);
}

/**
 * A counsellor's reason for opening a case not assigned to them travels in the header
 * `x-access-reason`, percent-encoded (headers are Latin-1 only), so that it never appears in a
 * URL or a log line. Read once here for every route; the case-work scope decides where it is
 * needed (services/cases/case-work-scope.ts, openCase).
 */
export function accessReasonHeader(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header) || header.length > 2000) {
    throw new AppError(
      'invalid_request',
      'Send one x-access-reason header of at most 500 characters.',
      { reason: 'too_long', params: { field: 'x-access-reason', in: 'headers', limit: 500 } },
    );
  }
  let reason: string;
  try {
    reason = decodeURIComponent(header).trim();
  } catch {
    throw new AppError('invalid_request', 'x-access-reason must be percent-encoded UTF-8.', {
      reason: 'access_reason_encoding',
      params: { field: 'x-access-reason', in: 'headers' },
    });
  }
  if (reason.length > 500) {
    throw new AppError('invalid_request', 'The access reason may have at most 500 characters.', {
      reason: 'too_long',
      params: { field: 'x-access-reason', in: 'headers', limit: 500 },
    });
  }
  return reason ? checkedAccessReason(reason) : undefined;
}

/**
 * A session signed in before the last credential change or disable is void, even when its row
 * was written back afterwards by a request still in flight at the change.
 */
function predatesCredentials(
  session: { credentialsAt?: number; authenticatedAt?: number },
  user: { sessionsValidAfter: Date | null },
): boolean {
  if (!user.sessionsValidAfter) return false;
  const provenAt = session.credentialsAt ?? session.authenticatedAt ?? 0;
  return provenAt < user.sessionsValidAfter.getTime();
}

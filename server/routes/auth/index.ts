import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors/app-error.ts';
import {
  ChangePasswordBody,
  LoginBody,
  RecoveryCodes,
  SignedIn,
  TotpConfirmBody,
  TotpSetup,
  UnlockBody,
} from '../../schemas/auth.schema.ts';
import { EmptyBody, errorResponses, NoContent } from '../../schemas/common.schema.ts';
import { signedInResponse } from './session-response.ts';
import { hashSessionId } from '../../plugins/session.ts';

const ALL_GATES = ['totp_enrollment', 'password_change', 'screen_locked'] as const;
// Per client address, on top of the per-account lockout (SECURITY.md, brute force).
const LOGIN_RATE_LIMIT = { max: 20, timeWindow: '1 minute' };

export default async function authRoutes(
  app: FastifyInstance,
  options: { clock: Clock; totpRequired: boolean; idleTimeoutSeconds: number },
) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { auth } = app.services;
  const responseOptions = {
    totpRequired: options.totpRequired,
    idleTimeoutSeconds: options.idleTimeoutSeconds,
  };
  const currentUser = async (userId: string) => {
    const user = await app.repositories.users.findById(userId);
    if (!user) throw new AppError('unauthenticated', 'Please sign in.');
    return user;
  };

  routes.post(
    '/api/auth/login',
    {
      config: { access: 'public', audit: 'event', rateLimit: LOGIN_RATE_LIMIT },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with user name, password and (once enrolled) a TOTP or recovery code',
        body: LoginBody,
        response: { 200: SignedIn, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const user = await auth.login(request.context, request.body);
      // A new session id at every sign-in: an id planted before sign-in is worthless.
      await request.session.regenerate();
      const now = options.clock.now().getTime();
      request.session.userId = user.id;
      request.session.authenticatedAt = now;
      request.session.lastSeenAt = now;
      return signedInResponse(request, { ...user, failedLogins: 0 }, responseOptions);
    },
  );

  routes.post(
    '/api/auth/logout',
    {
      config: { access: 'signed-in', audit: 'event', openDuring: ALL_GATES },
      schema: {
        tags: ['auth'],
        summary: 'End the session',
        body: EmptyBody,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await app.services.audit.record(request.context, {
        action: 'auth.logout',
        outcome: 'allowed',
        targetType: 'user',
        targetId: request.actor.userId,
      });
      await request.session.destroy();
      return reply.status(204).send(null);
    },
  );

  routes.get(
    '/api/auth/me',
    {
      config: { access: 'signed-in', audit: 'none', openDuring: ALL_GATES },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user and a CSRF token',
        response: { 200: SignedIn },
      },
    },
    async (request) =>
      signedInResponse(request, await currentUser(request.actor.userId), responseOptions),
  );

  routes.post(
    '/api/auth/totp/setup',
    {
      config: { access: 'signed-in', audit: 'event', openDuring: ['totp_enrollment'] },
      schema: {
        tags: ['auth'],
        summary: 'Start TOTP enrollment: a new secret (base32, SHA-1, 6 digits, 30 s)',
        body: EmptyBody,
        response: { 200: TotpSetup, ...errorResponses(409) },
      },
    },
    (request) => auth.startTotpSetup(request.context, request.actor.userId),
  );

  routes.post(
    '/api/auth/totp/confirm',
    {
      config: { access: 'signed-in', audit: 'event', openDuring: ['totp_enrollment'] },
      schema: {
        tags: ['auth'],
        summary: 'Finish TOTP enrollment with a code; answers the recovery codes, once',
        body: TotpConfirmBody,
        response: { 200: RecoveryCodes, ...errorResponses(400, 409) },
      },
    },
    (request) => auth.confirmTotp(request.context, request.actor.userId, request.body.code),
  );

  routes.post(
    '/api/auth/password',
    {
      config: {
        access: 'signed-in',
        audit: 'event',
        openDuring: ['password_change'],
        rateLimit: LOGIN_RATE_LIMIT,
      },
      schema: {
        tags: ['auth'],
        summary: 'Change the own password',
        body: ChangePasswordBody,
        response: { 204: NoContent, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { currentPassword, newPassword } = request.body;
      const changedAt = await auth.changePassword(
        request.context,
        request.actor.userId,
        currentPassword,
        newPassword,
        hashSessionId(request.session.sessionId),
      );
      request.session.credentialsAt = changedAt.getTime();
      return reply.status(204).send(null);
    },
  );

  routes.post(
    '/api/auth/lock',
    {
      config: { access: 'signed-in', audit: 'event', openDuring: ALL_GATES },
      schema: {
        tags: ['auth'],
        summary: 'Quick lock: the session answers nothing until unlocked',
        body: EmptyBody,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      request.session.screenLocked = true;
      await app.services.audit.record(request.context, {
        action: 'auth.screen_lock',
        outcome: 'allowed',
        targetType: 'user',
        targetId: request.actor.userId,
      });
      return reply.status(204).send(null);
    },
  );

  routes.post(
    '/api/auth/unlock',
    {
      config: {
        access: 'signed-in',
        audit: 'event',
        openDuring: ['screen_locked'],
        rateLimit: LOGIN_RATE_LIMIT,
      },
      schema: {
        tags: ['auth'],
        summary: 'End the quick lock with the password',
        body: UnlockBody,
        response: { 204: NoContent, ...errorResponses(401, 429) },
      },
    },
    async (request, reply) => {
      const { password } = request.body;
      await auth.confirmPassword(
        request.context,
        request.actor.userId,
        password,
        'auth.screen_unlock',
      );
      request.session.screenLocked = false;
      await app.services.audit.record(request.context, {
        action: 'auth.screen_unlock',
        outcome: 'allowed',
        targetType: 'user',
        targetId: request.actor.userId,
      });
      return reply.status(204).send(null);
    },
  );
}

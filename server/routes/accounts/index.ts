import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../clock.ts';
import { RecoveryCodes } from '../../schemas/auth.schema.ts';
import { EmptyBody, errorResponses, IdParams } from '../../schemas/common.schema.ts';
import {
  ActivationCompleteBody,
  ActivationLink,
  ActivationStartBody,
  ActivationStarted,
  UserList,
} from '../../schemas/users.schema.ts';
import { adminUserView } from '../admin/user-view.ts';

const CONFIRMERS = { access: ['team_lead', 'admin'], audit: 'event' } as const;
// Per client address: the link's 256 bits are not guessable, this only keeps noise down.
const ACTIVATION_RATE_LIMIT = { max: 10, timeWindow: '1 minute' };

/**
 * The second person of every account an admin asks for (or resets): confirmation by a team
 * lead of the service or another admin, then the owner's activation through a one-time link.
 */
export default async function accountRoutes(app: FastifyInstance, options: { clock: Clock }) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts, auth } = app.services;

  routes.get(
    '/api/accounts/pending',
    {
      config: CONFIRMERS,
      schema: {
        tags: ['accounts'],
        summary: 'Accounts waiting for this user’s confirmation (or for their owner)',
        response: { 200: UserList },
      },
    },
    async (request) => {
      const pending = await accounts.pending(request.context);
      return { users: pending.map((user) => adminUserView(user, options.clock.now())) };
    },
  );

  routes.post(
    '/api/accounts/:id/confirm',
    {
      config: CONFIRMERS,
      schema: {
        tags: ['accounts'],
        summary:
          'Confirm a waiting account; answers the one-time activation link for its owner (a new confirmation replaces the link)',
        params: IdParams,
        body: EmptyBody,
        response: { 200: ActivationLink, ...errorResponses(403, 404, 409) },
      },
    },
    async (request) => {
      const link = await accounts.confirm(request.context, request.params.id);
      return { activationPath: link.activationPath, expiresAt: link.expiresAt.toISOString() };
    },
  );

  routes.post(
    '/api/activation/start',
    {
      config: { access: 'public', audit: 'event', rateLimit: ACTIVATION_RATE_LIMIT },
      schema: {
        tags: ['accounts'],
        summary: 'Open an activation link: the user name and a new second-factor secret',
        body: ActivationStartBody,
        response: { 200: ActivationStarted, ...errorResponses(400, 410) },
      },
    },
    (request) => auth.startActivation(request.context, request.body.token),
  );

  routes.post(
    '/api/activation/complete',
    {
      config: { access: 'public', audit: 'event', rateLimit: ACTIVATION_RATE_LIMIT },
      schema: {
        tags: ['accounts'],
        summary:
          'Set the own password and confirm the second factor; spends the link and answers the recovery codes, once',
        body: ActivationCompleteBody,
        response: { 200: RecoveryCodes, ...errorResponses(400, 410) },
      },
    },
    (request) => auth.completeActivation(request.context, request.body),
  );
}

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { UserRecord } from '../../repositories/user.repository.ts';
import { EmptyBody, errorResponses, IdParams, NoContent } from '../../schemas/common.schema.ts';
import { CreatedUser, CreateUserBody, UserList } from '../../schemas/users.schema.ts';
import type { Clock } from '../../clock.ts';
import type { RequestContext } from '../../services/actor.ts';
import { adminUserView } from './user-view.ts';

const ADMIN = { access: ['admin'], audit: 'event' } as const;

/** Accounts, for admins (docs/api.md `/api/admin/users…`). Admins never see case content. */
export default async function adminUserRoutes(app: FastifyInstance, options: { clock: Clock }) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts, audit } = app.services;
  const view = (user: UserRecord) => adminUserView(user, options.clock.now());

  routes.get(
    '/api/admin/users',
    {
      config: ADMIN,
      schema: { tags: ['admin'], summary: 'All accounts', response: { 200: UserList } },
    },
    async (request) => {
      await audit.record(request.context, { action: 'admin.user_list', outcome: 'allowed' });
      return { users: (await accounts.list()).map(view) };
    },
  );

  routes.post(
    '/api/admin/users',
    {
      config: ADMIN,
      schema: {
        tags: ['admin'],
        summary:
          'Ask for an account: out of use until a second person confirms it and its owner activates it (no password: 400 password_not_allowed)',
        body: CreateUserBody,
        response: { 201: CreatedUser, ...errorResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const user = await accounts.request(request.context, request.body);
      return reply.status(201).send({ user: view(user) });
    },
  );

  const action = (
    path: string,
    summary: string,
    run: (context: RequestContext, id: string) => Promise<void>,
  ) =>
    routes.post(
      `/api/admin/users/:id/${path}`,
      {
        config: ADMIN,
        schema: {
          tags: ['admin'],
          summary,
          params: IdParams,
          body: EmptyBody,
          response: { 204: NoContent, ...errorResponses(403, 404, 409) },
        },
      },
      async (request, reply) => {
        await run(request.context, request.params.id);
        return reply.status(204).send(null);
      },
    );

  action('disable', 'Disable an account and end its sessions', (context, id) =>
    accounts.setDisabled(context, id, true),
  );
  action('enable', 'Enable a disabled account', (context, id) =>
    accounts.setDisabled(context, id, false),
  );
  action('unlock', 'Lift a lockout after failed sign-ins', (context, id) =>
    accounts.unlock(context, id),
  );
  action(
    'reset-password',
    'Take the account out of use until a second person confirms and its owner sets a new password and second factor; ends sessions',
    (context, id) => accounts.resetPassword(context, id),
  );
  action(
    'reset-totp',
    'Remove the second factor (lost phone): the account waits for confirmation and activation like a password reset',
    (context, id) => accounts.resetTotp(context, id),
  );
}

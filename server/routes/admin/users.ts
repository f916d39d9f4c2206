import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { UserRecord } from '../../repositories/user.repository.ts';
import { EmptyBody, errorResponses, IdParams, NoContent } from '../../schemas/common.schema.ts';
import {
  CreatedUser,
  CreateUserBody,
  TemporaryPassword,
  UserList,
  type AdminUserView,
} from '../../schemas/users.schema.ts';
import type { Clock } from '../../clock.ts';
import type { RequestContext } from '../../services/actor.ts';

const ADMIN = { access: ['admin'], audit: 'event' } as const;

/** Accounts, for admins (API.md `/api/admin/users…`). Admins never see case content. */
export default async function adminUserRoutes(app: FastifyInstance, options: { clock: Clock }) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts, audit } = app.services;
  const view = (user: UserRecord): AdminUserView => ({
    id: user.id,
    username: user.username,
    role: user.role,
    service: user.service,
    disabled: user.disabled,
    locked: user.lockedUntil !== null && user.lockedUntil > options.clock.now(),
    totpEnrolled: user.totpEnrolled,
    mustChangePassword: user.mustChangePassword,
    createdAt: user.createdAt.toISOString(),
  });

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
          'Create an account; without a password, a temporary one is generated and shown once',
        body: CreateUserBody,
        response: { 201: CreatedUser, ...errorResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const created = await accounts.create(request.context, request.body);
      return reply
        .status(201)
        .send({ user: view(created.user), temporaryPassword: created.temporaryPassword });
    },
  );

  const action = (
    path: string,
    summary: string,
    run: (context: RequestContext, id: string) => Promise<{ temporaryPassword: string } | void>,
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
          response: { 200: TemporaryPassword, 204: NoContent, ...errorResponses(404, 409) },
        },
      },
      async (request, reply) => {
        const result = await run(request.context, request.params.id);
        return result ? result : reply.status(204).send(null);
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
    'Set a temporary password that must be changed; ends sessions',
    (context, id) => accounts.resetPassword(context, id),
  );
  action('reset-totp', 'Remove the second factor (lost phone); ends sessions', (context, id) =>
    accounts.resetTotp(context, id),
  );
}

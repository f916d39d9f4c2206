import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../../schemas/common.schema.ts';
import { FirstAdminBody, SetupStatus } from '../../schemas/users.schema.ts';

/** First-admin setup with the one-time link `npm start` prints on a fresh installation. */
export default async function setupRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { firstAdmin } = app.services;

  routes.get(
    '/api/setup',
    {
      config: { access: 'public', audit: 'none' },
      schema: {
        tags: ['setup'],
        summary: 'Whether first-admin setup is still open',
        response: { 200: SetupStatus },
      },
    },
    async () => ({ open: await firstAdmin.isOpen() }),
  );

  routes.post(
    '/api/setup/admin',
    {
      config: { access: 'public', audit: 'event', rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['setup'],
        summary: 'Create the first admin with the token from the setup link',
        body: FirstAdminBody,
        response: { 201: SetupStatus, ...errorResponses(400, 403, 409, 410) },
      },
    },
    async (request, reply) => {
      await firstAdmin.createFirstAdmin(request.context, request.body);
      return reply.status(201).send({ open: false });
    },
  );
}

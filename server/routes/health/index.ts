import type { FastifyInstance } from 'fastify';
import Type from 'typebox';

const HealthResponse = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
    database: Type.Optional(Type.Literal('unavailable')),
  },
  { additionalProperties: false },
);

export default async function healthRoutes(app: FastifyInstance) {
  app.get(
    '/api/health',
    {
      config: { access: 'public', audit: 'none' },
      schema: {
        summary: 'Liveness and database reachability (no personal data, no audit event)',
        tags: ['system'],
        response: { 200: HealthResponse, 503: HealthResponse },
      },
    },
    async (_request, reply) => {
      if (await app.repositories.health.databaseAnswers()) return { status: 'ok' as const };
      return reply.status(503).send({ status: 'unavailable', database: 'unavailable' });
    },
  );
}

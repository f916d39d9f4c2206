import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { NoQuery } from '../../schemas/case-work.schema.ts';
import { errorResponses } from '../../schemas/common.schema.ts';
import { WorkplaceView } from '../../schemas/workplace.schema.ts';
import { COUNSELLORS_ONLY } from '../case-work-access.ts';

/** A counsellor's start page in one request. */
export default async function workplaceRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { workplace } = app.caseWork;

  routes.get(
    '/api/workplace',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags: ['cases'],
        summary:
          "The caller's week: appointments from today, open cases with their last contact, " +
          'due follow-ups and risk assessments waiting for a second counsellor',
        querystring: NoQuery,
        response: { 200: WorkplaceView, ...errorResponses(500) },
      },
    },
    (request) => workplace.view(request.context),
  );
}

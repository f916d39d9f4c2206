import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { CaseParams, CaseRecordParams, NoQuery } from '../../schemas/case-work.schema.ts';
import { errorResponses } from '../../schemas/common.schema.ts';
import {
  CreateFollowUpBody,
  FollowUpList,
  FollowUpView,
  UpdateFollowUpBody,
} from '../../schemas/follow-ups.schema.ts';
import { COUNSELLORS_ONLY, SMALL_BODY_LIMIT } from '../case-work-access.ts';

const tags = ['cases'];

/** Follow-ups with deadlines (Wiedervorlage) of a case, in both services. */
export default async function followUpRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { followUps } = app.caseWork;

  routes.get(
    '/api/cases/:id/follow-ups',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary:
          'Follow-ups of the case (open ones first, by due day) and typical deadlines it suggests',
        params: CaseParams,
        querystring: NoQuery,
        response: { 200: FollowUpList, ...errorResponses(403, 404, 500) },
      },
    },
    (request) => followUps.list(request.context, request.params.id),
  );

  routes.post(
    '/api/cases/:id/follow-ups',
    {
      config: COUNSELLORS_ONLY,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Add a follow-up: due day, text (sealed), assignee (default: the caller)',
        params: CaseParams,
        body: CreateFollowUpBody,
        response: { 201: FollowUpView, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await followUps.create(request.context, request.params.id, request.body)),
  );

  routes.patch(
    '/api/cases/:id/follow-ups/:recordId',
    {
      config: COUNSELLORS_ONLY,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Change a follow-up, or mark it done (`done: true`) or open again',
        params: CaseRecordParams,
        body: UpdateFollowUpBody,
        response: { 200: FollowUpView, ...errorResponses(400, 403, 404, 500) },
      },
    },
    (request) =>
      followUps.update(request.context, request.params.id, request.params.recordId, request.body),
  );
}

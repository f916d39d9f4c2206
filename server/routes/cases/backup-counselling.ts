import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { registerCaseRecordRoutes } from '../../case-records/record.routes.ts';
import { CaseIncidentList, CaseIncidentParams } from '../../schemas/backup-counselling.schema.ts';
import { CaseParams, NoQuery } from '../../schemas/case-work.schema.ts';
import { EmptyBody, errorResponses, NoContent } from '../../schemas/common.schema.ts';
import { COUNSELLORS_ONLY, SMALL_BODY_LIMIT } from '../case-work-access.ts';

const tags = ['backup'];

/** BackUp's records of a case: incidents it concerns, accompaniments, claims, referrals. */
export default async function backupCaseRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { backup } = app.caseWork;

  routes.get(
    '/api/cases/:id/incidents',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Incidents the case concerns',
        params: CaseParams,
        querystring: NoQuery,
        response: { 200: CaseIncidentList, ...errorResponses(403, 404) },
      },
    },
    (request) => backup.listCaseIncidents(request.context, request.params.id),
  );

  routes.put(
    '/api/cases/:id/incidents/:incidentId',
    {
      config: COUNSELLORS_ONLY,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Link an incident to the case (idempotent); send {}',
        params: CaseIncidentParams,
        body: EmptyBody,
        response: { 204: NoContent, ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await backup.linkIncident(request.context, request.params.id, request.params.incidentId);
      return reply.status(204).send(null);
    },
  );

  routes.delete(
    '/api/cases/:id/incidents/:incidentId',
    {
      config: COUNSELLORS_ONLY,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Unlink an incident from the case; send {}',
        params: CaseIncidentParams,
        body: EmptyBody,
        response: { 204: NoContent, ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await backup.unlinkIncident(request.context, request.params.id, request.params.incidentId);
      return reply.status(204).send(null);
    },
  );

  // Accompaniments, compensation claims, referrals: the generic routes of case records.
  for (const records of Object.values(backup.records)) registerCaseRecordRoutes(app, records);
}

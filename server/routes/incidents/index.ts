import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import {
  CreateIncidentBody,
  IncidentList,
  IncidentListQuery,
  IncidentParams,
  IncidentView,
  UpdateIncidentBody,
} from '../../schemas/backup-counselling.schema.ts';
import { NoQuery } from '../../schemas/case-work.schema.ts';
import { errorResponses } from '../../schemas/common.schema.ts';
import { COUNSELLORS_ONLY } from '../case-work-access.ts';

const tags = ['backup'];

/** BackUp's incidents, recorded with the VBRG monitoring categories, apart from cases. */
export default async function incidentRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { backup } = app.caseWork;

  routes.get(
    '/api/incidents',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Incidents, newest first (categories only, nothing decrypted)',
        querystring: IncidentListQuery,
        response: { 200: IncidentList, ...errorResponses(400, 403) },
      },
    },
    (request) => backup.listIncidents(request.context, request.query),
  );

  routes.post(
    '/api/incidents',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Record an incident, optionally with the cases it concerns',
        body: CreateIncidentBody,
        response: { 201: IncidentView, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await backup.createIncident(request.context, request.body)),
  );

  routes.get(
    '/api/incidents/:id',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'The incident, decrypted',
        params: IncidentParams,
        querystring: NoQuery,
        response: { 200: IncidentView, ...errorResponses(404, 500) },
      },
    },
    (request) => backup.getIncident(request.context, request.params.id),
  );

  routes.patch(
    '/api/incidents/:id',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Change an incident',
        params: IncidentParams,
        body: UpdateIncidentBody,
        response: { 200: IncidentView, ...errorResponses(400, 404, 500) },
      },
    },
    (request) => backup.updateIncident(request.context, request.params.id, request.body),
  );
}

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import {
  CreatePreventionContactBody,
  CreateTrainingBody,
  EventListQuery,
  PreventionContactList,
  PreventionContactView,
  TrainingList,
  TrainingView,
} from '../../schemas/comeback.schema.ts';
import { errorResponses } from '../../schemas/common.schema.ts';
import { COUNSELLORS_ONLY, SMALL_BODY_LIMIT } from '../case-work-access.ts';

const tags = ['comeback'];

/** ComeBack's prevention work: events without personal data. */
export default async function preventionRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { comeback } = app.caseWork;

  routes.get(
    '/api/prevention-contacts',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Prevention contacts with sympathisers, newest first',
        querystring: EventListQuery,
        response: { 200: PreventionContactList, ...errorResponses(400, 403) },
      },
    },
    (request) => comeback.preventionContacts(request.context, request.query),
  );

  routes.post(
    '/api/prevention-contacts',
    {
      config: COUNSELLORS_ONLY,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Record a prevention contact (date, setting, number of people)',
        body: CreatePreventionContactBody,
        response: { 201: PreventionContactView, ...errorResponses(400, 403) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await comeback.createPreventionContact(request.context, request.body)),
  );

  routes.get(
    '/api/trainings',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Multiplier trainings, newest first',
        querystring: EventListQuery,
        response: { 200: TrainingList, ...errorResponses(400, 403) },
      },
    },
    (request) => comeback.trainings(request.context, request.query),
  );

  routes.post(
    '/api/trainings',
    {
      config: COUNSELLORS_ONLY,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Record a multiplier training (date, format, audience, participants)',
        body: CreateTrainingBody,
        response: { 201: TrainingView, ...errorResponses(400, 403) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await comeback.createTraining(request.context, request.body)),
  );
}

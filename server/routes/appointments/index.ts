import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import {
  AppointmentList,
  AppointmentListQuery,
  AppointmentParams,
  AppointmentResponse,
  CreateAppointmentBody,
  SavedAppointment,
  UpdateAppointmentBody,
} from '../../schemas/appointments.schema.ts';
import { NoQuery } from '../../schemas/case-work.schema.ts';
import { errorResponses } from '../../schemas/common.schema.ts';
import { COUNSELLORS_ONLY } from '../case-work-access.ts';

const tags = ['appointments'];

/** Appointments: week views per counsellor and for the team, overlap warnings. */
export default async function appointmentRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { appointments } = app.caseWork;

  routes.get(
    '/api/appointments',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary:
          "Appointments overlapping [from, to) (at most 42 days): the caller's, one counsellor's (counsellorId) or the team's (team=true)",
        querystring: AppointmentListQuery,
        response: { 200: AppointmentList, ...errorResponses(400, 500) },
      },
    },
    (request) => appointments.list(request.context, request.query),
  );

  routes.post(
    '/api/appointments',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Make an appointment; the answer warns of overlapping ones',
        body: CreateAppointmentBody,
        response: { 201: SavedAppointment, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await appointments.create(request.context, request.body)),
  );

  routes.get(
    '/api/appointments/:id',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'One appointment, decrypted',
        params: AppointmentParams,
        querystring: NoQuery,
        response: { 200: AppointmentResponse, ...errorResponses(404, 500) },
      },
    },
    (request) => appointments.get(request.context, request.params.id),
  );

  routes.patch(
    '/api/appointments/:id',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Move, change or cancel (status cancelled) an appointment',
        params: AppointmentParams,
        body: UpdateAppointmentBody,
        response: { 200: SavedAppointment, ...errorResponses(400, 404, 500) },
      },
    },
    (request) => appointments.update(request.context, request.params.id, request.body),
  );
}

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import {
  AccompanimentList,
  AccompanimentView,
  CaseIncidentList,
  CaseIncidentParams,
  ClaimList,
  ClaimView,
  CreateAccompanimentBody,
  CreateClaimBody,
  CreateReferralBody,
  ReferralList,
  ReferralView,
  UpdateAccompanimentBody,
  UpdateClaimBody,
} from '../../schemas/backup-counselling.schema.ts';
import { CaseParams, CaseRecordParams, NoQuery } from '../../schemas/case-work.schema.ts';
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

  routes.get(
    '/api/cases/:id/accompaniments',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Accompaniments to police interviews and court hearings',
        params: CaseParams,
        querystring: NoQuery,
        response: { 200: AccompanimentList, ...errorResponses(403, 404, 500) },
      },
    },
    (request) => backup.listAccompaniments(request.context, request.params.id),
  );

  routes.post(
    '/api/cases/:id/accompaniments',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Record an accompaniment (the court file number becomes searchable)',
        params: CaseParams,
        body: CreateAccompanimentBody,
        response: { 201: AccompanimentView, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await backup.createAccompaniment(request.context, request.params.id, request.body)),
  );

  routes.patch(
    '/api/cases/:id/accompaniments/:recordId',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Change an accompaniment (e.g. its outcome)',
        params: CaseRecordParams,
        body: UpdateAccompanimentBody,
        response: { 200: AccompanimentView, ...errorResponses(400, 403, 404, 500) },
      },
    },
    (request) =>
      backup.updateAccompaniment(
        request.context,
        request.params.id,
        request.params.recordId,
        request.body,
      ),
  );

  routes.get(
    '/api/cases/:id/compensation-claims',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Claims under the victim compensation law (OEG)',
        params: CaseParams,
        querystring: NoQuery,
        response: { 200: ClaimList, ...errorResponses(403, 404, 500) },
      },
    },
    (request) => backup.listClaims(request.context, request.params.id),
  );

  routes.post(
    '/api/cases/:id/compensation-claims',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Record a claim under the victim compensation law',
        params: CaseParams,
        body: CreateClaimBody,
        response: { 201: ClaimView, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await backup.createClaim(request.context, request.params.id, request.body)),
  );

  routes.patch(
    '/api/cases/:id/compensation-claims/:recordId',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: "Change a claim's status or dates",
        params: CaseRecordParams,
        body: UpdateClaimBody,
        response: { 200: ClaimView, ...errorResponses(400, 403, 404, 500) },
      },
    },
    (request) =>
      backup.updateClaim(request.context, request.params.id, request.params.recordId, request.body),
  );

  routes.get(
    '/api/cases/:id/referrals',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Referrals to lawyers, therapists and other services',
        params: CaseParams,
        querystring: NoQuery,
        response: { 200: ReferralList, ...errorResponses(403, 404, 500) },
      },
    },
    (request) => backup.listReferrals(request.context, request.params.id),
  );

  routes.post(
    '/api/cases/:id/referrals',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: "Record a referral with the person's consent",
        params: CaseParams,
        body: CreateReferralBody,
        response: { 201: ReferralView, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await backup.createReferral(request.context, request.params.id, request.body)),
  );
}

import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../../schemas/common.schema.ts';
import { AppointmentList } from '../../schemas/appointments.schema.ts';
import { CaseParams, NoQuery } from '../../schemas/case-work.schema.ts';
import {
  AmendNoteBody,
  CaseList,
  CaseListQuery,
  CaseSearchBody,
  CaseView,
  CounsellorList,
  CreateCaseBody,
  CreatedCase,
  CreateNoteBody,
  NoteList,
  NoteListQuery,
  NoteParams,
  NoteView,
  UpdateCaseBody,
} from '../../schemas/cases.schema.ts';
import { COUNSELLORS_ONLY, SMALL_BODY_LIMIT } from '../case-work-access.ts';

const tags = ['cases'];

/** Cases of both services, their notes and appointments (docs/api.md `/api/cases…`). */
/**
 * Opening a case not assigned to the reader needs a reason (403 access_reason_required
 * otherwise). It travels in a header, percent-encoded (headers are Latin-1 only), so that it
 * never appears in a URL or a log line.
 */
export const AccessReasonHeaders = Type.Object({
  'x-access-reason': Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
});

export default async function caseRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { cases, notes, appointments } = app.caseWork;

  routes.get(
    '/api/cases',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary:
          "The own service's cases, newest first, filtered; `q` searches exactly (prefer POST /api/cases/search, which keeps names out of URLs)",
        querystring: CaseListQuery,
        response: { 200: CaseList, ...errorResponses(400, 500) },
      },
    },
    async (request) => {
      const { q, limit, offset, ...filter } = request.query;
      return q === undefined
        ? cases.list(request.context, filter, { limit, offset })
        : cases.search(request.context, q, filter, { limit, offset });
    },
  );

  routes.post(
    '/api/cases/search',
    {
      config: COUNSELLORS_ONLY,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary:
          'Exact-match search: pseudonym, name, case number or court file number (blind indexes)',
        body: CaseSearchBody,
        response: { 200: CaseList, ...errorResponses(400, 500) },
      },
    },
    async (request) => {
      const { q, limit, offset, ...filter } = request.body;
      return cases.search(request.context, q, filter, { limit, offset });
    },
  );

  routes.post(
    '/api/cases',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: "Open a case in the caller's service (never the body's); pseudonymous by default",
        body: CreateCaseBody,
        response: { 201: CreatedCase, ...errorResponses(400) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await cases.create(request.context, request.body)),
  );

  routes.get(
    '/api/cases/:id',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: "The case, decrypted; another service's case answers 404 like a missing one",
        params: CaseParams,
        querystring: NoQuery,
        headers: AccessReasonHeaders,
        response: { 200: CaseView, ...errorResponses(400, 403, 404, 500) },
      },
    },
    (request) => cases.get(request.context, request.params.id),
  );

  routes.patch(
    '/api/cases/:id',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Change a case; closing needs closingReason, reopening clears it',
        params: CaseParams,
        body: UpdateCaseBody,
        response: { 200: CaseView, ...errorResponses(400, 404, 500) },
      },
    },
    (request) => cases.update(request.context, request.params.id, request.body),
  );

  routes.get(
    '/api/cases/:id/notes',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Notes of the case, newest first, with their corrections',
        params: CaseParams,
        querystring: NoteListQuery,
        response: { 200: NoteList, ...errorResponses(404, 500) },
      },
    },
    (request) => notes.list(request.context, request.params.id, request.query),
  );

  routes.post(
    '/api/cases/:id/notes',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Add a note (append-only)',
        params: CaseParams,
        body: CreateNoteBody,
        response: { 201: NoteView, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await notes.create(request.context, request.params.id, request.body)),
  );

  routes.post(
    '/api/cases/:id/notes/:noteId/amendments',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Correct a note: a new note that references it; the original stays visible',
        params: NoteParams,
        body: AmendNoteBody,
        response: { 201: NoteView, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await notes.amend(
            request.context,
            request.params.id,
            request.params.noteId,
            request.body,
          ),
        ),
  );

  routes.get(
    '/api/cases/:id/appointments',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'All appointments of the case, cancelled ones included',
        params: CaseParams,
        querystring: NoQuery,
        response: { 200: AppointmentList, ...errorResponses(404, 500) },
      },
    },
    (request) => appointments.listForCase(request.context, request.params.id),
  );

  routes.get(
    '/api/counsellors',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Active counsellors of the own service (for assigning cases and appointments)',
        querystring: NoQuery,
        response: { 200: CounsellorList },
      },
    },
    async (request) => ({ counsellors: await cases.counsellors(request.context) }),
  );
}

import type { FastifyInstance } from 'fastify';
import { CaseParams, CaseRecordParams, NoQuery } from '../schemas/case-work.schema.ts';
import { errorResponses } from '../schemas/common.schema.ts';
import { COUNSELLORS_ONLY } from '../routes/case-work-access.ts';
import type { RequestContext } from '../services/actor.ts';
import type { CaseRecordType } from './record-type.ts';

/** What the routes call; `createCaseRecordService` answers it for every type. */
export interface CaseRecordEndpoints {
  // Declared loosely: each type's schemas check bodies and answers at the HTTP boundary.
  type: Pick<
    CaseRecordType<{ id: string }, object, never, object, unknown, unknown>,
    'path' | 'tags' | 'schemas' | 'summaries' | 'conflicts'
  >;
  list(context: RequestContext, caseId: string): Promise<unknown>;
  create(context: RequestContext, caseId: string, body: never): Promise<unknown>;
  update(context: RequestContext, caseId: string, id: string, patch: never): Promise<unknown>;
}

/**
 * The routes of one record type, all for counsellors only and all audited: GET and POST
 * `/api/cases/:id/<path>`, and PATCH `/api/cases/:id/<path>/:recordId` when it has an update.
 */
export function registerCaseRecordRoutes(app: FastifyInstance, records: CaseRecordEndpoints) {
  const { path, tags, schemas, summaries } = records.type;
  const url = `/api/cases/:id/${path}`;
  type CaseRequest = { context: RequestContext; params: { id: string } };

  app.get(
    url,
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: summaries.list,
        params: CaseParams,
        querystring: NoQuery,
        response: { 200: schemas.list, ...errorResponses(403, 404, 500) },
      },
    },
    (request) => {
      const { context, params } = request as unknown as CaseRequest;
      return records.list(context, params.id);
    },
  );

  app.post(
    url,
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: summaries.create,
        params: CaseParams,
        body: schemas.create,
        response: {
          201: schemas.view,
          ...errorResponses(400, 403, 404, ...(records.type.conflicts ? [409] : [])),
        },
      },
    },
    async (request, reply) => {
      const { context, params } = request as unknown as CaseRequest;
      const body = request.body as never;
      return reply.status(201).send(await records.create(context, params.id, body));
    },
  );

  if (schemas.update === undefined) return;
  app.patch(
    `${url}/:recordId`,
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: summaries.update,
        params: CaseRecordParams,
        body: schemas.update,
        response: { 200: schemas.view, ...errorResponses(400, 403, 404, 500) },
      },
    },
    (request) => {
      const { context, params } = request as unknown as CaseRequest & {
        params: { recordId: string };
      };
      return records.update(context, params.id, params.recordId, request.body as never);
    },
  );
}

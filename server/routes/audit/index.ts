import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import {
  AccessReasonView,
  AnomalyQuery,
  AnomalyReport,
  AuditEventParams,
  AuditPage,
  AuditQuery,
  CheckpointView,
  ExportQuery,
  PublicKeyView,
  VerificationView,
} from '../../schemas/audit.schema.ts';
import { EmptyBody, errorResponses } from '../../schemas/common.schema.ts';

const AUDITOR = { access: ['auditor'], audit: 'event' } as const;
const CHECKPOINT_RATE_LIMIT = { max: 3, timeWindow: '1 minute' } as const;

/** The auditor's workspace (docs/api.md /api/audit…). Auditors never see case content. */
export default async function auditRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { accessLog } = app.services;

  routes.get(
    '/api/audit',
    {
      config: AUDITOR,
      schema: {
        tags: ['audit'],
        summary:
          'Access-log events, newest first, filtered by actor, action, outcome, case number, period',
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errorResponses(400) },
      },
    },
    (request) => accessLog.search(request.context, request.query),
  );

  routes.get(
    '/api/audit/events/:id/access-reason',
    {
      config: AUDITOR,
      schema: {
        tags: ['audit'],
        summary:
          "One event's free-text reason (decrypted); the request is logged with the event's id",
        params: AuditEventParams,
        response: { 200: AccessReasonView, ...errorResponses(400, 404) },
      },
    },
    (request) => accessLog.accessReason(request.context, request.params.id),
  );

  routes.get(
    '/api/audit/anomalies',
    {
      config: AUDITOR,
      schema: {
        tags: ['audit'],
        summary:
          'Patterns to look at: many cases in an hour, off-hours access, repeated denials, unassigned reads',
        querystring: AnomalyQuery,
        response: { 200: AnomalyReport },
      },
    },
    (request) => accessLog.anomalies(request.context, request.query),
  );

  routes.get(
    '/api/audit/verify',
    {
      config: AUDITOR,
      schema: {
        tags: ['audit'],
        summary: 'Recompute the hash chain and check every signed checkpoint',
        response: { 200: VerificationView, ...errorResponses(503) },
      },
    },
    (request) => accessLog.verify(request.context),
  );

  routes.post(
    '/api/audit/checkpoint',
    {
      // Each request makes the sealer verify the whole log before it signs: a few a minute
      // serve any auditor, more would only load the database.
      config: { ...AUDITOR, rateLimit: CHECKPOINT_RATE_LIMIT },
      schema: {
        tags: ['audit'],
        summary: 'Have the sealer sign a checkpoint of the current log now',
        body: EmptyBody,
        response: { 200: CheckpointView, ...errorResponses(429, 503) },
      },
    },
    (request) => accessLog.checkpoint(request.context),
  );

  routes.get(
    '/api/audit/public-key',
    {
      config: { access: ['auditor', 'admin'], audit: 'none' },
      schema: {
        tags: ['audit'],
        summary: 'The checkpoint verifier key (public), for offline verification',
        response: { 200: PublicKeyView },
      },
    },
    async () => ({ publicKey: await accessLog.publicKey() }),
  );

  routes.get(
    '/api/audit/export',
    {
      config: AUDITOR,
      schema: {
        tags: ['audit'],
        summary: 'Export filtered events as CSV or JSON (the export is itself an event)',
        querystring: ExportQuery,
      },
    },
    async (request, reply) => {
      const { format, ...search } = request.query;
      const body = await accessLog.export(request.context, search, format);
      const stamp = new Date().toISOString().slice(0, 10);
      return reply
        .header('content-disposition', `attachment; filename="access-log-${stamp}.${format}"`)
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .send(body);
    },
  );
}

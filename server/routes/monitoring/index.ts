import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../../schemas/common.schema.ts';
import {
  MonitoringExportQuery,
  MonitoringQuery,
  MonitoringReport,
} from '../../schemas/monitoring.schema.ts';
import { monitoringCsv } from '../../services/stats/monitoring.service.ts';

/** Exact figures are for BackUp's team leads only; every preview and export is audited. */
const TEAM_LEADS_ONLY = { access: ['team_lead'], audit: 'event' } as const;
const tags = ['statistics'];

/** The VBRG annual monitoring: a preview, then the export of exactly those figures. */
export default async function monitoringRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { monitoring } = app.caseWork;

  routes.get(
    '/api/monitoring',
    {
      config: TEAM_LEADS_ONLY,
      schema: {
        tags,
        summary: "Preview of a year's monitoring figures (exact, not suppressed)",
        querystring: MonitoringQuery,
        response: { 200: MonitoringReport, ...errorResponses(400, 403) },
      },
    },
    (request) => monitoring.preview(request.context, request.query.year),
  );

  routes.get(
    '/api/monitoring/export',
    {
      config: TEAM_LEADS_ONLY,
      schema: {
        tags,
        summary: 'The previewed figures as CSV (`;`, BOM) or JSON; 409 when they changed since',
        querystring: MonitoringExportQuery,
      },
    },
    async (request, reply) => {
      const report = await monitoring.export(request.context, request.query);
      const name = `vbrg-monitoring-${report.year}.${request.query.format}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      if (request.query.format === 'json') {
        return reply.type('application/json; charset=utf-8').send(JSON.stringify(report));
      }
      return reply.type('text/csv; charset=utf-8').send(monitoringCsv(report));
    },
  );
}

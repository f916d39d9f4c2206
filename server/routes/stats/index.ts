import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../../schemas/common.schema.ts';
import {
  AnnualReport,
  StatsExportQuery,
  StatsQuery,
  StatsReportQuery,
  StatsResponse,
  WorkloadResponse,
} from '../../schemas/stats.schema.ts';
import { NoQuery } from '../../schemas/case-work.schema.ts';

/** Statistics are for team leads (of the caller's own service); every call is audited. */
const TEAM_LEADS_ONLY = { access: ['team_lead'], audit: 'event' } as const;
const tags = ['statistics'];

/** Anonymised statistics: counts with small-cell suppression, never records. */
export default async function statsRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { stats } = app.caseWork;

  routes.get(
    '/api/stats',
    {
      config: TEAM_LEADS_ONLY,
      schema: {
        tags,
        summary: "The caller's service's tables for one period view; small counts suppressed",
        querystring: StatsQuery,
        response: { 200: StatsResponse, ...errorResponses(400, 403) },
      },
    },
    (request) => stats.view(request.context, request.query),
  );

  routes.get(
    '/api/stats/workload',
    {
      config: TEAM_LEADS_ONLY,
      schema: {
        tags,
        summary: 'Open cases and upcoming appointments per counsellor (counts only)',
        querystring: NoQuery,
        response: { 200: WorkloadResponse, ...errorResponses(400, 403) },
      },
    },
    (request) => stats.workload(request.context),
  );

  routes.get(
    '/api/stats/export.csv',
    {
      config: TEAM_LEADS_ONLY,
      schema: {
        tags,
        summary: 'One table as CSV, with the same suppression ("<k")',
        querystring: StatsExportQuery,
      },
    },
    async (request, reply) => {
      const { table, granularity = 'month', year } = request.query;
      const body = await stats.exportCsv(request.context, request.query);
      const name = `statistics-${table}-${granularity}${year === undefined ? '' : `-${year}`}.csv`;
      return reply
        .header('content-disposition', `attachment; filename="${name}"`)
        .type('text/csv; charset=utf-8')
        .send(body);
    },
  );

  routes.get(
    '/api/stats/report',
    {
      config: TEAM_LEADS_ONLY,
      schema: {
        tags,
        summary: 'The annual report figures (quarters and year) of one calendar year',
        querystring: StatsReportQuery,
        response: { 200: AnnualReport, ...errorResponses(400, 403) },
      },
    },
    (request) => stats.report(request.context, request.query),
  );
}

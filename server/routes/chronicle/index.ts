import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { IncidentParams } from '../../schemas/backup-counselling.schema.ts';
import { NoQuery } from '../../schemas/case-work.schema.ts';
import {
  ChronicleBuildBody,
  ChronicleBuildView,
  ChronicleConsentBody,
  ChronicleEntryView,
  ChronicleList,
  ChronicleListQuery,
  ChronicleApprovalBody,
  ChronicleParams,
  IncidentChronicleView,
} from '../../schemas/chronicle.schema.ts';
import { EmptyBody, errorResponses } from '../../schemas/common.schema.ts';
import { chronicleSite } from '../../services/chronicle/chronicle-site.ts';
import { COUNSELLORS_ONLY, SMALL_BODY_LIMIT } from '../case-work-access.ts';

/**
 * The approval list and decisions are for counsellors (a named colleague approves) and team
 * leads of the service; every call is audited.
 */
const COUNSELLORS_AND_TEAM_LEADS = { access: ['counsellor', 'team_lead'], audit: 'event' } as const;
const tags = ['chronicle'];

/** BackUp's public chronicle: consent and public text on an incident, four eyes, withdrawal. */
export default async function chronicleRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { chronicle } = app.caseWork;

  routes.get(
    '/api/incidents/:id/chronicle',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: "The incident's chronicle entry: consent, public text, approval, builds",
        params: IncidentParams,
        querystring: NoQuery,
        response: { 200: IncidentChronicleView, ...errorResponses(403, 404, 500) },
      },
    },
    (request) => chronicle.forIncident(request.context, request.params.id),
  );

  routes.put(
    '/api/incidents/:id/chronicle',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Record or replace consent and public text (a change needs a new approval)',
        params: IncidentParams,
        body: ChronicleConsentBody,
        response: { 200: IncidentChronicleView, ...errorResponses(400, 403, 404, 500) },
      },
    },
    (request) => chronicle.saveForIncident(request.context, request.params.id, request.body),
  );

  routes.get(
    '/api/chronicle',
    {
      config: COUNSELLORS_AND_TEAM_LEADS,
      schema: {
        tags,
        summary: 'Chronicle entries with their warnings (without who agreed), newest first',
        querystring: ChronicleListQuery,
        response: { 200: ChronicleList, ...errorResponses(400, 403, 500) },
      },
    },
    (request) => chronicle.list(request.context, request.query),
  );

  routes.get(
    '/api/chronicle/:id',
    {
      config: COUNSELLORS_AND_TEAM_LEADS,
      schema: {
        tags,
        summary: 'One chronicle entry, with where and when it was published',
        params: ChronicleParams,
        querystring: NoQuery,
        response: { 200: ChronicleEntryView, ...errorResponses(403, 404, 500) },
      },
    },
    (request) => chronicle.get(request.context, request.params.id),
  );

  routes.post(
    '/api/chronicle/:id/approval',
    {
      config: COUNSELLORS_AND_TEAM_LEADS,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary:
          "Approve the public text as seen (a team lead or the named colleague, not the author); send the entry's updatedAt",
        params: ChronicleParams,
        body: ChronicleApprovalBody,
        response: { 200: ChronicleEntryView, ...errorResponses(403, 404, 409, 500) },
      },
    },
    (request) => chronicle.approve(request.context, request.params.id, request.body.seenUpdatedAt),
  );

  routes.post(
    '/api/chronicle/:id/withdrawal',
    {
      config: COUNSELLORS_AND_TEAM_LEADS,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Consent withdrawn: the next build leaves the entry out; send {}',
        params: ChronicleParams,
        body: EmptyBody,
        response: { 200: ChronicleEntryView, ...errorResponses(403, 404, 500) },
      },
    },
    (request) => chronicle.withdraw(request.context, request.params.id),
  );

  routes.post(
    '/api/chronicle/builds',
    {
      config: { access: ['team_lead'], audit: 'event' },
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Build the public chronicle now, recorded as published at `destination`',
        body: ChronicleBuildBody,
        response: { 200: ChronicleBuildView, ...errorResponses(400, 403, 500) },
      },
    },
    async (request) => {
      const build = await chronicle.buildForTeamLead(request.context, request.body.destination);
      return {
        buildId: build.buildId,
        builtAt: build.builtAt.toISOString(),
        entries: build.entries.length,
        files: chronicleSite(build),
      };
    },
  );
}

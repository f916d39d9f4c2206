import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { CaseParams, NoQuery } from '../../schemas/case-work.schema.ts';
import {
  AssessRiskBody,
  ChangePhaseBody,
  ExitProcessView,
  PhaseChangeView,
  RiskAssessmentList,
  RiskAssessmentView,
  RiskDecisionBody,
  RiskDecisionParams,
} from '../../schemas/comeback.schema.ts';
import { errorResponses } from '../../schemas/common.schema.ts';
import { COUNSELLORS_ONLY, SMALL_BODY_LIMIT } from '../case-work-access.ts';

const tags = ['comeback'];

/** ComeBack's exit process of a case: phases and four-eyes risk assessments. */
export default async function comebackCaseRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { comeback } = app.caseWork;

  routes.get(
    '/api/cases/:id/exit-phases',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'The current exit phase and its history, newest first',
        params: CaseParams,
        querystring: NoQuery,
        response: { 200: ExitProcessView, ...errorResponses(403, 404, 500) },
      },
    },
    (request) => comeback.exitProcess(request.context, request.params.id),
  );

  routes.post(
    '/api/cases/:id/exit-phases',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Move the case to a phase (closing and breaking_off need a reason)',
        params: CaseParams,
        body: ChangePhaseBody,
        response: { 201: PhaseChangeView, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await comeback.changePhase(request.context, request.params.id, request.body)),
  );

  routes.get(
    '/api/cases/:id/risk-assessments',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'The confirmed risk level and all assessments, newest first',
        params: CaseParams,
        querystring: NoQuery,
        response: { 200: RiskAssessmentList, ...errorResponses(403, 404, 500) },
      },
    },
    (request) => comeback.riskAssessments(request.context, request.params.id),
  );

  routes.post(
    '/api/cases/:id/risk-assessments',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Assess the risk; a changed level stays pending until a second counsellor decides',
        params: CaseParams,
        body: AssessRiskBody,
        response: { 201: RiskAssessmentView, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await comeback.assessRisk(request.context, request.params.id, request.body)),
  );

  routes.post(
    '/api/cases/:id/risk-assessments/:assessmentId/decision',
    {
      config: COUNSELLORS_ONLY,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Confirm or reject a pending change (not by the counsellor who proposed it)',
        params: RiskDecisionParams,
        body: RiskDecisionBody,
        response: { 200: RiskAssessmentView, ...errorResponses(400, 403, 404, 409) },
      },
    },
    (request) =>
      comeback.decideRisk(
        request.context,
        request.params.id,
        request.params.assessmentId,
        request.body.decision,
      ),
  );
}

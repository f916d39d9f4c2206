import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { registerCaseRecordRoutes } from '../../case-records/record.routes.ts';
import {
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

  // Exit phases and risk assessments: the generic routes of case records.
  for (const records of Object.values(comeback.records)) registerCaseRecordRoutes(app, records);

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

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { CaseParams, NoQuery } from '../../schemas/case-work.schema.ts';
import { EmptyBody, errorResponses } from '../../schemas/common.schema.ts';
import {
  DeletionCertificate,
  EraseByNumberBody,
  EraseCaseBody,
  ErasurePreview,
  ErasurePreviewQuery,
  HeldCaseList,
  LegalHoldBody,
  LegalHoldView,
  SubjectAccessExport,
} from '../../schemas/lifecycle.schema.ts';
import { COUNSELLORS_ONLY, SMALL_BODY_LIMIT } from '../case-work-access.ts';
import { AccessReasonHeaders } from '../cases/index.ts';

const tags = ['lifecycle'];
const TEAM_LEADS_ONLY = { access: ['team_lead'], audit: 'event' } as const;
const COUNSELLORS_AND_TEAM_LEADS = { access: ['counsellor', 'team_lead'], audit: 'event' } as const;
const AUDITORS_ONLY = { access: ['auditor'], audit: 'event' } as const;

/** Legal holds, erasure on request and the subject-access export. */
export default async function lifecycleRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { lifecycle } = app.lifecycle;

  routes.get(
    '/api/cases/:id/legal-hold',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Whether the case is on legal hold, since when, by whom and why',
        params: CaseParams,
        querystring: NoQuery,
        headers: AccessReasonHeaders,
        response: { 200: LegalHoldView, ...errorResponses(400, 403, 404, 500) },
      },
    },
    (request) => lifecycle.legalHold(request.context, request.params.id),
  );

  routes.post(
    '/api/cases/:id/legal-hold',
    {
      config: COUNSELLORS_ONLY,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary:
          'Put the case on legal hold (or change the reason): it is not erased while the hold lasts',
        params: CaseParams,
        body: LegalHoldBody,
        response: { 200: LegalHoldView, ...errorResponses(400, 403, 404, 500) },
      },
    },
    (request) => lifecycle.setLegalHold(request.context, request.params.id, request.body.reason),
  );

  routes.post(
    '/api/cases/:id/legal-hold/lift',
    {
      config: COUNSELLORS_AND_TEAM_LEADS,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary:
          'Lift the legal hold of the case (the counsellor who set it, or a team lead of the service)',
        params: CaseParams,
        body: EmptyBody,
        response: { 200: LegalHoldView, ...errorResponses(400, 403, 404, 500) },
      },
    },
    (request) => lifecycle.liftLegalHold(request.context, request.params.id),
  );

  routes.get(
    '/api/cases/:id/export',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary:
          'Subject-access export (GDPR Art. 15): everything stored about the person of the case, decrypted',
        params: CaseParams,
        querystring: NoQuery,
        headers: AccessReasonHeaders,
        response: { 200: SubjectAccessExport, ...errorResponses(400, 403, 404, 500) },
      },
    },
    (request) => lifecycle.exportCase(request.context, request.params.id),
  );

  routes.post(
    '/api/cases/:id/erasure',
    {
      config: TEAM_LEADS_ONLY,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary:
          "Erase a case of the team lead's service by crypto-shredding (e.g. GDPR Art. 17); refused while on legal hold",
        params: CaseParams,
        body: EraseCaseBody,
        response: { 200: DeletionCertificate, ...errorResponses(400, 403, 404, 409, 500) },
      },
    },
    (request) => lifecycle.erase(request.context, request.params.id, request.body),
  );

  routes.post(
    '/api/erasures',
    {
      config: TEAM_LEADS_ONLY,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary:
          "Erase a case of the team lead's service by its case number (crypto-shredding); refused while on legal hold",
        body: EraseByNumberBody,
        response: { 200: DeletionCertificate, ...errorResponses(400, 403, 404, 409, 500) },
      },
    },
    (request) => lifecycle.eraseByNumber(request.context, request.body),
  );

  routes.get(
    '/api/erasures/preview',
    {
      config: TEAM_LEADS_ONLY,
      schema: {
        tags,
        summary:
          "What erasing a case of the team lead's service would destroy (pseudonym, counsellors, status, dates, legal hold), before the confirmation",
        querystring: ErasurePreviewQuery,
        response: { 200: ErasurePreview, ...errorResponses(400, 403, 404, 500) },
      },
    },
    (request) => lifecycle.erasurePreview(request.context, request.query.caseNumber),
  );

  routes.get(
    '/api/audit/legal-holds',
    {
      config: AUDITORS_ONLY,
      schema: {
        tags,
        summary: 'Every case on legal hold in both services: case number, since, by whom, why',
        querystring: NoQuery,
        response: { 200: HeldCaseList },
      },
    },
    (request) => lifecycle.heldCases(request.context),
  );
}

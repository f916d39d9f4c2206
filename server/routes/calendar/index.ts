import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { CreatedFeed, FeedQuery, FeedStatus } from '../../schemas/appointments.schema.ts';
import { NoQuery } from '../../schemas/case-work.schema.ts';
import { EmptyBody, errorResponses, NoContent } from '../../schemas/common.schema.ts';
import { FEED_PATH } from '../../services/appointments/calendar-feed.service.ts';
import { COUNSELLORS_ONLY, SMALL_BODY_LIMIT } from '../case-work-access.ts';

const tags = ['appointments'];

/**
 * A counsellor's iCalendar feed. Managing the token needs a session; reading the feed needs
 * only the token (calendar apps cannot sign in), which is why it travels in the query string:
 * the server's logs never contain query strings.
 */
export default async function calendarRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { calendar } = app.caseWork;

  routes.get(
    '/api/calendar/feed-token',
    {
      config: COUNSELLORS_ONLY,
      schema: {
        tags,
        summary: 'Whether the caller has an active calendar feed',
        querystring: NoQuery,
        response: { 200: FeedStatus },
      },
    },
    (request) => calendar.status(request.context),
  );

  routes.post(
    '/api/calendar/feed-token',
    {
      config: COUNSELLORS_ONLY,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary: 'A new feed token (shown once); the previous one stops working',
        body: EmptyBody,
        response: { 201: CreatedFeed },
      },
    },
    async (request, reply) => reply.status(201).send(await calendar.create(request.context)),
  );

  routes.delete(
    '/api/calendar/feed-token',
    {
      config: COUNSELLORS_ONLY,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Revoke the feed; send {}',
        body: EmptyBody,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await calendar.revoke(request.context);
      return reply.status(204).send(null);
    },
  );

  routes.get(
    FEED_PATH,
    {
      config: {
        access: 'public',
        audit: 'event',
        // 256-bit tokens cannot be guessed; the limit keeps a misconfigured client in check.
        rateLimit: { max: 60, timeWindow: '1 minute' },
      },
      schema: {
        tags,
        summary:
          'iCalendar feed for a token: only "Termin", kind and time, no person, place or case',
        querystring: FeedQuery,
        produces: ['text/calendar'],
        response: {
          200: Type.String({ description: 'text/calendar' }),
          ...errorResponses(400, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const body = await calendar.feed(request.context, request.query.token);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', 'inline; filename="casework.ics"')
        .send(body);
    },
  );
}

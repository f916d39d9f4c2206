import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** `/api/openapi.json` and the browsable `/api/docs` (docs/api.md), generated from route schemas. */
export const openApiPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'casework API',
          description:
            'Confidential case management for the counselling services BackUp and ComeBack. Every state-changing request except login carries the `x-csrf-token` header.',
          version: '0.1.0',
        },
        components: {
          securitySchemes: {
            session: { type: 'apiKey', in: 'cookie', name: 'casework_session' },
          },
        },
      },
    });
    await app.register(swaggerUi, {
      routePrefix: '/api/docs',
      staticCSP: true,
      // Its policy assumes HTTPS and framing by itself; casework runs on plain loopback HTTP in
      // development and is never framed.
      transformStaticCSP: (policy) =>
        policy
          .replace(/\s*upgrade-insecure-requests;?/, '')
          .replace("frame-ancestors 'self'", "frame-ancestors 'none'"),
      uiConfig: { docExpansion: 'list', deepLinking: false },
    });
    app.get(
      '/api/openapi.json',
      { config: { access: 'public', audit: 'none' }, schema: { hide: true } },
      () => app.swagger(),
    );
  },
  { name: 'openapi' },
);

import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const NEVER_CACHE = 'no-cache, no-store, must-revalidate';

/**
 * Serves the SvelteKit SPA build from the same origin as the API: hashed assets under
 * /_app/immutable are cached for a year, everything else (above all the page) is revalidated
 * on every load so a new release is picked up at once. Unknown non-API paths get the SPA page.
 */
export const webAppPlugin = fp(
  async (app: FastifyInstance, options: { webDir: string }) => {
    const indexFile = path.join(options.webDir, 'index.html');
    if (!fs.existsSync(indexFile)) {
      app.log.warn(`no web build at ${options.webDir}: the UI is not served (run npm run build:web)`);
      return;
    }
    await app.register(fastifyStatic, {
      root: options.webDir,
      prefix: '/',
      wildcard: true,
      index: false,
      cacheControl: false,
      setHeaders: (res, filePath) => {
        const immutable = filePath.includes(`${path.sep}_app${path.sep}immutable${path.sep}`);
        res.header('cache-control', immutable ? IMMUTABLE : NEVER_CACHE);
      },
    });
    app.get('/', { config: { access: 'public', audit: 'none' }, schema: { hide: true } }, (_request, reply) =>
      sendPage(reply),
    );

    const sendPage = (reply: import('fastify').FastifyReply) =>
      reply.header('cache-control', NEVER_CACHE).type('text/html').sendFile('index.html');

    app.setNotFoundHandler((request, reply) => {
      const isPage =
        (request.method === 'GET' || request.method === 'HEAD') && !request.url.startsWith('/api/');
      if (isPage) return sendPage(reply);
      return reply
        .status(404)
        .send({ error: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` });
    });
  },
  { name: 'web-app', dependencies: ['error-handler'] },
);

import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { sendRouteNotFound } from './error-handler.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const NEVER_CACHE = 'no-cache, no-store, must-revalidate';

/**
 * Serves the SvelteKit SPA build from the same origin as the API: hashed assets under
 * /_app/immutable are cached for a year, everything else (above all the page) is revalidated
 * on every load so a new release is picked up at once. Unknown non-API paths get the SPA page.
 */
export const webAppPlugin = fp(
  async (app: FastifyInstance, options: { webDir: string }) => {
    const hasBuild = fs.existsSync(path.join(options.webDir, 'index.html'));
    const sendPage = (reply: FastifyReply) =>
      reply.header('cache-control', NEVER_CACHE).type('text/html').sendFile('index.html');

    // The one not-found handler: API paths get the JSON error, page paths the SPA.
    app.setNotFoundHandler((request, reply) => {
      const isPage =
        (request.method === 'GET' || request.method === 'HEAD') && !request.url.startsWith('/api/');
      return isPage && hasBuild ? sendPage(reply) : sendRouteNotFound(request, reply);
    });

    if (!hasBuild) {
      app.log.warn(`no web build at ${options.webDir}: the UI is not served (npm run build:web)`);
      return;
    }
    await app.register(fastifyStatic, {
      root: options.webDir,
      prefix: '/',
      wildcard: true,
      index: false,
      cacheControl: false,
      setHeaders: (reply, filePath) => {
        const immutable = filePath.includes(`${path.sep}_app${path.sep}immutable${path.sep}`);
        reply.header('cache-control', immutable ? IMMUTABLE : NEVER_CACHE);
      },
    });
    app.get(
      '/',
      { config: { access: 'public', audit: 'none' }, schema: { hide: true } },
      (_request, reply) => sendPage(reply),
    );
  },
  { name: 'web-app', dependencies: ['error-handler'] },
);

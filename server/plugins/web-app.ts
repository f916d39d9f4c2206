import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { sendRouteNotFound } from './error-handler.ts';

/**
 * Every response gets a CSP that allows nothing; the page gets the policy SvelteKit wrote into
 * its meta tag (with the hash of its one inline start script), plus what only a header can say.
 */
export const DENY_ALL_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

export function pageContentSecurityPolicy(indexHtml: string): string {
  const meta = /<meta http-equiv="content-security-policy" content="([^"]+)"/i.exec(indexHtml);
  if (!meta?.[1])
    throw new Error('the web build has no CSP meta tag (web/svelte.config.js kit.csp)');
  return `${meta[1]}; frame-ancestors 'none'`;
}

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
    const hasBuild = fs.existsSync(indexFile);
    const pagePolicy = hasBuild
      ? pageContentSecurityPolicy(fs.readFileSync(indexFile, 'utf8'))
      : '';
    const sendPage = (reply: FastifyReply) =>
      reply
        .header('cache-control', NEVER_CACHE)
        .header('content-security-policy', pagePolicy)
        .type('text/html')
        .sendFile('index.html');

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

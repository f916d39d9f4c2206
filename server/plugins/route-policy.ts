import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Role } from '../generated/prisma/enums.ts';

/**
 * Every route must say who may call it and how it is audited, in its `config`. A route that
 * forgets stops the server from starting, so a new route cannot slip through without a
 * decision. The accounts issue enforces `access` per request; this plugin enforces that the
 * declaration exists.
 */
export type RouteAccess = 'public' | 'signed-in' | readonly Role[];
/** 'none' only for routes that touch no personal or case data (health, docs, static files). */
export type RouteAudit = 'none' | 'event';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    audit?: RouteAudit;
  }
  interface FastifyInstance {
    /** Every application route, so tests can walk them all (CSRF, authorisation). */
    routeTable: RouteSummary[];
  }
}

export interface RouteSummary {
  method: string;
  url: string;
  access: RouteAccess;
  audit: RouteAudit;
  hasParams: boolean;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const routePolicyPlugin = fp(
  async (app: FastifyInstance) => {
    const table: RouteSummary[] = [];
    app.decorate('routeTable', table);
    app.addHook('onRoute', (route: RouteOptions) => {
      if (isTrustedPluginRoute(route)) {
        route.config = { access: 'public', audit: 'none', ...route.config };
        return;
      }
      for (const problem of routePolicyProblems(route)) {
        throw new Error(`route ${String(route.method)} ${route.url} ${problem}`);
      }
      if (!route.url.startsWith('/api/')) return;
      const config = route.config as { access: RouteAccess; audit: RouteAudit };
      for (const method of [route.method].flat()) {
        if (method === 'HEAD') continue;
        table.push({
          method,
          url: route.url,
          access: config.access,
          audit: config.audit,
          hasParams: route.url.includes(':'),
        });
      }
    });
  },
  { name: 'route-policy' },
);

/** What a route lacks; exported so the route-table test names the same rules. */
export function routePolicyProblems(route: RouteOptions): string[] {
  const config = route.config as { access?: RouteAccess; audit?: RouteAudit } | undefined;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const problems: string[] = [];
  if (!config?.access) problems.push('declares no access policy');
  if (!config?.audit) problems.push('declares no audit policy');
  if (methods.some((method) => !READ_METHODS.has(method)) && !route.schema?.body) {
    problems.push('changes state but declares no body schema');
  }
  if (route.url.includes(':') && !route.schema?.params) {
    problems.push('has path parameters but no params schema');
  }
  return problems;
}

/**
 * Routes registered by plugins we trust and that serve no personal data: the static files of
 * the web build (@fastify/static's wildcard) and the API docs UI. They are public by this
 * allow-list; every other route, under /api/ or not, must declare its policy or the server
 * does not start.
 */
function isTrustedPluginRoute(route: RouteOptions): boolean {
  return route.url === '/*' || route.url === '/api/docs' || route.url.startsWith('/api/docs/');
}

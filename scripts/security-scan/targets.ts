/**
 * Start URLs for the scanners, made from the app's own route table and OpenAPI document: every
 * GET route a role may call, its path parameters filled with real ids of the role's service and
 * its query parameters with valid sample values, so that each scanner starts from a 200 and
 * has every parameter to attack. Pure, apart from what it is given.
 */
import type { RouteAccess, RouteSummary } from '../../server/plugins/route-policy.ts';
import type { Role } from '../../server/generated/prisma/enums.ts';

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minimum?: number;
  default?: unknown;
}

export interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: JsonSchema;
}

export interface OpenApiDocument {
  paths?: Record<string, Record<string, { parameters?: OpenApiParameter[] } | undefined>>;
}

/** Known values of the role's world: ids by the route's first segment, named parameters. */
export interface SampleContext {
  /** e.g. { cases: '<uuid>', appointments: '<uuid>' }: the id a `/api/<segment>/:id` takes. */
  idsBySegment: Record<string, string>;
  /** Values for parameters by name (counsellorId, caseNumber, actor …). */
  byName: Record<string, string>;
  now: Date;
}

export function mayCall(access: RouteAccess, role: Role): boolean {
  if (access === 'public' || access === 'signed-in') return true;
  return access.includes(role);
}

/** GET routes of the role with a URL ready to request, or the reason none could be built. */
export function startUrls(
  routes: readonly RouteSummary[],
  openApi: OpenApiDocument,
  role: Role,
  context: SampleContext,
  skip: (route: RouteSummary) => boolean = () => false,
): string[] {
  const urls: string[] = [];
  for (const route of routes) {
    if (route.method !== 'GET' || !mayCall(route.access, role) || skip(route)) continue;
    const url = sampleUrl(route.url, openApi, context);
    if (url) urls.push(url);
  }
  return urls;
}

/** `/api/cases/:id` → `/api/cases/<id>?limit=1…`; undefined when a path id is unknown. */
export function sampleUrl(
  routeUrl: string,
  openApi: OpenApiDocument,
  context: SampleContext,
): string | undefined {
  const segment = routeUrl.split('/')[2] ?? '';
  let missing = false;
  const path = routeUrl.replace(/:(\w+)/g, (_, name: string) => {
    const value = name === 'id' ? context.idsBySegment[segment] : context.byName[name];
    if (value === undefined) missing = true;
    return encodeURIComponent(value ?? '');
  });
  if (missing) return undefined;
  const openApiPath = routeUrl.replace(/:(\w+)/g, '{$1}');
  const parameters = openApi.paths?.[openApiPath]?.get?.parameters ?? [];
  const query = new URLSearchParams();
  for (const parameter of parameters) {
    if (parameter.in !== 'query') continue;
    const value = sampleValue(parameter.name, parameter.schema ?? {}, context);
    if (value !== undefined) query.set(parameter.name, value);
    else if (parameter.required) return undefined;
  }
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

export function sampleValue(
  name: string,
  schema: JsonSchema,
  context: SampleContext,
): string | undefined {
  if (context.byName[name] !== undefined) return context.byName[name];
  if (schema.const !== undefined) return String(schema.const);
  if (schema.enum?.length) return String(schema.enum[0]);
  if (schema.anyOf?.length) {
    for (const option of schema.anyOf) {
      const value = sampleValue(name, option, context);
      if (value !== undefined) return value;
    }
    return undefined;
  }
  const type = [schema.type].flat()[0];
  switch (type) {
    case 'integer':
    case 'number':
      return String(schema.default ?? schema.minimum ?? 1);
    case 'boolean':
      return String(schema.default ?? false);
    case 'string': {
      if (schema.format === 'date-time') {
        // A window around now: lists of appointments and the access log need from/to.
        const offset = /^(to|until|end)/i.test(name) ? 30 : -30;
        return new Date(context.now.getTime() + offset * 86_400_000).toISOString();
      }
      if (schema.format === 'date' || schema.pattern?.startsWith('^[0-9]{4}-')) {
        const offset = /^(to|until|end)/i.test(name) ? 0 : -365;
        return new Date(context.now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
      }
      if (schema.format === 'uuid') return undefined; // only known ids
      const text = typeof schema.default === 'string' ? schema.default : 'Falke';
      return !schema.pattern || new RegExp(schema.pattern, 'u').test(text) ? text : undefined;
    }
    default:
      return undefined;
  }
}

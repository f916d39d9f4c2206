import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-cluster.ts';
import { testConfig } from '../support/test-config.ts';

const PAGE_POLICY = "default-src 'self'; script-src 'self' 'sha256-test='";

describe('serving the web UI', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  const webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-web-'));

  beforeAll(async () => {
    fs.mkdirSync(path.join(webDir, '_app', 'immutable'), { recursive: true });
    fs.writeFileSync(
      path.join(webDir, 'index.html'),
      `<!doctype html><meta http-equiv="content-security-policy" content="${PAGE_POLICY}"><title>casework</title>`,
    );
    fs.writeFileSync(path.join(webDir, '_app', 'immutable', 'start.abc123.js'), 'export {};');
    database = await createTestDatabase();
    app = await buildApp(testConfig({ databaseUrl: database.appUrl, webDir }));
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
    fs.rmSync(webDir, { recursive: true, force: true });
  });

  it('serves the page at / and is never cached', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('<title>casework</title>');
    expect(response.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
    expect(response.headers['content-security-policy']).toBe(
      `${PAGE_POLICY}; frame-ancestors 'none'`,
    );
  });

  it('sends a deny-all policy with API answers and a framing ban with the docs', async () => {
    const api = await app.inject({ method: 'GET', url: '/api/health' });
    expect(api.headers['content-security-policy']).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    );
    const docs = await app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(docs.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });

  it('answers client-side routes with the SPA page', async () => {
    const response = await app.inject({ method: 'GET', url: '/cases/0193a1b2' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<title>casework</title>');
  });

  it('caches hashed assets for a year', async () => {
    const response = await app.inject({ method: 'GET', url: '/_app/immutable/start.abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('keeps unknown API paths and non-GET page paths as JSON 404s', async () => {
    const api = await app.inject({ method: 'GET', url: '/api/unknown' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: 'not_found' });
    const post = await app.inject({ method: 'POST', url: '/cases', payload: {} });
    expect(post.statusCode).toBe(404);
    expect(post.json()).toMatchObject({ error: 'not_found' });
  });

  it('does not serve files outside the build', async () => {
    const response = await app.inject({ method: 'GET', url: '/../package.json' });
    expect(response.body).not.toContain('"name": "casework"');
  });
});

describe('content security policy', () => {
  it('takes the page policy from the build and forbids framing', async () => {
    const { pageContentSecurityPolicy } = await import('../../server/plugins/web-app.ts');
    const html =
      "<meta http-equiv=\"content-security-policy\" content=\"default-src 'self'; script-src 'self' 'sha256-abc='\">";
    expect(pageContentSecurityPolicy(html)).toBe(
      "default-src 'self'; script-src 'self' 'sha256-abc='; frame-ancestors 'none'",
    );
    expect(() => pageContentSecurityPolicy('<html></html>')).toThrow(/no CSP meta tag/);
  });
});

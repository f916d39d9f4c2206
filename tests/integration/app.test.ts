import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { findFreePort } from '../../server/database/embedded-postgres.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-cluster.ts';
import { testConfig } from '../support/test-config.ts';

describe('the app', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    database = await createTestDatabase();
    app = await buildApp(testConfig({ databaseUrl: database.appUrl }));
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  describe('GET /api/health', () => {
    it('answers ok when the database answers', async () => {
      const response = await app.inject({ method: 'GET', url: '/api/health' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok' });
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('answers 503 with a clear body when the database does not', async () => {
      const closedPort = await findFreePort();
      const offline = await buildApp(
        testConfig({ databaseUrl: `postgresql://casework_app:x@127.0.0.1:${closedPort}/none` }),
      );
      try {
        const response = await offline.inject({ method: 'GET', url: '/api/health' });
        expect(response.statusCode).toBe(503);
        expect(response.json()).toEqual({ status: 'unavailable', database: 'unavailable' });
      } finally {
        await offline.close();
      }
    });
  });

  it('serves the OpenAPI document with the health route in it', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.json().paths['/api/health'].get).toBeDefined();
    const docs = await app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('answers unknown API routes with the JSON error shape, never the SPA page', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/no-such-thing?q=Erika' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: 'not_found',
      message: 'No route GET /api/no-such-thing',
    });
  });

  it('sends strict security headers', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/health' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });
});

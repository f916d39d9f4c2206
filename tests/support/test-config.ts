import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../server/config/config.schema.ts';
import { loadConfig } from '../../server/config/load-config.ts';

export const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The configuration a test server runs with: defaults, a test database, quiet logs. */
export function testConfig(overrides: { databaseUrl: string; webDir?: string }): Config {
  const base = loadConfig({ CASEWORK_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') });
  return {
    ...base,
    database: { url: overrides.databaseUrl, poolMax: 5 },
    webDir: overrides.webDir ?? path.join(REPOSITORY_ROOT, 'web', 'build'),
    logLevel: 'silent',
  };
}

/** The configuration with the access log's verifying key (the sealer's public half) set. */
export function withAuditKey(config: Config, publicKeyFile: string): Config {
  return { ...config, audit: { ...config.audit, publicKeyFile } };
}

/** Listens on a random loopback port and returns it. */
export async function listenOnLoopback(app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

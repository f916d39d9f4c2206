import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createDatabase, type Database } from '../database/prisma-client.ts';
import {
  createHealthRepository,
  type HealthRepository,
} from '../repositories/health.repository.ts';

declare module 'fastify' {
  interface FastifyInstance {
    repositories: { health: HealthRepository };
  }
}

/**
 * Opens the request pool and registers the repositories, the only code that sees the Prisma
 * client. The client itself is not decorated onto the app, so routes and services cannot
 * reach it.
 */
export const databasePlugin = fp(
  async (app: FastifyInstance, options: { url: string; poolMax: number }) => {
    const db: Database = createDatabase(options);
    app.decorate('repositories', { health: createHealthRepository(db) });
    app.addHook('onClose', async () => {
      await db.$disconnect();
    });
  },
  { name: 'database' },
);

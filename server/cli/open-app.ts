import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config/load-config.ts';
import { openDatabase } from '../database/open-database.ts';
import type { RequestContext } from '../services/actor.ts';

/** Audit context of a command run at the terminal: no signed-in actor, a request id of its own. */
export function cliContext(command: string): RequestContext {
  return { actor: null, clientAddress: null, requestId: `cli:${command}:${crypto.randomUUID()}` };
}

/**
 * The application's services for a command, without listening: the same rules, repositories
 * and audit log as the server. Attaches to a running server's embedded database.
 */
export async function withApp<T>(work: (app: FastifyInstance) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config, { log: () => {}, attachToRunning: true });
  let app: FastifyInstance | undefined;
  try {
    // Standard output carries the command's answer only; errors go to standard error.
    app = await buildApp(
      { ...config, database: { ...config.database, url: database.url } },
      { loggerInstance: pino({ level: 'error' }, pino.destination(2)) },
    );
    await app.ready();
    return await work(app);
  } finally {
    await app?.close();
    await database.close();
  }
}

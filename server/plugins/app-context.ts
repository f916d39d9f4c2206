import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { KEY_SCOPES } from '../../crypto/index.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/config.schema.ts';
import {
  createContainer,
  type AppServices,
  type CaseWorkServices,
  type LifecycleServices,
  type Repositories,
} from '../container.ts';
import { loggableError } from '../logging.ts';
import { startRetentionSweep } from '../services/lifecycle/retention-sweep.ts';

/** What plugins (not routes) need directly: the health check and the session and user stores. */
export type AppRepositories = Pick<Repositories, 'health' | 'sessions' | 'users'>;

declare module 'fastify' {
  interface FastifyInstance {
    services: AppServices;
    repositories: AppRepositories;
    caseWork: CaseWorkServices;
    lifecycle: LifecycleServices;
  }
}

/**
 * Hands the composition root's object graph (server/container.ts) to the routes, and ties its
 * life to the app's: the keys are loaded before the first request, the daily retention sweep
 * runs while the app does, and the database pools close with it. The Prisma client is not
 * decorated onto the app: only repositories see it.
 */
export const appContextPlugin = fp(
  async (
    app: FastifyInstance,
    options: {
      config: Config;
      databaseUrl: string;
      masterKey: Uint8Array;
      clock: Clock;
      /** Benchmark only: audit writes pause while `off` is true (see BuildAppOptions). */
      auditSwitch?: { off: boolean };
    },
  ) => {
    const container = createContainer(options);
    const { repositories } = container;
    app.decorate('repositories', {
      health: repositories.health,
      sessions: repositories.sessions,
      users: repositories.users,
    });
    app.decorate('services', container.services);
    app.decorate('caseWork', container.caseWork);
    app.decorate('lifecycle', container.lifecycle);

    let sweep: ReturnType<typeof startRetentionSweep> | undefined;
    app.addHook('onReady', async () => {
      // Loaded before the first request so requests never wait for a second pool connection
      // (see keyring.ts). Without the database now, keys load lazily once it is back.
      await container.keyring.warm(KEY_SCOPES).catch((error: unknown) => {
        app.log.warn({ err: loggableError(error) }, 'service keys not loaded at start');
      });
      sweep = startRetentionSweep({
        retention: container.lifecycle.retention,
        clock: options.clock,
        intervalHours: options.config.retention.sweepHours,
        log: app.log,
      });
    });
    app.addHook('onClose', async () => {
      await sweep?.stop();
      await container.close();
    });
  },
  { name: 'app-context' },
);

import { initCrypto, KEY_SCOPES } from '../../crypto/index.ts';
import { systemClock } from '../clock.ts';
import { loadConfig } from '../config/load-config.ts';
import { createContainer, type Container } from '../container.ts';
import { openDatabase } from '../database/open-database.ts';
import { loadMasterKey } from '../keys/master-key.ts';
import type { RequestContext } from '../services/actor.ts';

/** Audit context of a command run at the terminal: no signed-in actor, a request id of its own. */
export function cliContext(command: string): RequestContext {
  return { actor: null, clientAddress: null, requestId: `cli:${command}:${crypto.randomUUID()}` };
}

/**
 * The application's services for a command, from the same composition root as the server
 * (server/container.ts): the same rules, repositories and access log. Attaches to a running
 * server's embedded database. Standard output carries the command's answer only.
 */
export async function withApp<T>(work: (app: Container) => Promise<T>): Promise<T> {
  const config = loadConfig();
  await initCrypto();
  const masterKey = await loadMasterKey(config.masterKey, (message) => console.error(message));
  let database: Awaited<ReturnType<typeof openDatabase>> | undefined;
  let container: Container | undefined;
  try {
    database = await openDatabase(config, { log: () => {}, attachToRunning: true });
    container = createContainer({
      config,
      databaseUrl: database.url,
      masterKey,
      clock: systemClock,
    });
    // As the server does at start: the keys in memory before the work needs them.
    await container.keyring.warm(KEY_SCOPES);
    return await work(container);
  } finally {
    await container?.close();
    await database?.close();
    masterKey.fill(0);
  }
}

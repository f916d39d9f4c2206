/**
 * The sealer process: signs checkpoints of the access log at a regular interval and whenever
 * the server asks (PostgreSQL NOTIFY casework_checkpoint). `npm start` runs it as a child
 * process; in production it can run as its own service, under its own user, so that the web
 * server cannot read the signing key.
 */
import pg from 'pg';
import pino from 'pino';
import { initCrypto } from '../../crypto/index.ts';
import { systemClock } from '../clock.ts';
import { loadSealerConfig } from '../config/sealer-config.ts';
import { closeDatabase, createDatabase } from '../database/prisma-client.ts';
import { createSealerStores } from '../container.ts';
import { CHECKPOINT_CHANNEL } from './checkpoint-channel.ts';
import { sealCheckpoint } from './sealer.ts';
import { loadOrCreateSigner } from './signing-key.ts';

const logger = pino({ name: 'sealer' });

try {
  const config = loadSealerConfig();
  await initCrypto();
  const signer = await loadOrCreateSigner(config.signingKeyFile, (message) => logger.info(message));
  const db = createDatabase({ url: config.databaseUrl, poolMax: 2 });
  const deps = {
    ...createSealerStores(db, systemClock),
    signer,
    clock: systemClock,
  };

  let running = Promise.resolve();
  const seal = () => {
    running = running.then(async () => {
      try {
        const result = await sealCheckpoint(deps);
        if (result.signed) logger.info(`signed checkpoint at size ${result.size}`);
      } catch (error) {
        logger.error(`${(error as Error).message}`);
      }
    });
    return running;
  };

  const listener = new pg.Client({ connectionString: config.databaseUrl });
  await listener.connect();
  await listener.query(`LISTEN ${CHECKPOINT_CHANNEL}`);
  listener.on('notification', () => void seal());
  const timer = setInterval(() => void seal(), config.intervalSeconds * 1000);
  await seal();
  process.send?.('ready');

  const stop = async () => {
    clearInterval(timer);
    await running;
    await listener.end().catch(() => undefined);
    await closeDatabase(db);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  process.once('disconnect', () => void stop()); // the server went away
} catch (error) {
  process.stderr.write(`casework sealer: ${(error as Error).message}\n`);
  process.exit(1);
}

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/config.schema.ts';
import { closeDatabase, createDatabase } from '../database/prisma-client.ts';
import { loggableError } from '../logging.ts';
import { KEY_SCOPES } from '../../crypto/index.ts';
import { createFieldCrypto } from '../keys/field-crypto.ts';
import { createKeyring } from '../keys/keyring.ts';
import { createAuditRepository } from '../repositories/audit.repository.ts';
import {
  createHealthRepository,
  type HealthRepository,
} from '../repositories/health.repository.ts';
import { createKeyRepository } from '../repositories/key.repository.ts';
import {
  createSessionRepository,
  type SessionRepository,
} from '../repositories/session.repository.ts';
import { createSetupTokenRepository } from '../repositories/setup-token.repository.ts';
import { createUserRepository, type UserRepository } from '../repositories/user.repository.ts';
import {
  createAccountAdminService,
  type AccountAdminService,
} from '../services/accounts/account-admin.service.ts';
import { createAuthService, type AuthService } from '../services/accounts/auth.service.ts';
import { recoveryCodeKey } from '../services/accounts/totp.ts';
import {
  createFirstAdminService,
  type FirstAdminService,
} from '../services/accounts/first-admin.service.ts';
import { createAuditLog, type AuditLog } from '../services/audit-log.ts';
import { createCaseWork } from './case-work-context.ts';
import { installLifecycle } from './lifecycle-context.ts';
import { readVerifier } from '../audit/signing-key.ts';
import { createCheckpointRepository } from '../repositories/checkpoint.repository.ts';
import {
  createAccessLogService,
  type AccessLogService,
} from '../services/audit/access-log.service.ts';

export interface AppServices {
  auth: AuthService;
  accounts: AccountAdminService;
  firstAdmin: FirstAdminService;
  audit: AuditLog;
  accessLog: AccessLogService;
}

/** What plugins (not routes) need directly: the health check and the session and user stores. */
export interface AppRepositories {
  health: HealthRepository;
  sessions: SessionRepository;
  users: UserRepository;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: AppServices;
    repositories: AppRepositories;
  }
}

/**
 * Builds the application's object graph: the request pool, the repositories (the only code
 * that sees the Prisma client, which is not decorated onto the app), the keyring and the
 * services routes call.
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
    const { config, clock } = options;
    const db = createDatabase({ url: options.databaseUrl, poolMax: config.database.poolMax });
    app.addHook('onClose', async () => {
      await closeDatabase(db);
    });

    const keyring = createKeyring(options.masterKey, createKeyRepository(db));
    const fields = createFieldCrypto(keyring);
    app.addHook('onReady', async () => {
      // Loaded before the first request so requests never wait for a second pool connection
      // (see keyring.ts). Without the database now, keys load lazily once it is back.
      await keyring.warm(KEY_SCOPES).catch((error: unknown) => {
        app.log.warn({ err: loggableError(error) }, 'service keys not loaded at start');
      });
    });
    const users = createUserRepository(db, fields);
    const sessions = createSessionRepository(db);
    const audits = createAuditRepository(db, clock, fields);
    const auditLog = createAuditLog(audits, config.audit.clientAddress);
    const auditSwitch = options.auditSwitch;
    const audit: AuditLog = auditSwitch
      ? { record: (...args) => (auditSwitch.off ? Promise.resolve() : auditLog.record(...args)) }
      : auditLog;
    const accounts = createAccountAdminService({ users, sessions, audit, clock });

    app.decorate('repositories', { health: createHealthRepository(db), sessions, users });
    app.decorate('services', {
      auth: createAuthService({
        users,
        sessions,
        audit,
        clock,
        totpPolicy: config.totp,
        recoveryKey: recoveryCodeKey(options.masterKey),
      }),
      accounts,
      firstAdmin: createFirstAdminService({
        users,
        setupTokens: createSetupTokenRepository(db),
        accounts,
        audit,
        clock,
      }),
      audit,
      accessLog: createAccessLogService({
        audits,
        checkpoints: createCheckpointRepository(db),
        users,
        audit,
        clock,
        verifier: () => readVerifier(config.audit.publicKeyFile),
        anomalyThresholds: config.audit.anomalies,
      }),
    });
    app.decorate(
      'caseWork',
      createCaseWork({
        db,
        fields,
        audit,
        clock,
        keyring,
        stats: config.stats,
        documents: config.documents,
      }),
    );
    installLifecycle(app, { db, fields, audit, clock, policy: config.retention });
  },
  { name: 'app-context' },
);

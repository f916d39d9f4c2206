/**
 * The composition root: the one module that builds repositories and services. The server
 * (plugins/app-context.ts), every CLI command, the sealer process, the tests and the benchmarks
 * take what they need from here, so a key, a rule or an access-log event is wired the same way
 * wherever the work starts. docs/architecture.md describes the layers this assembles.
 */
import { unwrapServiceRootKey } from '../crypto/index.ts';
import { verifyAccessLog } from './audit/access-log-verifier.ts';
import { readVerifier } from './audit/signing-key.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config/config.schema.ts';
import { closeDatabase, createDatabase, type Database } from './database/prisma-client.ts';
import { inServiceScope } from './database/service-scope.ts';
import { createFieldCrypto, type FieldCrypto } from './keys/field-crypto.ts';
import { createKeyring, type Keyring, type ProcessKeyring } from './keys/keyring.ts';
import { createAuditRepository } from './repositories/audit.repository.ts';
import { createAppointmentRepository } from './repositories/case-work/appointment.repository.ts';
import {
  createAccompanimentRepository,
  createClaimRepository,
  createReferralRepository,
} from './repositories/case-work/backup-counselling-records.repository.ts';
import { createCalendarFeedRepository } from './repositories/case-work/calendar-feed.repository.ts';
import { createCaseRepository } from './repositories/case-work/case.repository.ts';
import { createChronicleRepository } from './repositories/case-work/chronicle.repository.ts';
import {
  createExitPhaseRepository,
  createPreventionRepository,
  createRiskAssessmentRepository,
} from './repositories/case-work/comeback-records.repository.ts';
import { createDocumentRepository } from './repositories/case-work/document.repository.ts';
import { createFollowUpRepository } from './repositories/case-work/follow-up.repository.ts';
import { createIncidentRepository } from './repositories/case-work/incident.repository.ts';
import { createNoteRepository } from './repositories/case-work/note.repository.ts';
import { createScopedTransaction } from './repositories/case-work/sealed-fields.ts';
import { createStaffRepository } from './repositories/case-work/staff.repository.ts';
import { createWorkplaceRepository } from './repositories/case-work/workplace.repository.ts';
import { createCheckpointRepository } from './repositories/checkpoint.repository.ts';
import { createRestoredSampleRepository } from './repositories/database-backup/restored-sample.repository.ts';
import { createHealthRepository } from './repositories/health.repository.ts';
import { createInstallationRepository } from './repositories/installation.repository.ts';
import {
  createKeyMaintenanceRepository,
  createKeyRepository,
} from './repositories/key.repository.ts';
import { createBlindIndexRotationRepository } from './repositories/keys/blind-index-rotation.repository.ts';
import { createLifecycleRepository } from './repositories/lifecycle/lifecycle.repository.ts';
import { createSessionRepository } from './repositories/session.repository.ts';
import { createSetupTokenRepository } from './repositories/setup-token.repository.ts';
import { createMonitoringRepository } from './repositories/stats/monitoring.repository.ts';
import {
  createStatsFactsRepository,
  createWorkloadRepository,
} from './repositories/stats/stats-facts.repository.ts';
import { createUserRepository } from './repositories/user.repository.ts';
import { createAccountAdminService } from './services/accounts/account-admin.service.ts';
import { createAuthService } from './services/accounts/auth.service.ts';
import { createFirstAdminService } from './services/accounts/first-admin.service.ts';
import { recoveryCodeKey } from './services/accounts/totp.ts';
import { createAppointmentService } from './services/appointments/appointment.service.ts';
import { createCalendarFeedService } from './services/appointments/calendar-feed.service.ts';
import { createAccessLogService } from './services/audit/access-log.service.ts';
import { createAuditLog, type AuditLog } from './services/audit-log.ts';
import { createBackupCounsellingService } from './services/cases/backup-counselling.service.ts';
import { createCaseWorkScope } from './services/cases/case-work-scope.ts';
import { createCaseService } from './services/cases/case.service.ts';
import { createComebackService } from './services/cases/comeback.service.ts';
import { createDocumentService } from './services/cases/document.service.ts';
import { createFollowUpService } from './services/cases/follow-up.service.ts';
import { createNoteService } from './services/cases/note.service.ts';
import { createWorkplaceService } from './services/cases/workplace.service.ts';
import { createChronicleService } from './services/chronicle/chronicle.service.ts';
import {
  createDatabaseBackupService,
  type RestoredChecks,
} from './services/database-backup/database-backup.service.ts';
import { createDemoSeedService } from './services/demo/demo-seed.service.ts';
import { createKeyRotationService } from './services/keys/key-rotation.service.ts';
import { createLifecycleScope } from './services/lifecycle/lifecycle-scope.ts';
import { createLifecycleService } from './services/lifecycle/lifecycle.service.ts';
import { createRetentionService } from './services/lifecycle/retention.service.ts';
import { createMonitoringService } from './services/stats/monitoring.service.ts';
import { createStatsService } from './services/stats/stats.service.ts';

/**
 * Every repository over one request database and one keyring. Repositories are the only code
 * that touches the database and the only code that encrypts and decrypts fields.
 */
export function createRepositories(db: Database, keyring: Keyring, clock: Clock) {
  const fields = createFieldCrypto(keyring);
  return {
    fields,
    keys: createKeyRepository(db),
    health: createHealthRepository(db),
    users: createUserRepository(db, fields),
    sessions: createSessionRepository(db),
    setupTokens: createSetupTokenRepository(db),
    audits: createAuditRepository(db, clock, fields),
    checkpoints: createCheckpointRepository(db),
    transact: createScopedTransaction(db),
    staff: createStaffRepository(db),
    cases: createCaseRepository(fields),
    notes: createNoteRepository(fields),
    followUps: createFollowUpRepository(fields),
    documents: createDocumentRepository(fields, keyring),
    incidents: createIncidentRepository(fields),
    appointments: createAppointmentRepository(fields),
    calendarFeeds: createCalendarFeedRepository(),
    accompaniments: createAccompanimentRepository(fields),
    claims: createClaimRepository(fields),
    referrals: createReferralRepository(fields),
    exitPhases: createExitPhaseRepository(fields),
    risks: createRiskAssessmentRepository(fields),
    prevention: createPreventionRepository(),
    workplace: createWorkplaceRepository(fields),
    chronicle: createChronicleRepository(fields),
    facts: createStatsFactsRepository(keyring),
    monitoring: createMonitoringRepository(),
    workload: createWorkloadRepository(db),
    lifecycle: createLifecycleRepository(fields, db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;

/** A keyring and every repository on a database: the data layer without services. */
export function createDataLayer(db: Database, masterKey: Uint8Array, clock: Clock) {
  const keyring = createKeyring(masterKey, createKeyRepository(db));
  return { keyring, repositories: createRepositories(db, keyring, clock) };
}

/** The access log a command or a service writes to, on the request login. */
export function createAccessLog(
  audits: Repositories['audits'],
  clientAddress: Config['audit']['clientAddress'],
  auditSwitch?: { off: boolean },
): AuditLog {
  const auditLog = createAuditLog(audits, clientAddress);
  return auditSwitch
    ? { record: (...args) => (auditSwitch.off ? Promise.resolve() : auditLog.record(...args)) }
    : auditLog;
}

interface ServiceSettings {
  config: Config;
  masterKey: Uint8Array;
  clock: Clock;
  /** Benchmark only: access-log writes pause while `off` is true (see server/app.ts). */
  auditSwitch?: { off: boolean };
}

/** Every service of the application over one set of repositories. */
export function createServices(repositories: Repositories, settings: ServiceSettings) {
  const { config, clock, masterKey } = settings;
  const r = repositories;
  const audit = createAccessLog(r.audits, config.audit.clientAddress, settings.auditSwitch);
  const transact = r.transact;
  const accounts = createAccountAdminService({
    users: r.users,
    sessions: r.sessions,
    audit,
    clock,
  });
  const services = {
    auth: createAuthService({
      users: r.users,
      sessions: r.sessions,
      audit,
      clock,
      totpPolicy: config.totp,
      recoveryKey: recoveryCodeKey(masterKey),
    }),
    accounts,
    firstAdmin: createFirstAdminService({
      users: r.users,
      setupTokens: r.setupTokens,
      accounts,
      audit,
      clock,
    }),
    audit,
    accessLog: createAccessLogService({
      audits: r.audits,
      checkpoints: r.checkpoints,
      users: r.users,
      audit,
      clock,
      verifier: () => readVerifier(config.audit.publicKeyFile),
      anomalyThresholds: config.audit.anomalies,
    }),
  };

  const scope = createCaseWorkScope({ transact, audit, clock, cases: r.cases });
  const appointments = createAppointmentService({
    scope,
    appointments: r.appointments,
    cases: r.cases,
    staff: r.staff,
  });
  const caseWork = {
    cases: createCaseService({
      scope,
      cases: r.cases,
      staff: r.staff,
      accompaniments: r.accompaniments,
      exitPhases: r.exitPhases,
      facts: r.facts,
    }),
    notes: createNoteService({ scope, notes: r.notes, staff: r.staff, facts: r.facts, clock }),
    followUps: createFollowUpService({
      scope,
      followUps: r.followUps,
      claims: r.claims,
      accompaniments: r.accompaniments,
      staff: r.staff,
    }),
    documents: createDocumentService({
      scope,
      transact,
      documents: r.documents,
      staff: r.staff,
      limits: config.documents,
    }),
    backup: createBackupCounsellingService({
      scope,
      incidents: r.incidents,
      accompaniments: r.accompaniments,
      claims: r.claims,
      referrals: r.referrals,
      staff: r.staff,
      facts: r.facts,
    }),
    comeback: createComebackService({
      scope,
      cases: r.cases,
      exitPhases: r.exitPhases,
      risks: r.risks,
      prevention: r.prevention,
      staff: r.staff,
      facts: r.facts,
    }),
    appointments,
    workplace: createWorkplaceService({
      scope,
      workplace: r.workplace,
      followUps: r.followUps,
      cases: r.cases,
      appointments,
      staff: r.staff,
    }),
    calendar: createCalendarFeedService({
      scope,
      transact,
      feeds: r.calendarFeeds,
      appointments: r.appointments,
      staff: r.staff,
      audit,
    }),
    stats: createStatsService({
      transact,
      facts: r.facts,
      workload: r.workload,
      audit,
      clock,
      minCellSize: config.stats.minCellSize,
    }),
    chronicle: createChronicleService({
      scope,
      transact,
      audit,
      clock,
      entries: r.chronicle,
      incidents: r.incidents,
      staff: r.staff,
    }),
    monitoring: createMonitoringService({ transact, audit, clock, monitoring: r.monitoring }),
  };

  const lifecycle = {
    lifecycle: createLifecycleService({
      scope: createLifecycleScope({ transact, audit }),
      clock,
      lifecycle: r.lifecycle,
      cases: r.cases,
      notes: r.notes,
      followUps: r.followUps,
      incidents: r.incidents,
      appointments: r.appointments,
      accompaniments: r.accompaniments,
      claims: r.claims,
      referrals: r.referrals,
      exitPhases: r.exitPhases,
      risks: r.risks,
      staff: r.staff,
    }),
    retention: createRetentionService({
      transact,
      audit,
      clock,
      lifecycle: r.lifecycle,
      policy: config.retention,
    }),
  };

  return { services, caseWork, lifecycle };
}

type ServiceGraph = ReturnType<typeof createServices>;
/** The services behind the accounts, sign-in and access-log routes. */
export type AppServices = ServiceGraph['services'];
/** The services behind the case-work routes (routes/cases, incidents, appointments, …). */
export type CaseWorkServices = ServiceGraph['caseWork'];
/** Retention, legal holds, erasure and the subject-access export. */
export type LifecycleServices = ServiceGraph['lifecycle'];

/** The whole object graph of one process, with the request database it owns. */
export interface Container extends ServiceGraph {
  db: Database;
  keyring: ProcessKeyring;
  repositories: Repositories;
  /** Closes the database pools; the caller stops using the services first. */
  close(): Promise<void>;
}

export function createContainer(options: ServiceSettings & { databaseUrl: string }): Container {
  const db = createDatabase({ url: options.databaseUrl, poolMax: options.config.database.poolMax });
  const { keyring, repositories } = createDataLayer(db, options.masterKey, options.clock);
  return {
    db,
    keyring,
    repositories,
    ...createServices(repositories, options),
    close: () => closeDatabase(db),
  };
}

/** What the sealer process needs: the log to read and the checkpoints to sign (no keys). */
export function createSealerStores(db: Database, clock: Clock) {
  return { audits: createAuditRepository(db, clock), checkpoints: createCheckpointRepository(db) };
}

/** The key rotation service on the owner login (it retires and deletes service keys). */
export function createKeyRotation(deps: {
  ownerDb: Database;
  masterKey: Uint8Array;
  audit: AuditLog;
  clock: Clock;
}) {
  const { ownerDb, masterKey } = deps;
  const keys = createKeyRepository(ownerDb);
  const keyring = createKeyring(masterKey, keys);
  return createKeyRotationService({
    masterKey,
    keyring,
    keys,
    maintenance: createKeyMaintenanceRepository(ownerDb),
    indexes: createBlindIndexRotationRepository(createFieldCrypto(keyring)),
    transact: (scope, work) => inServiceScope(ownerDb, scope, work),
    audit: deps.audit,
    clock: deps.clock,
  });
}

/** A command's access log on the request login, like the server's. */
export function createCommandAuditLog(
  db: Database,
  clock: Clock,
  clientAddress: Config['audit']['clientAddress'],
): AuditLog {
  return createAccessLog(createAuditRepository(db, clock), clientAddress);
}

/** Encrypted database backups: create, restore, verify (the dump, not the BackUp service). */
export function createDatabaseBackup(deps: Parameters<typeof createDatabaseBackupService>[0]) {
  return createDatabaseBackupService(deps);
}

/**
 * The checks `backup verify` runs on a restored copy, through the same keyring and
 * repositories as the server (on the copy's request login, so row-level security applies).
 */
export function createRestoredChecks(
  masterKey: Uint8Array,
  publicKeyFile: string,
  clock: Clock,
): (appUrl: string) => Promise<RestoredChecks & { close(): Promise<void> }> {
  return async (appUrl) => {
    const db = createDatabase({ url: appUrl, poolMax: 2 });
    const { keyring, repositories } = createDataLayer(db, masterKey, clock);
    const samples = createRestoredSampleRepository(db, keyring);
    return {
      async serviceKeyVersions(scope) {
        // What the backup holds, unwrapped one by one (the keyring would create a first
        // version where none is stored, and count that).
        const stored = await repositories.keys.serviceKeys(scope);
        for (const key of stored) {
          unwrapServiceRootKey(masterKey, { scope, version: key.version }, key.wrappedKey).fill(0);
        }
        return stored.length;
      },
      unwrapDataKeys: (scope, limit) => samples.unwrapDataKeys(scope, limit),
      openCases: (service, limit) => samples.openCases(service, limit, repositories.cases),
      async verifyAccessLog() {
        const verifier = await readVerifier(publicKeyFile);
        if (!verifier) {
          return {
            ok: false,
            checked: 0,
            reason: `the access-log public key ${publicKeyFile} cannot be read (CASEWORK_AUDIT_PUBLIC_KEY_FILE)`,
          };
        }
        const report = await verifyAccessLog(
          {
            batches: repositories.audits.stream(),
            checkpoints: await repositories.checkpoints.all(),
          },
          verifier,
        );
        return report.ok
          ? { ok: true, checked: report.checked }
          : { ok: false, checked: report.checked, reason: report.reason };
      },
      close: () => closeDatabase(db),
    };
  };
}

/** The demo seed over the application's services and the installation counts on `db`. */
export function createDemoSeed(
  container: Pick<Container, 'services' | 'caseWork' | 'lifecycle'>,
  db: Database,
  clock: Clock,
) {
  return createDemoSeedService({
    installation: createInstallationRepository(db),
    accounts: container.services.accounts,
    auth: container.services.auth,
    ...container.caseWork,
    lifecycle: container.lifecycle.lifecycle,
    clock,
  });
}

export type { FieldCrypto, Keyring };

import type { Clock } from '../clock.ts';
import type { DocumentLimits } from '../config/config.schema.ts';
import type { Database } from '../database/prisma-client.ts';
import type { FieldCrypto } from '../keys/field-crypto.ts';
import type { Keyring } from '../keys/keyring.ts';
import { createAppointmentRepository } from '../repositories/case-work/appointment.repository.ts';
import {
  createAccompanimentRepository,
  createClaimRepository,
  createReferralRepository,
} from '../repositories/case-work/backup-counselling-records.repository.ts';
import { createCalendarFeedRepository } from '../repositories/case-work/calendar-feed.repository.ts';
import { createCaseRepository } from '../repositories/case-work/case.repository.ts';
import {
  createExitPhaseRepository,
  createPreventionRepository,
  createRiskAssessmentRepository,
} from '../repositories/case-work/comeback-records.repository.ts';
import { createChronicleRepository } from '../repositories/case-work/chronicle.repository.ts';
import { createIncidentRepository } from '../repositories/case-work/incident.repository.ts';
import { createFollowUpRepository } from '../repositories/case-work/follow-up.repository.ts';
import { createDocumentRepository } from '../repositories/case-work/document.repository.ts';
import { createNoteRepository } from '../repositories/case-work/note.repository.ts';
import { createScopedTransaction } from '../repositories/case-work/sealed-fields.ts';
import { createStaffRepository } from '../repositories/case-work/staff.repository.ts';
import { createWorkplaceRepository } from '../repositories/case-work/workplace.repository.ts';
import {
  createStatsFactsRepository,
  createWorkloadRepository,
} from '../repositories/stats/stats-facts.repository.ts';
import {
  createAppointmentService,
  type AppointmentService,
} from '../services/appointments/appointment.service.ts';
import {
  createCalendarFeedService,
  type CalendarFeedService,
} from '../services/appointments/calendar-feed.service.ts';
import type { AuditLog } from '../services/audit-log.ts';
import {
  createBackupCounsellingService,
  type BackupCounsellingService,
} from '../services/cases/backup-counselling.service.ts';
import { createCaseWorkScope } from '../services/cases/case-work-scope.ts';
import { createCaseService, type CaseService } from '../services/cases/case.service.ts';
import { createComebackService, type ComebackService } from '../services/cases/comeback.service.ts';
import {
  createFollowUpService,
  type FollowUpService,
} from '../services/cases/follow-up.service.ts';
import { createDocumentService, type DocumentService } from '../services/cases/document.service.ts';
import { createNoteService, type NoteService } from '../services/cases/note.service.ts';
import {
  createWorkplaceService,
  type WorkplaceService,
} from '../services/cases/workplace.service.ts';
import { createStatsService, type StatsService } from '../services/stats/stats.service.ts';
import {
  createMonitoringService,
  type MonitoringService,
} from '../services/stats/monitoring.service.ts';
import {
  createChronicleService,
  type ChronicleService,
} from '../services/chronicle/chronicle.service.ts';

/** The services behind the case-work routes (routes/cases, incidents, appointments, …). */
export interface CaseWorkServices {
  cases: CaseService;
  notes: NoteService;
  followUps: FollowUpService;
  documents: DocumentService;
  backup: BackupCounsellingService;
  comeback: ComebackService;
  appointments: AppointmentService;
  calendar: CalendarFeedService;
  stats: StatsService;
  workplace: WorkplaceService;
  chronicle: ChronicleService;
  monitoring: MonitoringService;
}

declare module 'fastify' {
  interface FastifyInstance {
    caseWork: CaseWorkServices;
  }
}

/** Case work's part of the object graph (plugins/app-context.ts calls this). */
export function createCaseWork(deps: {
  db: Database;
  fields: FieldCrypto;
  audit: AuditLog;
  clock: Clock;
  keyring: Keyring;
  stats: { minCellSize: number };
  documents: DocumentLimits;
}): CaseWorkServices {
  const { db, fields, audit, clock } = deps;
  // Statistics facts, kept up to date by the services on every write (SECURITY.md, Statistics).
  const facts = createStatsFactsRepository(deps.keyring);
  const transact = createScopedTransaction(db);
  const cases = createCaseRepository(fields);
  const scope = createCaseWorkScope({ transact, audit, clock, cases });
  const staff = createStaffRepository(db);
  const appointments = createAppointmentRepository(fields);
  const accompaniments = createAccompanimentRepository(fields);
  const exitPhases = createExitPhaseRepository(fields);
  const claims = createClaimRepository(fields);
  const followUps = createFollowUpRepository(fields);
  const appointmentService = createAppointmentService({ scope, appointments, cases, staff });
  const incidents = createIncidentRepository(fields);
  return {
    cases: createCaseService({ scope, cases, staff, accompaniments, exitPhases, facts }),
    notes: createNoteService({ scope, notes: createNoteRepository(fields), staff, facts, clock }),
    followUps: createFollowUpService({
      scope,
      followUps,
      claims,
      accompaniments,
      staff,
    }),
    documents: createDocumentService({
      scope,
      transact,
      documents: createDocumentRepository(fields, deps.keyring),
      staff,
      limits: deps.documents,
    }),
    backup: createBackupCounsellingService({
      scope,
      incidents,
      accompaniments,
      claims,
      referrals: createReferralRepository(fields),
      staff,
      facts,
    }),
    comeback: createComebackService({
      scope,
      cases,
      exitPhases,
      risks: createRiskAssessmentRepository(fields),
      prevention: createPreventionRepository(),
      staff,
      facts,
    }),
    appointments: appointmentService,
    workplace: createWorkplaceService({
      scope,
      workplace: createWorkplaceRepository(fields),
      followUps,
      cases,
      appointments: appointmentService,
      staff,
    }),
    calendar: createCalendarFeedService({
      scope,
      transact,
      feeds: createCalendarFeedRepository(),
      appointments,
      staff,
      audit,
    }),
    stats: createStatsService({
      transact,
      facts,
      workload: createWorkloadRepository(db),
      audit,
      clock,
      minCellSize: deps.stats.minCellSize,
    }),
    chronicle: createChronicleService({
      scope,
      transact,
      audit,
      clock,
      entries: createChronicleRepository(fields),
      incidents,
      staff,
    }),
    monitoring: createMonitoringService({ transact, audit, clock }),
  };
}

import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.ts';
import type { RetentionPolicy } from '../config/config.schema.ts';
import type { Database } from '../database/prisma-client.ts';
import type { FieldCrypto } from '../keys/field-crypto.ts';
import { createAppointmentRepository } from '../repositories/case-work/appointment.repository.ts';
import {
  createAccompanimentRepository,
  createClaimRepository,
  createReferralRepository,
} from '../repositories/case-work/backup-counselling-records.repository.ts';
import { createCaseRepository } from '../repositories/case-work/case.repository.ts';
import {
  createExitPhaseRepository,
  createRiskAssessmentRepository,
} from '../repositories/case-work/comeback-records.repository.ts';
import { createIncidentRepository } from '../repositories/case-work/incident.repository.ts';
import { createFollowUpRepository } from '../repositories/case-work/follow-up.repository.ts';
import { createNoteRepository } from '../repositories/case-work/note.repository.ts';
import { createScopedTransaction } from '../repositories/case-work/sealed-fields.ts';
import { createStaffRepository } from '../repositories/case-work/staff.repository.ts';
import { createLifecycleRepository } from '../repositories/lifecycle/lifecycle.repository.ts';
import type { AuditLog } from '../services/audit-log.ts';
import { createLifecycleScope } from '../services/lifecycle/lifecycle-scope.ts';
import {
  createLifecycleService,
  type LifecycleService,
} from '../services/lifecycle/lifecycle.service.ts';
import { startRetentionSweep } from '../services/lifecycle/retention-sweep.ts';
import {
  createRetentionService,
  type RetentionService,
} from '../services/lifecycle/retention.service.ts';

/** Retention, legal holds, erasure and the subject-access export. */
export interface LifecycleServices {
  lifecycle: LifecycleService;
  retention: RetentionService;
}

declare module 'fastify' {
  interface FastifyInstance {
    lifecycle: LifecycleServices;
  }
}

/**
 * The lifecycle part of the object graph (plugins/app-context.ts calls this), and the daily
 * retention sweep, started when the app is ready and stopped when it closes.
 */
export function installLifecycle(
  app: FastifyInstance,
  deps: {
    db: Database;
    fields: FieldCrypto;
    audit: AuditLog;
    clock: Clock;
    policy: RetentionPolicy;
  },
): void {
  const { db, fields, audit, clock, policy } = deps;
  const transact = createScopedTransaction(db);
  const lifecycle = createLifecycleRepository(fields, db);
  const services: LifecycleServices = {
    lifecycle: createLifecycleService({
      scope: createLifecycleScope({ transact, audit }),
      clock,
      lifecycle,
      cases: createCaseRepository(fields),
      notes: createNoteRepository(fields),
      followUps: createFollowUpRepository(fields),
      incidents: createIncidentRepository(fields),
      appointments: createAppointmentRepository(fields),
      accompaniments: createAccompanimentRepository(fields),
      claims: createClaimRepository(fields),
      referrals: createReferralRepository(fields),
      exitPhases: createExitPhaseRepository(fields),
      risks: createRiskAssessmentRepository(fields),
      staff: createStaffRepository(db),
    }),
    retention: createRetentionService({ transact, audit, clock, lifecycle, policy }),
  };
  app.decorate('lifecycle', services);

  let sweep: ReturnType<typeof startRetentionSweep> | undefined;
  app.addHook('onReady', async () => {
    sweep = startRetentionSweep({
      retention: services.retention,
      clock,
      intervalHours: policy.sweepHours,
      log: app.log,
    });
  });
  app.addHook('onClose', async () => {
    await sweep?.stop();
  });
}

import type { DbClient } from '../../database/db-client.ts';
import { AppError, type ErrorParams, type ErrorReason } from '../../errors/app-error.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type {
  AccompanimentRecord,
  AccompanimentRepository,
  ClaimRecord,
  ClaimRepository,
  ReferralRepository,
} from '../../repositories/case-work/backup-counselling-records.repository.ts';
import type {
  IncidentRecord,
  IncidentRepository,
  IncidentSummary as IncidentSummaryRecord,
} from '../../repositories/case-work/incident.repository.ts';
import type { StaffRepository } from '../../repositories/case-work/staff.repository.ts';
import type { StatsFactRecorder } from '../../repositories/stats/stats-facts.repository.ts';
import type {
  AccompanimentView,
  ClaimView,
  CreateAccompanimentBody,
  CreateClaimBody,
  CreateIncidentBody,
  CreateReferralBody,
  IncidentListQuery,
  IncidentSummary,
  IncidentView,
  ReferralView,
  UpdateAccompanimentBody,
  UpdateClaimBody,
  UpdateIncidentBody,
} from '../../schemas/backup-counselling.schema.ts';
import type { RequestContext } from '../actor.ts';
import {
  berlinDay,
  caseNumbersTarget,
  missing,
  requireService,
  type CaseWorkEvent,
  type CaseWorkScope,
  addChanged,
  addReason,
} from './case-work-scope.ts';

const NO_SUCH_INCIDENT = 'No such incident.';
const invalid = (message: string, reason: ErrorReason, params?: ErrorParams) =>
  new AppError('invalid_request', message, { reason, ...(params ? { params } : {}) });

function summaryView(incident: IncidentSummaryRecord): IncidentSummary {
  return {
    id: incident.id,
    occurredOn: incident.occurredOn,
    offenceType: incident.offenceType,
    motives: incident.motives,
    district: incident.district,
    affectedCount: incident.affectedCount,
    affectedMinors: incident.affectedMinors,
    reportedToPolice: incident.reportedToPolice,
    source: incident.source,
    cases: incident.cases,
    createdAt: incident.createdAt.toISOString(),
    updatedAt: incident.updatedAt.toISOString(),
  };
}

function incidentView(incident: IncidentRecord): IncidentView {
  return {
    ...summaryView(incident),
    municipality: incident.municipality,
    description: incident.description,
  };
}

function accompanimentView(record: AccompanimentRecord): AccompanimentView {
  return {
    id: record.id,
    kind: record.kind,
    takesPlaceOn: record.takesPlaceOn,
    role: record.role,
    psychosocialSupport: record.psychosocialSupport,
    court: record.court,
    courtFileNumber: record.courtFileNumber,
    outcome: record.outcome,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

function claimView(record: ClaimRecord): ClaimView {
  return {
    id: record.id,
    status: record.status,
    filedOn: record.filedOn,
    decidedOn: record.decidedOn,
    note: record.note,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/**
 * BackUp's case work: incidents (kept apart from cases and linked to them), accompaniments
 * to police and court, claims under the victim compensation law, referrals with consent.
 */
export function createBackupCounsellingService(deps: {
  scope: CaseWorkScope;
  incidents: IncidentRepository;
  accompaniments: AccompanimentRepository;
  claims: ClaimRepository;
  referrals: ReferralRepository;
  staff: StaffRepository;
  facts: StatsFactRecorder;
}) {
  const { scope, incidents, accompaniments, claims, referrals, staff, facts } = deps;
  const today = () => berlinDay(scope.clock.now());

  /** The case of this service (404 otherwise), which must be a BackUp case. */
  async function backupCase(
    context: RequestContext,
    service: ServiceCode,
    caseId: string,
    what: string,
    client: DbClient,
    event: CaseWorkEvent,
  ) {
    const header = await scope.openCase(context, service, caseId, client, event);
    requireService(service, 'backup', what);
    return header;
  }

  /**
   * An incident belongs to the cases it is linked to: reading or changing it, or its links,
   * follows the access rule of every one of them (with `alsoCases`, e.g. the case it is being
   * linked to). An incident of no case is the service's and open to its counsellors.
   */
  async function openIncident(
    context: RequestContext,
    service: ServiceCode,
    id: string,
    client: DbClient,
    event: CaseWorkEvent,
    alsoCases: readonly string[] = [],
  ): Promise<void> {
    const linked =
      (await incidents.linkedCaseIds(service, id, client)) ?? missing(NO_SUCH_INCIDENT);
    await scope.openCases(context, service, [...alsoCases, ...linked], client, event);
  }

  function checkIncident(input: {
    occurredOn?: string;
    affectedCount?: number;
    affectedMinors?: number;
  }) {
    if (input.occurredOn !== undefined && input.occurredOn > today()) {
      throw invalid('occurredOn cannot be in the future.', 'date_in_future', {
        field: '/occurredOn',
      });
    }
    if (
      input.affectedCount !== undefined &&
      input.affectedMinors !== undefined &&
      input.affectedMinors > input.affectedCount
    ) {
      throw invalid('affectedMinors cannot exceed affectedCount.', 'exceeds', {
        field: '/affectedMinors',
        other: 'affectedCount',
      });
    }
  }

  return {
    listIncidents(context: RequestContext, query: IncidentListQuery) {
      const { limit, offset, ...filter } = query;
      return scope.run(
        context,
        { action: 'incident.list', targetType: 'case_list' },
        async (client, service, event) => {
          requireService(service, 'backup', 'Incidents');
          const found = await incidents.list(service, filter, { limit, offset }, client);
          addReason(event, `shown:${found.incidents.length}`);
          event.targetId = caseNumbersTarget(
            found.incidents.flatMap((incident) => incident.cases.map((c) => c.caseNumber)),
          );
          return {
            incidents: found.incidents.map(summaryView),
            total: found.total,
            limit,
            offset,
          };
        },
      );
    },

    getIncident(context: RequestContext, id: string): Promise<IncidentView> {
      return scope.run(
        context,
        { action: 'incident.view', targetType: 'incident', targetId: id },
        async (client, service, event) => {
          await openIncident(context, service, id, client, event);
          return incidentView((await incidents.findById(service, id, client))!);
        },
      );
    },

    createIncident(context: RequestContext, input: CreateIncidentBody): Promise<IncidentView> {
      return scope.run(
        context,
        { action: 'incident.create', targetType: 'incident' },
        async (client, service, event) => {
          requireService(service, 'backup', 'Incidents');
          checkIncident(input);
          const { caseIds = [], municipality = null, description = null, ...categories } = input;
          const id = await incidents.create(
            service,
            { ...categories, municipality, description, createdById: context.actor!.userId },
            client,
          );
          event.targetId = id;
          await facts.record(service, 'incident', id, client);
          await scope.openCases(context, service, caseIds, client, event);
          for (const caseId of caseIds) await incidents.link(service, caseId, id, client);
          return incidentView((await incidents.findById(service, id, client))!);
        },
      );
    },

    updateIncident(
      context: RequestContext,
      id: string,
      patch: UpdateIncidentBody,
    ): Promise<IncidentView> {
      return scope.run(
        context,
        { action: 'incident.update', targetType: 'incident', targetId: id },
        async (client, service, event) => {
          await openIncident(context, service, id, client, event);
          const current = (await incidents.findById(service, id, client))!;
          checkIncident({
            occurredOn: patch.occurredOn,
            affectedCount: patch.affectedCount ?? current.affectedCount,
            affectedMinors: patch.affectedMinors ?? current.affectedMinors,
          });
          await incidents.update(service, id, patch, client);
          await facts.record(service, 'incident', id, client);
          const updated = incidentView((await incidents.findById(service, id, client))!);
          addChanged(event, incidentView(current), updated, Object.keys(patch));
          return updated;
        },
      );
    },

    listCaseIncidents(context: RequestContext, caseId: string) {
      return scope.run(
        context,
        { action: 'incident.list', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await backupCase(context, service, caseId, 'Incidents', client, event);
          const found = await incidents.listForCase(service, caseId, client);
          return { incidents: found.map(summaryView) };
        },
      );
    },

    /** Idempotent: linking twice leaves one link. */
    linkIncident(context: RequestContext, caseId: string, incidentId: string): Promise<void> {
      return scope.run(
        context,
        { action: 'incident.link', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await backupCase(context, service, caseId, 'Incidents', client, event);
          await openIncident(context, service, incidentId, client, event, [caseId]);
          await incidents.link(service, caseId, incidentId, client);
        },
      );
    },

    unlinkIncident(context: RequestContext, caseId: string, incidentId: string): Promise<void> {
      return scope.run(
        context,
        { action: 'incident.unlink', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await backupCase(context, service, caseId, 'Incidents', client, event);
          await openIncident(context, service, incidentId, client, event, [caseId]);
          if (!(await incidents.unlink(service, caseId, incidentId, client))) {
            missing('This incident is not linked to the case.');
          }
        },
      );
    },

    listAccompaniments(context: RequestContext, caseId: string) {
      return scope.run(
        context,
        { action: 'accompaniment.list', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await backupCase(context, service, caseId, 'Accompaniments', client, event);
          const found = await accompaniments.list(service, caseId, client);
          return { accompaniments: found.map(accompanimentView) };
        },
      );
    },

    createAccompaniment(
      context: RequestContext,
      caseId: string,
      input: CreateAccompanimentBody,
    ): Promise<AccompanimentView> {
      return scope.run(
        context,
        { action: 'accompaniment.create', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await backupCase(context, service, caseId, 'Accompaniments', client, event);
          const created = await accompaniments.create(
            service,
            caseId,
            {
              kind: input.kind,
              takesPlaceOn: input.takesPlaceOn,
              role: input.role,
              psychosocialSupport: input.psychosocialSupport ?? false,
              court: input.court ?? null,
              courtFileNumber: input.courtFileNumber ?? null,
              outcome: input.outcome ?? null,
              createdById: context.actor!.userId,
            },
            client,
          );
          await facts.record(service, 'accompaniment', created.id, client);
          return accompanimentView(created);
        },
      );
    },

    updateAccompaniment(
      context: RequestContext,
      caseId: string,
      id: string,
      patch: UpdateAccompanimentBody,
    ): Promise<AccompanimentView> {
      return scope.run(
        context,
        { action: 'accompaniment.update', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await backupCase(context, service, caseId, 'Accompaniments', client, event);
          const current =
            (await accompaniments.find(service, caseId, id, client)) ??
            missing('No such accompaniment in this case.');
          await accompaniments.update(service, caseId, id, patch, client);
          await facts.record(service, 'accompaniment', id, client);
          const updated = accompanimentView(
            (await accompaniments.find(service, caseId, id, client))!,
          );
          addChanged(event, accompanimentView(current), updated, Object.keys(patch));
          return updated;
        },
      );
    },

    listClaims(context: RequestContext, caseId: string) {
      return scope.run(
        context,
        { action: 'claim.list', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await backupCase(context, service, caseId, 'Compensation claims', client, event);
          return { claims: (await claims.list(service, caseId, client)).map(claimView) };
        },
      );
    },

    createClaim(
      context: RequestContext,
      caseId: string,
      input: CreateClaimBody,
    ): Promise<ClaimView> {
      return scope.run(
        context,
        { action: 'claim.create', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await backupCase(context, service, caseId, 'Compensation claims', client, event);
          checkClaimDates(input.filedOn ?? null, input.decidedOn ?? null);
          const created = await claims.create(
            service,
            caseId,
            {
              status: input.status,
              filedOn: input.filedOn ?? null,
              decidedOn: input.decidedOn ?? null,
              note: input.note ?? null,
              createdById: context.actor!.userId,
            },
            client,
          );
          return claimView(created);
        },
      );
    },

    updateClaim(
      context: RequestContext,
      caseId: string,
      id: string,
      patch: UpdateClaimBody,
    ): Promise<ClaimView> {
      return scope.run(
        context,
        { action: 'claim.update', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await backupCase(context, service, caseId, 'Compensation claims', client, event);
          const current =
            (await claims.find(service, caseId, id, client)) ??
            missing('No such claim in this case.');
          checkClaimDates(
            patch.filedOn === undefined ? current.filedOn : patch.filedOn,
            patch.decidedOn === undefined ? current.decidedOn : patch.decidedOn,
          );
          await claims.update(service, caseId, id, patch, client);
          const updated = claimView((await claims.find(service, caseId, id, client))!);
          addChanged(event, claimView(current), updated, Object.keys(patch));
          return updated;
        },
      );
    },

    listReferrals(context: RequestContext, caseId: string) {
      return scope.run(
        context,
        { action: 'referral.list', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await backupCase(context, service, caseId, 'Referrals', client, event);
          const found = await referrals.list(service, caseId, client);
          const names = await staff.usernames(
            found.map((record) => record.createdById),
            client,
          );
          return {
            referrals: found.map((record): ReferralView => ({
              id: record.id,
              target: record.target,
              referredOn: record.referredOn,
              consentForm: record.consentForm,
              consentOn: record.consentOn,
              details: record.details,
              createdBy: {
                id: record.createdById,
                username: names.get(record.createdById) ?? '',
              },
              createdAt: record.createdAt.toISOString(),
            })),
          };
        },
      );
    },

    /** A referral records the person's consent: how it was given, and when (not after). */
    createReferral(
      context: RequestContext,
      caseId: string,
      input: CreateReferralBody,
    ): Promise<ReferralView> {
      return scope.run(
        context,
        { action: 'referral.create', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await backupCase(context, service, caseId, 'Referrals', client, event);
          if (input.consentOn > input.referredOn) {
            throw invalid(
              'consentOn cannot be after referredOn: consent comes first.',
              'date_order',
              {
                field: '/referredOn',
                other: 'consentOn',
              },
            );
          }
          const record = await referrals.create(
            service,
            caseId,
            { ...input, details: input.details ?? null, createdById: context.actor!.userId },
            client,
          );
          return {
            id: record.id,
            target: record.target,
            referredOn: record.referredOn,
            consentForm: record.consentForm,
            consentOn: record.consentOn,
            details: record.details,
            createdBy: { id: context.actor!.userId, username: context.actor!.username },
            createdAt: record.createdAt.toISOString(),
          };
        },
      );
    },
  };
}

function checkClaimDates(filedOn: string | null, decidedOn: string | null) {
  if (filedOn !== null && decidedOn !== null && decidedOn < filedOn) {
    throw invalid('decidedOn cannot be before filedOn.', 'date_order', {
      field: '/decidedOn',
      other: 'filedOn',
    });
  }
}

export type BackupCounsellingService = ReturnType<typeof createBackupCounsellingService>;

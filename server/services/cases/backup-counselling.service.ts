import type { DbClient } from '../../database/db-client.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type {
  AccompanimentRepository,
  ClaimRepository,
  ReferralRepository,
} from '../../repositories/case-work/backup-counselling-records.repository.ts';
import { invalid } from '../../case-records/record-type.ts';
import { createCaseRecordService } from '../../case-records/record.service.ts';
import { accompaniments } from '../../case-records/types/accompaniments.ts';
import { claims } from '../../case-records/types/claims.ts';
import { referrals } from '../../case-records/types/referrals.ts';
import type {
  IncidentRecord,
  IncidentRepository,
  IncidentSummary as IncidentSummaryRecord,
} from '../../repositories/case-work/incident.repository.ts';
import type { StaffRepository } from '../../repositories/case-work/staff.repository.ts';
import type { StatsFactRecorder } from '../../repositories/stats/stats-facts.repository.ts';
import type {
  CreateIncidentBody,
  IncidentListQuery,
  IncidentSummary,
  IncidentView,
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
  const { scope, incidents, facts } = deps;
  const recordDeps = { scope, staff: deps.staff, facts };
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

    /** Accompaniments, claims and referrals: the generic path of case records. */
    records: {
      accompaniments: createCaseRecordService(recordDeps, accompaniments, deps.accompaniments),
      claims: createCaseRecordService(recordDeps, claims, deps.claims),
      referrals: createCaseRecordService(recordDeps, referrals, deps.referrals),
    },
  };
}

export type BackupCounsellingService = ReturnType<typeof createBackupCounsellingService>;

import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { DbClient } from '../../database/db-client.ts';
import { AppError, type ErrorParams, type ErrorReason } from '../../errors/app-error.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type {
  ChronicleRecord,
  ChronicleRepository,
} from '../../repositories/case-work/chronicle.repository.ts';
import type { IncidentRepository } from '../../repositories/case-work/incident.repository.ts';
import type { ScopedTransaction } from '../../repositories/case-work/sealed-fields.ts';
import type { StaffRepository } from '../../repositories/case-work/staff.repository.ts';
import type {
  ChronicleConsentBody,
  ChronicleEntryView,
  ChronicleListQuery,
  IncidentChronicleView,
} from '../../schemas/chronicle.schema.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditLog } from '../audit-log.ts';
import {
  addReason,
  berlinDay,
  createScopedRunner,
  missing,
  requireDayBetween,
  requireService,
  type CaseWorkEvent,
  type CaseWorkScope,
} from '../cases/case-work-scope.ts';
import { chronicleWarnings } from './chronicle-warnings.ts';

const NO_SUCH_ENTRY = 'No such chronicle entry.';
const NO_SUCH_INCIDENT = 'No such incident.';
/** Consent given long before the incident was recorded is not plausible. */
const EARLIEST_CONSENT = '2000-01-01';

const invalid = (message: string, reason: ErrorReason, params?: ErrorParams) =>
  new AppError('invalid_request', message, { reason, ...(params ? { params } : {}) });

export function stateOf(record: Pick<ChronicleRecord, 'approvedAt' | 'withdrawnAt'>) {
  if (record.withdrawnAt) return 'withdrawn' as const;
  return record.approvedAt ? ('approved' as const) : ('pending' as const);
}

/** The date and place a build publishes: as precise as agreed, never more. */
export function publishedFacts(
  record: Pick<ChronicleRecord, 'datePrecision' | 'placePrecision' | 'place' | 'incident'>,
) {
  return {
    date:
      record.datePrecision === 'day'
        ? record.incident.occurredOn
        : record.incident.occurredOn.slice(0, 7),
    district: record.incident.district,
    municipality: record.placePrecision === 'municipality' ? record.place : null,
  };
}

/**
 * Newest published date first, then by the random entry id: the order of the files must not
 * tell more than the dates do. Ordered by the incident's exact day, an entry published as a
 * month would sit between the days around it and give its own away.
 */
export function inPublicationOrder<T extends { id: string; date: string }>(entries: T[]): T[] {
  const byDate = (a: T, b: T) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0);
  return [...entries].sort((a, b) => byDate(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * BackUp's public chronicle: counsellors record the person's consent and a public text on an
 * incident; a second person (a team lead of BackUp, or the colleague the author named, never
 * the author) approves it; builds publish what is approved and not withdrawn. Each call is an
 * access-log event. An entry of the other service, or none, is not found (404).
 */
export function createChronicleService(deps: {
  scope: CaseWorkScope;
  transact: ScopedTransaction;
  audit: AuditLog;
  clock: Clock;
  entries: ChronicleRepository;
  incidents: IncidentRepository;
  staff: StaffRepository;
}) {
  const { scope, entries, incidents, staff, clock } = deps;
  const runScoped = createScopedRunner({ transact: deps.transact, audit: deps.audit });

  /** Counsellors and team leads of their own service; the service comes from the session. */
  function staffService(context: RequestContext): ServiceCode {
    const actor = context.actor;
    if (!actor?.service || (actor.role !== 'counsellor' && actor.role !== 'team_lead')) {
      throw new AppError('forbidden', 'Only counsellors and team leads work with the chronicle.');
    }
    return actor.service;
  }

  const runAsStaff = <T>(
    context: RequestContext,
    event: CaseWorkEvent,
    work: (client: DbClient, service: ServiceCode, event: CaseWorkEvent) => Promise<T>,
  ) => runScoped(context, staffService(context), event, work);

  function mayApprove(context: RequestContext, record: ChronicleRecord): boolean {
    const actor = context.actor!;
    if (stateOf(record) !== 'pending' || actor.userId === record.authorId) return false;
    return actor.role === 'team_lead' || actor.userId === record.reviewerId;
  }

  async function view(
    context: RequestContext,
    service: ServiceCode,
    record: ChronicleRecord,
    client: DbClient,
  ): Promise<ChronicleEntryView> {
    const names = await staff.usernames(
      [record.authorId, record.reviewerId, record.approvedById].filter(
        (id): id is string => id !== null,
      ),
      client,
    );
    const ref = (id: string | null) => (id === null ? null : { id, username: names.get(id) ?? '' });
    const alike = await entries.countAlike(service, record.incident, client);
    return {
      id: record.id,
      incidentId: record.incidentId,
      state: stateOf(record),
      consentForm: record.consentForm,
      consentOn: record.consentOn,
      datePrecision: record.datePrecision,
      placePrecision: record.placePrecision,
      place: record.place,
      publicText: record.publicText,
      incident: record.incident,
      published: publishedFacts(record),
      author: ref(record.authorId)!,
      reviewer: ref(record.reviewerId),
      approvedBy: ref(record.approvedById),
      approvedAt: record.approvedAt?.toISOString() ?? null,
      withdrawnAt: record.withdrawnAt?.toISOString() ?? null,
      mayApprove: mayApprove(context, record),
      warnings: chronicleWarnings(
        [record.place, record.publicText].filter((text) => text !== null).join('\n'),
        record.datePrecision,
        alike,
      ),
      publications: record.publications.map((p) => ({
        buildId: p.buildId,
        builtAt: p.builtAt.toISOString(),
        destination: p.destination,
      })),
      createdAt: record.createdAt.toISOString(),
      updatedAt: record.updatedAt.toISOString(),
    };
  }

  /** The incident, under the access rule of the cases it is linked to (404 when missing). */
  async function openIncident(
    context: RequestContext,
    service: ServiceCode,
    incidentId: string,
    client: DbClient,
    event: CaseWorkEvent,
  ) {
    const linked =
      (await incidents.linkedCaseIds(service, incidentId, client)) ?? missing(NO_SUCH_INCIDENT);
    await scope.openCases(context, service, linked, client, event);
  }

  async function checkConsent(
    service: ServiceCode,
    input: ChronicleConsentBody,
    authorId: string,
    client: DbClient,
  ) {
    requireDayBetween(input.consentOn, 'consentOn', EARLIEST_CONSENT, berlinDay(clock.now()));
    const place = input.place ?? null;
    if (input.placePrecision === 'municipality' && place === null) {
      throw invalid('Name the municipality the person agreed to.', 'required', { field: '/place' });
    }
    if (input.placePrecision === 'district' && place !== null) {
      throw invalid('Only the district was agreed: send place null.', 'invalid_value', {
        field: '/place',
      });
    }
    const reviewerId = input.reviewerId ?? null;
    if (reviewerId === authorId) {
      throw invalid('The author cannot review their own text.', 'reviewer_is_author', {
        field: '/reviewerId',
      });
    }
    if (reviewerId !== null && !(await staff.findCounsellor(service, reviewerId, client))) {
      throw invalid(
        'The reviewer must be an active counsellor of your service.',
        'not_an_active_counsellor',
        { field: '/reviewerId' },
      );
    }
    return { ...input, place, reviewerId, authorId };
  }

  async function entryOf(service: ServiceCode, id: string, client: DbClient) {
    return (await entries.findById(service, id, client)) ?? missing(NO_SUCH_ENTRY);
  }

  return {
    /** The incident's entry, with who agreed: for the incident's counsellors. */
    forIncident(context: RequestContext, incidentId: string): Promise<IncidentChronicleView> {
      return scope.run(
        context,
        { action: 'chronicle.view', targetType: 'incident', targetId: incidentId },
        async (client, service, event) => {
          await openIncident(context, service, incidentId, client, event);
          const id =
            (await entries.findIdByIncident(service, incidentId, client)) ?? missing(NO_SUCH_ENTRY);
          const record = await entryOf(service, id, client);
          return { ...(await view(context, service, record, client)), consentBy: record.consentBy };
        },
      );
    },

    /**
     * Records consent and public text, or replaces them: the caller becomes the author, and
     * an approval or withdrawal lapses (a new text is approved anew, a new consent counts).
     */
    saveForIncident(
      context: RequestContext,
      incidentId: string,
      input: ChronicleConsentBody,
    ): Promise<IncidentChronicleView> {
      return scope.run(
        context,
        { action: 'chronicle.save', targetType: 'incident', targetId: incidentId },
        async (client, service, event) => {
          await openIncident(context, service, incidentId, client, event);
          const checked = await checkConsent(service, input, context.actor!.userId, client);
          const existing = await entries.findIdByIncident(service, incidentId, client);
          let id = existing;
          if (id === null) {
            id = await entries.create(service, incidentId, checked, client);
            addReason(event, 'created');
          } else {
            await entries.rewrite(service, { id, incidentId }, checked, client);
            addReason(event, 'rewritten');
          }
          const record = await entryOf(service, id, client);
          return { ...(await view(context, service, record, client)), consentBy: record.consentBy };
        },
      );
    },

    /** The approval list: public texts and their warnings, without who agreed. */
    list(context: RequestContext, query: ChronicleListQuery) {
      return runAsStaff(
        context,
        { action: 'chronicle.list', targetType: 'chronicle' },
        async (client, service, event) => {
          const found = await entries.list(service, query.state, client);
          addReason(event, `shown:${found.length}`);
          const views: ChronicleEntryView[] = [];
          for (const record of found) views.push(await view(context, service, record, client));
          return { entries: views };
        },
      );
    },

    get(context: RequestContext, id: string): Promise<ChronicleEntryView> {
      return runAsStaff(
        context,
        { action: 'chronicle.view', targetType: 'chronicle_entry', targetId: id },
        async (client, service) =>
          view(context, service, await entryOf(service, id, client), client),
      );
    },

    /**
     * Four eyes: a team lead or the named colleague, never the author, and only the version
     * they saw: a text changed since then is not approved unseen (409 entry_changed).
     */
    approve(
      context: RequestContext,
      id: string,
      seenUpdatedAt: string,
    ): Promise<ChronicleEntryView> {
      return runAsStaff(
        context,
        { action: 'chronicle.approve', targetType: 'chronicle_entry', targetId: id },
        async (client, service) => {
          const record = await entryOf(service, id, client);
          if (stateOf(record) !== 'pending') {
            throw new AppError('conflict', 'This entry was decided already.', {
              reason: 'already_decided',
            });
          }
          if (!mayApprove(context, record)) {
            throw new AppError(
              'four_eyes_required',
              'A team lead or the named colleague approves, never the author.',
            );
          }
          const seen = new Date(seenUpdatedAt);
          const approved = await entries.approve(
            service,
            { id, seen },
            context.actor!.userId,
            clock.now(),
            client,
          );
          if (!approved) {
            throw new AppError('conflict', 'The entry changed since it was shown.', {
              reason: 'entry_changed',
            });
          }
          return view(context, service, await entryOf(service, id, client), client);
        },
      );
    },

    /** The person withdrew consent: the next build leaves the entry out. */
    withdraw(context: RequestContext, id: string): Promise<ChronicleEntryView> {
      return runAsStaff(
        context,
        { action: 'chronicle.withdraw', targetType: 'chronicle_entry', targetId: id },
        async (client, service) => {
          await entryOf(service, id, client);
          await entries.withdraw(service, id, context.actor!.userId, clock.now(), client);
          return view(context, service, await entryOf(service, id, client), client);
        },
      );
    },

    /**
     * A build of the public chronicle (the CLI's `chronicle build`): the approved entries
     * that are not withdrawn, each recorded as published at `destination` now.
     */
    build(context: RequestContext, destination: string) {
      return buildIn(context, 'backup', destination);
    },

    /** The same build from the web, for a team lead of BackUp to download. */
    buildForTeamLead(context: RequestContext, destination: string) {
      const service = context.actor?.service;
      if (!service || context.actor?.role !== 'team_lead') {
        throw new AppError('forbidden', 'Only team leads build the chronicle.');
      }
      return buildIn(context, service, destination);
    },
  };

  function buildIn(context: RequestContext, owner: ServiceCode, destination: string) {
    return runScoped(
      context,
      owner,
      { action: 'chronicle.build', targetType: 'chronicle' },
      async (client, service, event) => {
        requireService(service, 'backup', 'Chronicle builds');
        const published = await entries.publishable(service, client);
        const build = { buildId: randomUUID(), builtAt: clock.now(), destination };
        await entries.recordBuild(
          service,
          build,
          published.map((record) => record.id),
          client,
        );
        event.targetId = build.buildId;
        addReason(event, `published:${published.length}`);
        return {
          ...build,
          entries: inPublicationOrder(
            published.map((record) => ({
              id: record.id,
              publicText: record.publicText,
              offenceType: record.incident.offenceType,
              motives: record.incident.motives,
              ...publishedFacts(record),
            })),
          ),
        };
      },
    );
  }
}

export type ChronicleService = ReturnType<typeof createChronicleService>;
export type ChronicleBuild = Awaited<ReturnType<ChronicleService['build']>>;

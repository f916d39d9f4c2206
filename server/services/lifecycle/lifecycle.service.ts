import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { DbClient } from '../../database/db-client.ts';
import { AppError } from '../../errors/app-error.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type { AppointmentRepository } from '../../repositories/case-work/appointment.repository.ts';
import type {
  AccompanimentRepository,
  ClaimRepository,
  ReferralRepository,
} from '../../repositories/case-work/backup-counselling-records.repository.ts';
import type { CaseRepository } from '../../repositories/case-work/case.repository.ts';
import type {
  ExitPhaseRepository,
  RiskAssessmentRepository,
} from '../../repositories/case-work/comeback-records.repository.ts';
import type { FollowUpRepository } from '../../repositories/case-work/follow-up.repository.ts';
import type { IncidentRepository } from '../../repositories/case-work/incident.repository.ts';
import type { NoteRepository } from '../../repositories/case-work/note.repository.ts';
import type { StaffRepository } from '../../repositories/case-work/staff.repository.ts';
import type {
  ErasedCaseSummary,
  LegalHoldRecord,
  LifecycleRepository,
} from '../../repositories/lifecycle/lifecycle.repository.ts';
import type {
  DeletionCertificate,
  EraseByNumberBody,
  EraseCaseBody,
  HeldCaseList,
  ErasurePreview,
  LegalHoldView,
  SubjectAccessExport,
} from '../../schemas/lifecycle.schema.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditReasonCode } from '../audit-log.ts';
import type { CaseWorkEvent } from '../cases/case-work-scope.ts';
import { berlinDay, missing, NO_SUCH_CASE, openCase } from '../cases/case-work-scope.ts';
import { personView } from '../cases/case.service.ts';
import { followUpView } from '../cases/follow-up.service.ts';
import type { LifecycleScope } from './lifecycle-scope.ts';

const SERVICES: readonly ServiceCode[] = ['backup', 'comeback'];
/** Far enough to hold every appointment a case can have. */
const ALL_TIME = { from: new Date('1900-01-01T00:00:00Z'), to: new Date('3000-01-01T00:00:00Z') };
const EXPORT_LIMIT = 10_000;

/** The rule a case is erased under: a code, never free text (it goes into the access log). */
export const requestRule = (ground: EraseCaseBody['ground']) => `request.${ground}` as const;

/**
 * The access-log reason of an erasure: the rule and what was removed, as counts. Together with
 * the event's actor, time and case number this is the deletion certificate.
 */
export function certificateReason(
  rule: `${string}.${string}`,
  summary: ErasedCaseSummary,
): AuditReasonCode {
  const counts = Object.entries(summary.records)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${kind}:${count}`)
    .join(',');
  return `${rule}|${counts}`;
}

export function certificate(
  summary: ErasedCaseSummary,
  erasure: { rule: string; at: Date; by: string; eventId: string },
): DeletionCertificate {
  return {
    caseNumber: summary.caseNumber,
    service: summary.service,
    rule: erasure.rule,
    erasedAt: erasure.at.toISOString(),
    erasedBy: erasure.by,
    auditEventId: erasure.eventId,
    records: summary.records,
  };
}

function holdView(hold: LegalHoldRecord | null): LegalHoldView {
  return hold
    ? {
        onHold: true,
        since: hold.since.toISOString(),
        setBy: hold.setBy.username,
        reason: hold.reason,
      }
    : { onHold: false, since: null, setBy: null, reason: null };
}

/**
 * Legal holds, erasure on request and the subject-access export. Every call is
 * scoped to the actor's service; another service's case answers 404 like a missing one.
 */
export function createLifecycleService(deps: {
  scope: LifecycleScope;
  clock: Clock;
  lifecycle: LifecycleRepository;
  cases: CaseRepository;
  notes: NoteRepository;
  followUps: FollowUpRepository;
  incidents: IncidentRepository;
  appointments: AppointmentRepository;
  accompaniments: AccompanimentRepository;
  claims: ClaimRepository;
  referrals: ReferralRepository;
  exitPhases: ExitPhaseRepository;
  risks: RiskAssessmentRepository;
  staff: StaffRepository;
}) {
  const { scope, clock, lifecycle, staff } = deps;

  /** The case's number (for the event) and who works on it; 404 when the service has none. */
  async function caseOf(
    service: ServiceCode,
    caseId: string,
    client: DbClient,
    event: CaseWorkEvent,
  ) {
    const found = (await lifecycle.assignment(service, caseId, client)) ?? missing(NO_SUCH_CASE);
    event.caseNumber = found.caseNumber;
    return found;
  }

  async function requireAssigned(
    context: RequestContext,
    service: ServiceCode,
    caseId: string,
    client: DbClient,
    event: CaseWorkEvent,
  ) {
    const found = await caseOf(service, caseId, client, event);
    const actor = context.actor!.userId;
    if (found.assignedCounsellorId !== actor && found.coCounsellorId !== actor) {
      throw new AppError(
        'forbidden',
        'Only the counsellors of this case can set or lift its legal hold.',
        { reason: 'not_case_counsellor' },
      );
    }
  }

  async function gather(
    service: ServiceCode,
    caseId: string,
    client: DbClient,
  ): Promise<Omit<SubjectAccessExport, 'exportedAt' | 'exportedBy'>> {
    const now = clock.now();
    const record =
      (await deps.cases.findById(service, caseId, now, client)) ?? missing(NO_SUCH_CASE);
    const notes = await deps.notes.list(
      service,
      caseId,
      { limit: EXPORT_LIMIT, offset: 0 },
      client,
    );
    const appointments = await deps.appointments.list(
      service,
      { ...ALL_TIME, caseId, includeCancelled: true, limit: EXPORT_LIMIT },
      client,
    );
    const followUps = await deps.followUps.list(service, caseId, client);
    const backup = service === 'backup';
    const incidents = backup
      ? await Promise.all(
          (await deps.incidents.listForCase(service, caseId, client)).map(
            async (summary) => (await deps.incidents.findById(service, summary.id, client))!,
          ),
        )
      : [];
    const accompaniments = backup ? await deps.accompaniments.list(service, caseId, client) : [];
    const claims = backup ? await deps.claims.list(service, caseId, client) : [];
    const referrals = backup ? await deps.referrals.list(service, caseId, client) : [];
    const phases = backup ? [] : await deps.exitPhases.list(service, caseId, client);
    const risks = backup ? [] : await deps.risks.list(service, caseId, client);
    const names = await staff.usernames(
      [
        ...notes.notes.map((note) => note.authorId),
        ...followUps.flatMap((f) => [
          f.assigneeId,
          f.createdById,
          ...(f.doneById ? [f.doneById] : []),
        ]),
        ...referrals.map((referral) => referral.createdById),
        ...phases.map((phase) => phase.createdById),
        ...risks.flatMap((risk) => [
          risk.proposedById,
          ...(risk.decidedById ? [risk.decidedById] : []),
        ]),
      ],
      client,
    );
    const ref = (id: string) => ({ id, username: names.get(id) ?? '' });
    const iso = (date: Date) => date.toISOString();
    const s = record.sealed;
    return {
      case: {
        id: record.id,
        caseNumber: record.caseNumber,
        service: record.service,
        status: record.status,
        anonymous: record.anonymous,
        openedOn: record.openedOn,
        closedOn: record.closedOn,
        closingReason: s.closingReason,
        assignedCounsellor: record.assignedCounsellor,
        coCounsellor: record.coCounsellor,
        person: personView(record),
        summary: s.summary,
        exitPhase: record.exitPhase,
        riskLevel: record.riskLevel,
        createdAt: iso(record.createdAt),
        updatedAt: iso(record.updatedAt),
      },
      legalHold: holdView(await lifecycle.findHold(service, caseId, client)),
      notes: notes.notes.map((note) => ({
        id: note.id,
        kind: note.kind,
        body: note.body,
        amendsNoteId: note.amendsNoteId,
        amendedBy: note.amendedBy,
        author: ref(note.authorId),
        createdAt: iso(note.createdAt),
      })),
      followUps: followUps.map((followUp) => followUpView(followUp, ref)),
      appointments: appointments.appointments.map((appointment) => ({
        id: appointment.id,
        start: iso(appointment.startsAt),
        end: iso(appointment.endsAt),
        kind: appointment.kind,
        status: appointment.status,
        location: appointment.location,
        note: appointment.note,
        counsellor: appointment.counsellor,
        case: { id: record.id, caseNumber: record.caseNumber },
        createdAt: iso(appointment.createdAt),
        updatedAt: iso(appointment.updatedAt),
      })),
      // An incident shared with other cases is also about other people: their narrative and
      // their case numbers are not this person's data (the categories are).
      incidents: incidents.map((incident) => {
        const shared = incident.cases.some((linked) => linked.id !== record.id);
        return {
          ...incident,
          description: shared ? null : incident.description,
          cases: incident.cases.filter((linked) => linked.id === record.id),
          createdAt: iso(incident.createdAt),
          updatedAt: iso(incident.updatedAt),
        };
      }),
      accompaniments: accompaniments.map(({ caseId: _case, ...item }) => ({
        ...item,
        createdAt: iso(item.createdAt),
        updatedAt: iso(item.updatedAt),
      })),
      compensationClaims: claims.map(({ caseId: _case, ...claim }) => ({
        ...claim,
        createdAt: iso(claim.createdAt),
        updatedAt: iso(claim.updatedAt),
      })),
      referrals: referrals.map(({ caseId: _case, createdById, ...referral }) => ({
        ...referral,
        createdBy: ref(createdById),
        createdAt: iso(referral.createdAt),
      })),
      exitPhaseChanges: phases.map(({ caseId: _case, createdById, ...phase }) => ({
        ...phase,
        createdBy: ref(createdById),
        createdAt: iso(phase.createdAt),
      })),
      riskAssessments: risks.map(({ caseId: _case, proposedById, decidedById, ...risk }) => ({
        ...risk,
        proposedBy: ref(proposedById),
        decidedBy: decidedById ? ref(decidedById) : null,
        decidedAt: risk.decidedAt ? iso(risk.decidedAt) : null,
        createdAt: iso(risk.createdAt),
      })),
    };
  }

  /** Erases a case found in the actor's scope; refused while it is on legal hold. */
  async function eraseFound(
    context: RequestContext,
    service: ServiceCode,
    caseId: string,
    rule: `${string}.${string}`,
    client: DbClient,
    event: CaseWorkEvent,
  ): Promise<DeletionCertificate> {
    if (await lifecycle.findHold(service, caseId, client)) {
      throw new AppError(
        'conflict',
        'This case is on legal hold and cannot be erased until the hold is lifted.',
        { reason: 'on_legal_hold' },
      );
    }
    const at = clock.now();
    const summary =
      (await lifecycle.eraseCase(service, caseId, { rule, at, erasedOn: berlinDay(at) }, client)) ??
      missing(NO_SUCH_CASE);
    event.id = randomUUID();
    event.reason = certificateReason(rule, summary);
    return certificate(summary, { rule, at, by: context.actor!.username, eventId: event.id });
  }

  return {
    async legalHold(context: RequestContext, caseId: string): Promise<LegalHoldView> {
      return scope.run(
        context,
        ['counsellor'],
        { action: 'case.legal_hold.view', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await openCase(deps.cases, context, service, caseId, client, event);
          return holdView(await lifecycle.findHold(service, caseId, client));
        },
      );
    },

    /** The reason goes into the event too (encrypted), so the log keeps it after a lift. */
    async setLegalHold(
      context: RequestContext,
      caseId: string,
      reason: string,
    ): Promise<LegalHoldView> {
      return scope.run(
        context,
        ['counsellor'],
        { action: 'case.legal_hold.set', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await requireAssigned(context, service, caseId, client, event);
          const text = reason.trim();
          if (!text) {
            throw new AppError('invalid_request', 'A legal hold needs a reason.', {
              reason: 'reason_required',
              params: { field: '/reason' },
            });
          }
          await lifecycle.setHold(
            service,
            caseId,
            { reason: text, setById: context.actor!.userId, at: clock.now() },
            client,
          );
          event.id = randomUUID();
          event.detail = await lifecycle.sealEventDetail(service, caseId, event.id, text, client);
          return holdView(await lifecycle.findHold(service, caseId, client));
        },
      );
    },

    async liftLegalHold(context: RequestContext, caseId: string): Promise<LegalHoldView> {
      return scope.run(
        context,
        ['counsellor', 'team_lead'],
        { action: 'case.legal_hold.lift', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          // Whoever can make themselves a counsellor of the case must not thereby be able to
          // free it for erasure: a hold is lifted by the counsellor who set it (while still
          // on the case) or by a team lead of the service.
          if (context.actor!.role === 'counsellor') {
            await requireAssigned(context, service, caseId, client, event);
            const hold = await lifecycle.findHold(service, caseId, client);
            if (hold && hold.setBy.id !== context.actor!.userId) {
              throw new AppError(
                'forbidden',
                'Only the counsellor who set the legal hold or a team lead can lift it.',
              );
            }
          } else {
            await caseOf(service, caseId, client, event);
          }
          if (!(await lifecycle.liftHold(service, caseId, client))) event.reason = 'not_on_hold';
          return holdView(null);
        },
      );
    },

    /**
     * Auditors: every case on hold in both services, without the reasons (free text about
     * the client): each is read one at a time from its `case.legal_hold.set` event.
     */
    async heldCases(context: RequestContext): Promise<HeldCaseList> {
      const holds: HeldCaseList['holds'] = [];
      for (const service of SERVICES) {
        // Auditors belong to no service: each service's holds are read in its own scope.
        const found = await scope.transact(service, (client) => lifecycle.holds(service, client));
        holds.push(
          ...found.map((hold) => ({
            service,
            caseNumber: hold.caseNumber,
            since: hold.since.toISOString(),
            setBy: hold.setBy.username,
          })),
        );
      }
      await scope.audit.record(context, {
        action: 'audit.legal_holds',
        outcome: 'allowed',
        targetType: 'case_list',
        targetId: holds.map((hold) => hold.caseNumber).join(',') || undefined,
      });
      return { holds };
    },

    /**
     * Erasure on request (GDPR Art. 17) by a team lead of the case's service: refused while the
     * case is on legal hold; the case number must be given again.
     */
    async erase(
      context: RequestContext,
      caseId: string,
      input: EraseCaseBody,
    ): Promise<DeletionCertificate> {
      return scope.run(
        context,
        ['team_lead'],
        { action: 'case.erase', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          const found = await caseOf(service, caseId, client, event);
          if (found.caseNumber !== input.confirmCaseNumber.trim().toUpperCase()) {
            throw new AppError(
              'invalid_request',
              'confirmCaseNumber does not match the case number of this case.',
              { reason: 'case_number_mismatch', params: { field: '/confirmCaseNumber' } },
            );
          }
          return eraseFound(context, service, caseId, requestRule(input.ground), client, event);
        },
      );
    },

    /** The same, by case number: team leads know case numbers, not the ids behind them. */
    async eraseByNumber(
      context: RequestContext,
      input: EraseByNumberBody,
    ): Promise<DeletionCertificate> {
      const caseNumber = input.caseNumber.trim().toUpperCase();
      return scope.run(
        context,
        ['team_lead'],
        { action: 'case.erase', targetType: 'case', caseNumber },
        async (client, service, event) => {
          const caseId =
            (await lifecycle.idByCaseNumber(service, caseNumber, client)) ?? missing(NO_SUCH_CASE);
          event.targetId = caseId;
          return eraseFound(context, service, caseId, requestRule(input.ground), client, event);
        },
      );
    },

    /**
     * What erasing a case would destroy, by case number, before the team lead confirms: the
     * same scope and role as the erasure, so another service's case is not found either.
     */
    async erasurePreview(context: RequestContext, number: string): Promise<ErasurePreview> {
      const caseNumber = number.trim().toUpperCase();
      return scope.run(
        context,
        ['team_lead'],
        { action: 'case.erasure_preview', targetType: 'case', caseNumber },
        async (client, service, event) => {
          const caseId =
            (await lifecycle.idByCaseNumber(service, caseNumber, client)) ?? missing(NO_SUCH_CASE);
          event.targetId = caseId;
          const found =
            (await deps.cases.findById(service, caseId, clock.now(), client)) ??
            missing(NO_SUCH_CASE);
          return {
            caseNumber: found.caseNumber,
            pseudonym: found.sealed.pseudonym,
            assignedCounsellor: found.assignedCounsellor,
            coCounsellor: found.coCounsellor,
            status: found.status,
            openedOn: found.openedOn,
            closedOn: found.closedOn,
            onHold: (await lifecycle.findHold(service, caseId, client)) !== null,
          };
        },
      );
    },

    /** GDPR Art. 15: everything stored about the person of the case, decrypted. */
    async exportCase(context: RequestContext, caseId: string): Promise<SubjectAccessExport> {
      return scope.run(
        context,
        ['counsellor'],
        { action: 'case.export', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await openCase(deps.cases, context, service, caseId, client, event);
          const data = await gather(service, caseId, client);
          return {
            exportedAt: clock.now().toISOString(),
            exportedBy: context.actor!.username,
            ...data,
          };
        },
      );
    },
  };
}

export type LifecycleService = ReturnType<typeof createLifecycleService>;

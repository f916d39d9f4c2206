import { isDeepStrictEqual } from 'node:util';
import { randomUUID } from 'node:crypto';
import { DecryptionError, FieldTypeError, KeyShreddedError } from '../../../crypto/index.ts';
import type { Clock } from '../../clock.ts';
import type { DbClient } from '../../database/db-client.ts';
import { AppError } from '../../errors/app-error.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type { ScopedTransaction } from '../../repositories/case-work/sealed-fields.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditLog, AuditReasonCode } from '../audit-log.ts';
import type { CaseHeader } from '../../repositories/case-work/case.repository.ts';
import { readableLength, visibleText } from '../text/visible-text.ts';
import type { AuditAction } from '../../schemas/audit-actions.ts';

/** The access-log event a case-work call writes; `work` may fill in the target it found. */
export interface CaseWorkEvent {
  action: AuditAction;
  targetType: string;
  targetId?: string;
  caseNumber?: string;
  reason?: AuditReasonCode;
  /** Set with `detail`: the event id the detail's ciphertext is bound to. */
  id?: string;
  detail?: { ciphertext: Uint8Array<ArrayBuffer>; digest: Uint8Array<ArrayBuffer> };
}

/**
 * Thrown inside a scoped call when a record is not there *for this service*: missing and
 * belonging to the other service are indistinguishable by construction (the query is scoped
 * and row-level security hides the other's rows) and answer the same 404.
 */
export class RecordMissing extends Error {
  override name = 'RecordMissing';
}

/** The one answer for a case that is missing or the other service's. */
export const NO_SUCH_CASE = 'No such case.';

export const missing = (message: string): never => {
  throw new RecordMissing(message);
};

export const SERVICE_NAMES: Record<ServiceCode, string> = {
  backup: 'BackUp',
  comeback: 'ComeBack',
};

/** Refuses a feature that belongs to the other counselling service (403, audited). */
export function requireService(service: ServiceCode, owner: ServiceCode, what: string): void {
  if (service !== owner) {
    throw new AppError('not_for_service', `${what} are recorded by ${SERVICE_NAMES[owner]} only.`);
  }
}

/**
 * One scoped call: a transaction scoped to `service` (repositories filter by it and row-level
 * security enforces it), with its access-log event written in the same transaction. Failures
 * are recorded too, outside the rolled-back transaction: a missing record (404), a refusal
 * (403, and 409 when `deniesConflicts`) and a ciphertext that does not decrypt — which never
 * falls back to anything and answers 500 `record_unreadable`. Case work and the lifecycle
 * (erasure, legal hold, export) share it.
 */
export function createScopedRunner(deps: {
  transact: ScopedTransaction;
  audit: AuditLog;
  deniesConflicts?: boolean;
}) {
  const { transact, audit } = deps;

  async function recordFailure(
    context: RequestContext,
    event: CaseWorkEvent,
    error: unknown,
  ): Promise<unknown> {
    const record = (outcome: 'denied' | 'failed', reason: AuditReasonCode) =>
      audit.record(context, { ...event, outcome, reason });
    if (error instanceof RecordMissing) {
      await record('denied', 'not_found');
      return new AppError('not_found', error.message);
    }
    if (
      error instanceof AppError &&
      (error.status === 403 || (deps.deniesConflicts === true && error.status === 409))
    ) {
      await record('denied', error.code);
      return error;
    }
    if (error instanceof DecryptionError || error instanceof FieldTypeError) {
      await record('failed', 'decryption_failed');
      return new AppError(
        'record_unreadable',
        `This record cannot be decrypted: its stored data is damaged or was altered. ` +
          `The attempt has been recorded. Quote request id ${context.requestId} to your administrator.`,
      );
    }
    if (error instanceof KeyShreddedError) {
      await record('failed', 'erased');
      return new AppError('record_erased', 'This record has been erased.');
    }
    return error;
  }

  return async function runScoped<T>(
    context: RequestContext,
    service: ServiceCode,
    event: CaseWorkEvent,
    work: (client: DbClient, service: ServiceCode, event: CaseWorkEvent) => Promise<T>,
  ): Promise<T> {
    const target = { ...event };
    try {
      return await transact(service, async (client) => {
        const result = await work(client, service, target);
        await audit.record(context, { ...target, outcome: 'allowed' }, client);
        return result;
      });
    } catch (error) {
      throw await recordFailure(context, target, error);
    }
  };
}

/**
 * Adds a reason code to the call's event, after one already there (`unassigned|changed:…`):
 * what a colleague changed keeps the mark that they were not assigned.
 */
export function addReason(event: CaseWorkEvent, code: AuditReasonCode): void {
  event.reason = event.reason ? `${event.reason}|${code}` : code;
}

/**
 * Adds the fields of an update whose value really differs (names, never values): a form sends
 * every field, but the log should say what was changed. `unchanged` when nothing was.
 */
export function addChanged(
  event: CaseWorkEvent,
  before: object,
  after: object,
  keys: readonly string[] = Object.keys(after),
): void {
  const was = before as Record<string, unknown>;
  const is = after as Record<string, unknown>;
  const changed = keys.filter((key) => !isDeepStrictEqual(was[key] ?? null, is[key] ?? null));
  addReason(event, changed.length > 0 ? `changed:${changed.sort().join(',')}` : 'unchanged');
}

/** The case lookups the access rule needs (repositories/case-work/case.repository.ts). */
export interface CaseAccessRepository {
  findHeader(service: ServiceCode, id: string, client: DbClient): Promise<CaseHeader | null>;
  sealAccessReason(
    service: ServiceCode,
    caseId: string,
    eventId: string,
    reason: string,
    client: DbClient,
  ): Promise<{ ciphertext: Uint8Array<ArrayBuffer>; digest: Uint8Array<ArrayBuffer> }>;
}

/** An access reason has at least this many letters or digits: "." or "-" says nothing. */
export const ACCESS_REASON_MIN_LENGTH = 10;

/**
 * The access reason as it is kept: readable as sent (no control, invisible or bidi
 * characters, line breaks made spaces) and long enough to say something (400
 * access_reason_invalid otherwise).
 */
export function checkedAccessReason(raw: string): string {
  const text = visibleText(raw);
  if (text === null || readableLength(text) < ACCESS_REASON_MIN_LENGTH) {
    throw new AppError(
      'access_reason_invalid',
      `Give an access reason of at least ${ACCESS_REASON_MIN_LENGTH} letters or digits, ` +
        'without control or invisible characters.',
    );
  }
  return text;
}

/** Who may work on a case without giving a reason. */
export type CaseRole = 'assigned' | 'co' | 'colleague';

export function caseRoleOf(
  context: RequestContext,
  header: Pick<CaseHeader, 'assignedCounsellorId' | 'coCounsellorId'>,
): CaseRole {
  const actor = context.actor?.userId;
  if (actor === undefined) return 'colleague';
  if (header.assignedCounsellorId === actor) return 'assigned';
  return header.coCounsellorId === actor ? 'co' : 'colleague';
}

export interface OpenCaseOptions {
  /**
   * Only the assigned counsellor works without a reason (the co-counsellor needs one too):
   * for changes that decide who the case belongs to.
   */
  assignedOnly?: boolean;
}

/**
 * The rule for every read or change of anything that belongs to a case — the case itself,
 * its notes and records, an appointment or incident linked to it: a counsellor the case is
 * not assigned to (nor as co-counsellor) must say why (`x-access-reason`, else 403
 * access_reason_required); the reason goes, encrypted under the key of the first such case,
 * into the call's access-log event, which is marked `unassigned` and names that case. A case
 * of the other service, or none, is RecordMissing (404). Answers the cases' headers in order.
 */
export async function openCases(
  cases: CaseAccessRepository,
  context: RequestContext,
  service: ServiceCode,
  caseIds: readonly string[],
  client: DbClient,
  event: CaseWorkEvent,
  options: OpenCaseOptions = {},
): Promise<CaseHeader[]> {
  const headers: CaseHeader[] = [];
  for (const caseId of new Set(caseIds)) {
    headers.push((await cases.findHeader(service, caseId, client)) ?? missing(NO_SUCH_CASE));
  }
  const exempt = (header: CaseHeader) => {
    const role = caseRoleOf(context, header);
    return role === 'assigned' || (role === 'co' && options.assignedOnly !== true);
  };
  const unassigned = headers.find((header) => !exempt(header));
  // An event that spans several calls keeps the case whose key sealed its access reason: the
  // auditor's reader finds the key by that number.
  if (headers[0] && !event.detail) event.caseNumber = headers[0].caseNumber;
  if (!unassigned) return headers;
  if (!event.detail) event.caseNumber = unassigned.caseNumber;
  if (!context.accessReason) {
    throw new AppError(
      'access_reason_required',
      'This case is not assigned to you. Say briefly why you open it; the reason is kept for the auditors.',
    );
  }
  event.reason = 'unassigned';
  if (event.detail) return headers; // sealed already, under the event's case
  await sealReason(cases, context.accessReason, service, unassigned, client, event);
  return headers;
}

/** Seals the access reason into the event, under the key of the case it was given for. */
async function sealReason(
  cases: CaseAccessRepository,
  reason: string,
  service: ServiceCode,
  header: Pick<CaseHeader, 'id' | 'caseNumber'>,
  client: DbClient,
  event: CaseWorkEvent,
): Promise<void> {
  event.caseNumber = header.caseNumber;
  event.id = randomUUID();
  event.detail = await cases.sealAccessReason(service, header.id, event.id, reason, client);
}

/** One case under the rule of openCases. */
export async function openCase(
  cases: CaseAccessRepository,
  context: RequestContext,
  service: ServiceCode,
  caseId: string,
  client: DbClient,
  event: CaseWorkEvent,
  options: OpenCaseOptions = {},
): Promise<CaseHeader> {
  const [header] = await openCases(cases, context, service, [caseId], client, event, options);
  return header!;
}

/** Every case-work call runs through here, as a counsellor of the actor's service. */
export function createCaseWorkScope(deps: {
  transact: ScopedTransaction;
  audit: AuditLog;
  clock: Clock;
  cases: CaseAccessRepository;
}) {
  const runScoped = createScopedRunner(deps);
  return {
    clock: deps.clock,

    /** A case of the caller's service, under the access rule (see openCases). */
    openCase: (
      context: RequestContext,
      service: ServiceCode,
      caseId: string,
      client: DbClient,
      event: CaseWorkEvent,
      options?: OpenCaseOptions,
    ) => openCase(deps.cases, context, service, caseId, client, event, options),

    /** Several cases at once (an incident's, an appointment's old and new case). */
    openCases: (
      context: RequestContext,
      service: ServiceCode,
      caseIds: readonly string[],
      client: DbClient,
      event: CaseWorkEvent,
      options?: OpenCaseOptions,
    ) => openCases(deps.cases, context, service, caseIds, client, event, options),

    /**
     * For views of many cases' records at once, where no reason can be asked per case:
     * whether the caller may see what belongs to this case without one.
     */
    mayReadUnasked: (
      context: RequestContext,
      header: Pick<CaseHeader, 'assignedCounsellorId' | 'coCounsellorId'>,
    ) => caseRoleOf(context, header) !== 'colleague',

    /**
     * Marks an event that showed a colleague's case found by something only the case's
     * counsellors should be able to confirm (a real-name search hit), with the reason sealed
     * under that case's key.
     */
    async sealReason(
      context: RequestContext,
      service: ServiceCode,
      header: Pick<CaseHeader, 'id' | 'caseNumber'>,
      client: DbClient,
      event: CaseWorkEvent,
    ): Promise<void> {
      if (!context.accessReason) throw new TypeError('sealReason needs an access reason');
      addReason(event, 'unassigned');
      await sealReason(deps.cases, context.accessReason, service, header, client, event);
    },

    /** The actor's service: counsellors always have one (checked again here, never trusted). */
    serviceOf(context: RequestContext): ServiceCode {
      const service = context.actor?.service;
      if (!service || context.actor?.role !== 'counsellor') {
        throw new AppError('forbidden', 'Only counsellors work with cases.');
      }
      return service;
    },

    async run<T>(
      context: RequestContext,
      event: CaseWorkEvent,
      work: (client: DbClient, service: ServiceCode, event: CaseWorkEvent) => Promise<T>,
    ): Promise<T> {
      return runScoped(context, this.serviceOf(context), event, work);
    },
  };
}

export type CaseWorkScope = ReturnType<typeof createCaseWorkScope>;

const BERLIN_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar day in Germany (`YYYY-MM-DD`) at an instant: what "today" means to staff. */
export function berlinDay(at: Date): string {
  return BERLIN_DAY.format(at);
}

/** `YYYY-MM-DD` minus whole years (29 February becomes 28 February). */
export function yearsBefore(day: string, years: number): string {
  const [year, month, date] = day.split('-');
  const shifted = `${String(Number(year) - years).padStart(4, '0')}-${month}-${date}`;
  return month === '02' && date === '29' ? shifted.replace(/-29$/, '-28') : shifted;
}

/** `YYYY-MM-DD` minus whole days. */
export function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * How far a typed day may lie before the server's own record of a case (its creation):
 * a closing day entered a few weeks late is normal, one years back is an attempt to steer
 * statistics or retention. An opening day may lie further back (a case taken over from
 * paper files), but not before any plausible counselling work.
 */
export const BACKDATING_DAYS = 30;
export const OPENED_YEARS_BEFORE_CREATION = 10;

/** Refuses a typed day outside [earliest, latest] (both inclusive) as a 400. */
export function requireDayBetween(
  day: string,
  field: string,
  earliest: string,
  latest: string,
): void {
  if (day > latest) {
    throw new AppError('invalid_request', `${field} cannot be in the future (after ${latest}).`, {
      reason: 'date_in_future',
      params: { field: `/${field}` },
    });
  }
  if (day < earliest) {
    throw new AppError('invalid_request', `${field} cannot be before ${earliest}.`, {
      reason: 'date_too_early',
      params: { field: `/${field}` },
    });
  }
}

/**
 * A list's access-log target: the case numbers it showed, comma-separated (one event per
 * list, not one per case, so that a page of 50 costs one append to the chained log).
 */
export function caseNumbersTarget(numbers: readonly string[]): string | undefined {
  const unique = [...new Set(numbers)];
  return unique.length === 0 ? undefined : unique.join(',');
}

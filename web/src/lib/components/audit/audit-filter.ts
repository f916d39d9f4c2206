import type { AuditFilter, AuditOutcome } from '$lib/api/audit';

/**
 * The filter as the form and the address bar hold it: plain strings, '' for "any". Only staff
 * user names, case numbers, action codes, outcomes and dates, so the URL (and with it the
 * browser history) never carries anything about a client.
 */
export interface FilterValues {
  actor: string;
  caseNumber: string;
  action: string;
  outcome: string;
  /** Calendar days (YYYY-MM-DD) in the browser's time zone, both included. */
  from: string;
  to: string;
}

export type FilterField = keyof FilterValues;

export const FILTER_FIELDS: readonly FilterField[] = [
  'actor',
  'caseNumber',
  'action',
  'outcome',
  'from',
  'to',
];

export const EMPTY_FILTER: FilterValues = {
  actor: '',
  caseNumber: '',
  action: '',
  outcome: '',
  from: '',
  to: '',
};

export const OUTCOMES: readonly AuditOutcome[] = ['allowed', 'denied', 'failed'];

// The server's rules (schemas/audit.schema.ts, services/accounts USERNAME_PATTERN), repeated for
// an early word in the form and to keep anything else, such as a client's name typed into the
// wrong field, out of the address bar. The server checks again.
export const CASE_NUMBER_PATTERN = /^(BU|CB)-[0-9]{4}-[0-9]{4,6}$/;
const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const USER_ID_PATTERN = /^[0-9a-f-]{36}$/;
const ACTION_PATTERN = /^[a-z_]+(\.[a-z_]+)*$/;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function filterFromParams(params: URLSearchParams): FilterValues {
  const values = { ...EMPTY_FILTER };
  for (const field of FILTER_FIELDS) values[field] = params.get(field)?.trim() ?? '';
  return values;
}

/** The query string for the address bar: the filled-in fields only, in a fixed order. */
export function filterToQuery(values: FilterValues): string {
  const params = new URLSearchParams();
  for (const field of FILTER_FIELDS) if (values[field]) params.set(field, values[field]);
  return params.toString();
}

/** Tidies what people type: case numbers in capitals, user names in lower case. */
export function normaliseFilter(values: FilterValues): FilterValues {
  return {
    actor: values.actor.trim().toLowerCase(),
    caseNumber: values.caseNumber.trim().toUpperCase(),
    action: values.action.trim(),
    outcome: values.outcome.trim(),
    from: values.from.trim(),
    to: values.to.trim(),
  };
}

/** i18n keys of the problems per field; empty when the filter can be sent. */
export function checkFilter(values: FilterValues): Partial<Record<FilterField, string>> {
  const problems: Partial<Record<FilterField, string>> = {};
  const { actor, caseNumber, action, outcome, from, to } = values;
  if (actor && !USERNAME_PATTERN.test(actor) && !USER_ID_PATTERN.test(actor)) {
    problems.actor = 'audit.filter.actorInvalid';
  }
  if (caseNumber && !CASE_NUMBER_PATTERN.test(caseNumber)) {
    problems.caseNumber = 'audit.filter.caseNumberInvalid';
  }
  if (action && (action.length > 64 || !ACTION_PATTERN.test(action))) {
    problems.action = 'audit.filter.actionInvalid';
  }
  if (outcome && !OUTCOMES.includes(outcome as AuditOutcome)) {
    problems.outcome = 'audit.filter.outcomeInvalid';
  }
  if (from && startOfDay(from) === null) problems.from = 'audit.filter.dateInvalid';
  if (to && startOfDay(to) === null) problems.to = 'audit.filter.dateInvalid';
  if (!problems.from && !problems.to && from && to && from > to) {
    problems.to = 'audit.filter.periodReversed';
  }
  return problems;
}

/** The API's filter: whole local days become an instant range (`to` is exclusive). */
export function toApiFilter(values: FilterValues): AuditFilter {
  const filter: AuditFilter = {};
  if (values.actor) filter.actor = values.actor;
  if (values.caseNumber) filter.caseNumber = values.caseNumber;
  if (values.action) filter.action = values.action;
  if (values.outcome) filter.outcome = values.outcome as AuditOutcome;
  const from = values.from ? startOfDay(values.from) : null;
  const to = values.to ? startOfDay(values.to, 1) : null;
  if (from) filter.from = from.toISOString();
  if (to) filter.to = to.toISOString();
  return filter;
}

/** Local midnight of the day (plus `addDays`), or null for anything that is not a real day. */
function startOfDay(day: string, addDays = 0): Date | null {
  if (!DAY_PATTERN.test(day)) return null;
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const start = new Date(year, month - 1, date);
  if (start.getFullYear() !== year || start.getMonth() !== month - 1 || start.getDate() !== date) {
    return null;
  }
  start.setDate(start.getDate() + addDays);
  return start;
}

/** The local calendar day (YYYY-MM-DD) of an instant, for a period link. */
export function localDay(iso: string): string {
  const date = new Date(iso);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

import { ApiError } from '$lib/api/client';
import { errorText } from '$lib/error-text';
import type { Translate } from '$lib/i18n';

/**
 * The field of the body a refusal is about, as a JSON pointer (`/person/pseudonym`, from the
 * server's `params.field`), and the sentence to show next to it. The server is the truth about
 * its rules; anything it does not point at goes to the form as a whole.
 */
export function serverFieldError(
  error: unknown,
  t: Translate,
): { path: string; text: string } | null {
  if (!(error instanceof ApiError)) return null;
  const { field, in: part } = error.params;
  if (!field || (part !== undefined && part !== 'body')) return null;
  // An item of a list (`/motives/0`) belongs to the list's field.
  const path = field.replace(/\/\d+$/, '');
  return path === '' ? null : { path, text: errorText(error, t) };
}

/** Today as YYYY-MM-DD in the browser's time zone. */
export function today(): string {
  return localDay(new Date());
}

export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * The body path a form control stands for, from its id (`person-pseudonym` →
 * `/person/pseudonym`, `incident-district` → `/district`) or, for a group of checkboxes, its
 * name. Used to clear a field's message as soon as the field is changed.
 */
export function pathOfControl(control: EventTarget | null): string | null {
  if (!(control instanceof HTMLElement)) return null;
  const name = control.getAttribute('name');
  if (name) return `/${name}`;
  const match = /^(person|incident|case)-(\w+)$/.exec(control.id);
  if (!match) return null;
  return match[1] === 'person' ? `/person/${match[2]}` : `/${match[2]}`;
}

/** The messages without the one for the control that was just changed. */
export function withoutErrorOf(
  errors: Record<string, string>,
  control: EventTarget | null,
): Record<string, string> {
  const path = pathOfControl(control);
  if (path === null || !(path in errors)) return errors;
  const rest = { ...errors };
  delete rest[path];
  return rest;
}

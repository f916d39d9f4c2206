import { ApiError } from './api/client';
import type { Translate } from './i18n';

// Codes with a message of our own in both languages. For any other refusal below 500 the
// server's message is shown as it is, because it knows best what was wrong with the input.
const TRANSLATED_CODES: ReadonlySet<string> = new Set([
  'network',
  'unavailable',
  'invalid_credentials',
  'invalid_code',
  'password_not_allowed',
  'second_person_required',
  'activation_invalid',
  'locked',
  'rate_limited',
  'csrf',
  'forbidden',
  'access_reason_required',
  'access_reason_invalid',
  'pseudonym_invalid',
  'assigned_counsellor_only',
  'not_found',
  'screen_locked',
  'database_unavailable',
]);

/** A calm, user-facing sentence for anything a request can throw. */
export function errorText(error: unknown, t: Translate): string {
  if (error instanceof ApiError) {
    if (TRANSLATED_CODES.has(error.code)) return t(`errors.${error.code}`);
    if (error.status >= 400 && error.status < 500 && error.message) return error.message;
  }
  return t('errors.unexpected');
}

import { ApiError } from './api/client';
import { errorText } from './error-text';
import type { Translate } from './i18n';

export type AccountField = 'username' | 'password';

/**
 * The field of an account form (first-admin setup, new account) that a refusal is about, and
 * what to say next to it: the field the server names (`params.field`), a weak password, or a
 * taken or malformed user name.
 */
export function accountFieldError(
  error: unknown,
  t: Translate,
): { field: AccountField; text: string } | null {
  if (!(error instanceof ApiError)) return null;
  const named = error.params.field?.slice(1);
  if (named === 'username' || named === 'password') {
    return { field: named, text: errorText(error, t) };
  }
  if (error.code === 'weak_password') return { field: 'password', text: errorText(error, t) };
  if (error.code === 'conflict') return { field: 'username', text: t('username.taken') };
  if (error.code === 'invalid_request') return { field: 'username', text: t('username.invalid') };
  return null;
}

import { ApiError } from './api/client';
import { errorText } from './error-text';
import type { Translate } from './i18n';

export type AccountField = 'username' | 'password';

/**
 * The field of an account form (first-admin setup, new account) that a refusal is about, and
 * what to say next to it. The server names no field, but on these routes its codes are
 * unambiguous: `weak_password` is the password (its message says why, so it is shown as it
 * is); `conflict` is a taken user name and `invalid_request` one that breaks the rules in the
 * hint, once the browser has checked everything else.
 */
export function accountFieldError(
  error: unknown,
  t: Translate,
): { field: AccountField; text: string } | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'weak_password') return { field: 'password', text: errorText(error, t) };
  if (error.code === 'conflict') return { field: 'username', text: t('username.taken') };
  if (error.code === 'invalid_request') return { field: 'username', text: t('username.invalid') };
  return null;
}

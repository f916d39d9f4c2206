export type Landing = '/' | '/login' | '/setup-totp' | '/account/password';

export interface GuardState {
  signedIn: boolean;
  mustChangePassword: boolean;
  totpEnrolled: boolean;
  totpEnrollmentPending: boolean;
}

/**
 * Where a visitor of `pathname` belongs instead, or null when they may stay. Signed-out users
 * sign in; a forced password change and then a pending TOTP enrolment come before anything
 * else (the order in which the server's gates apply); the sign-in and enrolment pages are for
 * nobody else.
 */
export function redirectTarget(pathname: string, state: GuardState): Landing | null {
  if (!state.signedIn) return pathname === '/login' ? null : '/login';
  if (state.mustChangePassword) {
    return pathname === '/account/password' ? null : '/account/password';
  }
  if (state.totpEnrollmentPending) return pathname === '/setup-totp' ? null : '/setup-totp';
  if (pathname === '/login') return '/';
  if (pathname === '/setup-totp' && state.totpEnrolled) return '/';
  return null;
}

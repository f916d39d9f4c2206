import type { Role, SessionStatus } from './api/types';
import { NAV_ITEMS_BY_ROLE } from './navigation';

export type Landing = '/' | '/login' | '/setup-totp' | '/account/password';

export interface GuardState {
  user: { role: Role } | null;
  status: Pick<SessionStatus, 'passwordChangeRequired' | 'totpEnrolled' | 'totpEnrollmentRequired'>;
}

const ALL_SECTIONS = Object.values(NAV_ITEMS_BY_ROLE).flat();

/**
 * Where a visitor of `pathname` belongs instead, or null when they may stay. First-admin setup
 * and account activation are open to anyone holding the link. Signed-out users sign in; a forced password change and
 * then a pending TOTP enrolment come before anything else (the order in which the server's
 * gates apply); the sign-in and enrolment pages are for nobody else, and a section of another
 * role leads to the start page.
 */
export function redirectTarget(pathname: string, { user, status }: GuardState): Landing | null {
  if (pathname === '/setup' || pathname === '/activate') return null;
  if (user === null) return pathname === '/login' ? null : '/login';
  if (status.passwordChangeRequired) {
    return pathname === '/account/password' ? null : '/account/password';
  }
  if (status.totpEnrollmentRequired) return pathname === '/setup-totp' ? null : '/setup-totp';
  if (pathname === '/login') return '/';
  if (pathname === '/setup-totp' && status.totpEnrolled) return '/';
  if (isSectionOfAnotherRole(pathname, user.role)) return '/';
  return null;
}

// Only a convenience, like the menu: the server answers 403 wherever this is wrong.
function isSectionOfAnotherRole(pathname: string, role: Role): boolean {
  const section = ALL_SECTIONS.find(
    (item) => pathname === item.path || pathname.startsWith(`${item.path}/`),
  );
  return section !== undefined && !NAV_ITEMS_BY_ROLE[role].includes(section);
}

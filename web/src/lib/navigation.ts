import type { Role, Service } from './api/types';

export interface NavItem {
  path:
    | '/cases'
    | '/appointments'
    | '/prevention'
    | '/stats'
    | '/erasure'
    | '/audit'
    | '/admin/users'
    | '/accounts'
    | '/chronicle'
    | '/monitoring';
  /** i18n key of the link text. */
  label: string;
  /** i18n key of the one-line explanation on the start page. */
  description: string;
}

const cases: NavItem = { path: '/cases', label: 'nav.cases', description: 'nav.casesDescription' };
const appointments: NavItem = {
  path: '/appointments',
  label: 'nav.appointments',
  description: 'nav.appointmentsDescription',
};
/** ComeBack's prevention work (the server answers BackUp with 403 not_for_service). */
const prevention: NavItem = {
  path: '/prevention',
  label: 'cases.prevention.nav',
  description: 'cases.prevention.navDescription',
};
const statistics: NavItem = {
  path: '/stats',
  label: 'nav.statistics',
  description: 'nav.statisticsDescription',
};
const erasure: NavItem = {
  path: '/erasure',
  label: 'nav.erasure',
  description: 'nav.erasureDescription',
};
const auditLog: NavItem = {
  path: '/audit',
  label: 'nav.auditLog',
  description: 'nav.auditLogDescription',
};
const users: NavItem = {
  path: '/admin/users',
  label: 'nav.users',
  description: 'nav.usersDescription',
};

/** BackUp's public chronicle and VBRG monitoring (the server answers ComeBack 403 or nothing). */
const chronicle: NavItem = {
  path: '/chronicle',
  label: 'chronicle.nav',
  description: 'chronicle.navDescription',
};
const monitoring: NavItem = {
  path: '/monitoring',
  label: 'monitoring.nav',
  description: 'monitoring.navDescription',
};

const confirmations: NavItem = {
  path: '/accounts',
  label: 'nav.confirmations',
  description: 'nav.confirmationsDescription',
};

/**
 * The sections each role works in, in menu order. Only a convenience: the server decides what
 * a role may see, and answers 403 wherever this table is wrong.
 */
export const NAV_ITEMS_BY_ROLE: Readonly<Record<Role, readonly NavItem[]>> = {
  counsellor: [cases, appointments, prevention, chronicle],
  team_lead: [statistics, chronicle, monitoring, erasure, confirmations],
  auditor: [auditLog],
  admin: [users],
};

/** The menu of one person: their role's sections, without another service's own work. */
export function navItemsFor(user: { role: Role; service: Service | null }): readonly NavItem[] {
  return NAV_ITEMS_BY_ROLE[user.role].filter((item) =>
    item === prevention
      ? user.service === 'comeback'
      : item === chronicle || item === monitoring
        ? user.service === 'backup'
        : true,
  );
}

import type { Translate } from '$lib/i18n';

// Human words for the codes the access log stores. Every code the server writes today has a
// label in both languages (auditActions.*, auditReasons.*, …); a code this table does not
// know yet is shown as it is, so nothing is ever hidden behind a missing translation.

interface ActionGroup {
  /** i18n key `auditActionGroups.<key>`. */
  key: string;
  actions: readonly string[];
}

/** The actions the server records, grouped for the filter's select (in menu order). */
export const ACTION_GROUPS: readonly ActionGroup[] = [
  {
    key: 'cases',
    actions: [
      'case.view',
      'case.list',
      'case.search',
      'case.create',
      'case.update',
      'staff.counsellor_list',
    ],
  },
  { key: 'notes', actions: ['note.list', 'note.create', 'note.amend'] },
  {
    key: 'appointments',
    actions: [
      'appointment.list',
      'appointment.view',
      'appointment.create',
      'appointment.update',
      'calendar.feed_create',
      'calendar.feed_status',
      'calendar.feed_revoke',
      'calendar.feed_read',
    ],
  },
  {
    key: 'incidents',
    actions: [
      'incident.list',
      'incident.view',
      'incident.create',
      'incident.update',
      'incident.link',
      'incident.unlink',
      'accompaniment.list',
      'accompaniment.create',
      'accompaniment.update',
      'claim.list',
      'claim.create',
      'claim.update',
      'chronicle.list',
      'chronicle.view',
      'chronicle.save',
      'chronicle.approve',
      'chronicle.withdraw',
      'chronicle.build',
    ],
  },
  {
    key: 'exit',
    actions: [
      'exit_phase.list',
      'exit_phase.change',
      'risk.list',
      'risk.assess',
      'risk.confirm',
      'risk.reject',
      'referral.list',
      'referral.create',
    ],
  },
  {
    key: 'prevention',
    actions: ['prevention.list', 'prevention.create', 'training.list', 'training.create'],
  },
  {
    key: 'auth',
    actions: [
      'auth.login',
      'auth.logout',
      'auth.lockout',
      'auth.password_change',
      'auth.totp_setup',
      'auth.totp_confirm',
      'auth.recovery_code_used',
      'auth.screen_lock',
      'auth.screen_unlock',
    ],
  },
  { key: 'access', actions: ['access.denied'] },
  {
    key: 'admin',
    actions: [
      'admin.user_list',
      'admin.user_create',
      'admin.user_disable',
      'admin.user_enable',
      'admin.user_unlock',
      'admin.password_reset',
      'admin.totp_reset',
      'account.pending_list',
      'account.activation_confirm',
      'account.activation_start',
      'account.activate',
      'setup.first_admin',
    ],
  },
  {
    key: 'audit',
    actions: [
      'audit.search',
      'audit.verify',
      'audit.export',
      'audit.anomalies',
      'audit.checkpoint_request',
      'audit.access_reason_view',
    ],
  },
];

const KNOWN_ACTIONS: ReadonlySet<string> = new Set(ACTION_GROUPS.flatMap((group) => group.actions));

/** Reason codes the server writes; other reasons (counts such as `12 events`) stay as they are. */
const KNOWN_REASONS: ReadonlySet<string> = new Set([
  'unknown_user',
  'wrong_password',
  'wrong_second_factor',
  'totp_missing',
  'activation_pending',
  'locked',
  'disabled',
  'unauthenticated',
  'csrf',
  'forbidden',
  'screen_locked',
  'password_change',
  'totp_enrollment',
  'not_found',
  'unassigned',
  'decryption_failed',
  'erased',
  'bad_token',
  'unknown_token',
]);

const KNOWN_TARGETS: ReadonlySet<string> = new Set([
  'case',
  'case_list',
  'user',
  'route',
  'service',
  'appointment',
  'incident',
  'prevention_contact',
  'training',
  'audit_event',
]);

/** Why a verification failed (crypto/audit-chain.ts and the server's verifier). */
const KNOWN_CHAIN_FAILURES: ReadonlySet<string> = new Set([
  'bad_event',
  'link_mismatch',
  'checkpoint_mismatch',
  'truncated',
  'sequence_gap',
]);

const ROLES: ReadonlySet<string> = new Set(['counsellor', 'team_lead', 'auditor', 'admin']);
const SERVICES: ReadonlySet<string> = new Set(['backup', 'comeback']);

export function isKnownAction(code: string): boolean {
  return KNOWN_ACTIONS.has(code);
}

export function actionLabel(code: string, t: Translate): string {
  return KNOWN_ACTIONS.has(code) ? t(`auditActions.${code}`) : code;
}

export function reasonLabel(code: string, t: Translate): string {
  return KNOWN_REASONS.has(code) ? t(`auditReasons.${code}`) : code;
}

export function targetLabel(code: string, t: Translate): string {
  return KNOWN_TARGETS.has(code) ? t(`auditTargets.${code}`) : code;
}

export function chainFailureLabel(code: string, t: Translate): string {
  return KNOWN_CHAIN_FAILURES.has(code) ? t(`auditChainFailures.${code}`) : code;
}

export function roleLabel(code: string, t: Translate): string {
  return ROLES.has(code) ? t(`roles.${code}`) : code;
}

export function serviceLabel(code: string, t: Translate): string {
  return SERVICES.has(code) ? t(`services.${code}`) : code;
}

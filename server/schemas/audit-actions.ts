/**
 * Every action the server writes to the access log, grouped as the auditor's filter offers
 * them (in menu order). The server types its events with {@link AuditAction}, the web labels
 * each one in every language (tests/unit/web/audit-labels.test.ts): a new action cannot reach
 * the log without a text. A plain module without imports, so the web can import its values.
 */
export const AUDIT_ACTION_GROUPS = {
  cases: [
    'case.view',
    'case.list',
    'case.search',
    'case.create',
    'case.update',
    'case.export',
    'workplace.view',
    'staff.counsellor_list',
  ],
  notes: [
    'note.list',
    'note.create',
    'note.amend',
    'follow_up.list',
    'follow_up.create',
    'follow_up.update',
    'document.list',
    'document.upload',
    'document.download',
  ],
  appointments: [
    'appointment.list',
    'appointment.view',
    'appointment.create',
    'appointment.update',
    'calendar.feed_create',
    'calendar.feed_status',
    'calendar.feed_revoke',
    'calendar.feed_read',
  ],
  incidents: [
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
  exit: [
    'exit_phase.list',
    'exit_phase.change',
    'risk.list',
    'risk.assess',
    'risk.confirm',
    'risk.reject',
    'referral.list',
    'referral.create',
  ],
  prevention: ['prevention.list', 'prevention.create', 'training.list', 'training.create'],
  lifecycle: [
    'case.legal_hold.view',
    'case.legal_hold.set',
    'case.legal_hold.lift',
    'case.erasure_preview',
    'case.erase',
    'appointment.erase',
    'incident.erase',
    'retention.plan',
    'retention.sweep',
  ],
  stats: [
    'stats.view',
    'stats.report',
    'stats.workload',
    'stats.export',
    'stats.rebuild',
    'monitoring.preview',
    'monitoring.export',
  ],
  auth: [
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
  access: ['access.denied'],
  admin: [
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
  audit: [
    'audit.search',
    'audit.verify',
    'audit.export',
    'audit.anomalies',
    'audit.checkpoint_request',
    'audit.access_reason_view',
    'audit.legal_holds',
  ],
  operations: [
    'backup.create',
    'backup.restore',
    'keys.rotate',
    'keys.rotate_master',
    'keys.destroy_retired',
  ],
} as const;

export type AuditActionGroup = keyof typeof AUDIT_ACTION_GROUPS;
export type AuditAction = (typeof AUDIT_ACTION_GROUPS)[AuditActionGroup][number];

export const AUDIT_ACTIONS: readonly AuditAction[] = Object.values(AUDIT_ACTION_GROUPS).flat();

/**
 * The reason codes events carry besides error codes (a refusal records its error's code).
 * Composite reasons (`changed:…`, `records:12`, `unassigned|changed:…`, an erasure's rule and
 * counts) are built from these and from counts; the web reads them apart.
 */
export const AUDIT_REASONS = [
  'unknown_user',
  'wrong_password',
  'wrong_second_factor',
  'totp_missing',
  'activation_pending',
  'locked',
  'disabled',
  'unauthenticated',
  'no_policy',
  'csrf',
  'forbidden',
  'screen_locked',
  'password_change',
  'totp_enrollment',
  'not_found',
  'unassigned',
  'self_assigned',
  'decryption_failed',
  'erased',
  'bad_token',
  'unknown_token',
  'level_unchanged',
  'awaiting_confirmation',
  'not_on_hold',
  'resumed',
  'new_version',
  'in_use',
  'chain',
  'counts',
  'unchanged',
  // A chronicle entry saved for the first time, or its text or consent written anew.
  'created',
  'rewritten',
  // What reading an event's stated reason found.
  'none',
  'readable',
  'unreadable',
] as const;

export type AuditReason = (typeof AUDIT_REASONS)[number];

/**
 * What an event's reason may be: one of the codes above, the error code of a refusal, or a
 * composite the web reads apart (`changed:…`, `records:12`, `675 events`, a rule with counts).
 * A new bare code is a type error until it is listed (and so labelled).
 */
export type AuditReasonText<ErrorCode extends string = never> =
  | AuditReason
  | ErrorCode
  | `${string}:${string}`
  | `${string}|${string}`
  | `${string} ${string}`
  | `${string}.${string}`
  | `${number}min`;

/** Counted things in composite reasons (`records:12`, `notes:3,appointments:1`, `due:4,…`). */
export const AUDIT_COUNTS = [
  'shown',
  'records',
  'other_sessions_ended',
  // A retention sweep: due, held back, erased.
  'due',
  'held',
  'erased',
  // What an erasure removed (the deletion certificate's record counts).
  'case',
  'notes',
  'exitPhaseChanges',
  'riskAssessments',
  'referrals',
  'compensationClaims',
  'accompaniments',
  'documents',
  'documentChunks',
  'appointments',
  'incidentLinks',
  'incidents',
  'dataKeysDestroyed',
  'accessLogDetailsCleared',
] as const;

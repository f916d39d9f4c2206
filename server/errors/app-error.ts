/**
 * The one error type of the application. `code` is the stable machine-readable answer
 * (docs/api.md: `{ error: code, message }`); a `reason` with its parameters says exactly what was
 * wrong (`too_long`, field `/body`, limit 20000), so the web can say it in the reader's
 * language next to the field. The message is English for operators and logs only; it never
 * carries case content, search terms or secrets. The web imports these unions (type only)
 * through server/schemas/error-codes.schema.ts and must have a text for each in every language.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  weak_password: 400,
  invalid_code: 400,
  /** Admins never choose a password for an account: its owner does, through a one-time link. */
  password_not_allowed: 400,
  /** An access reason with hidden characters or too short to say anything. */
  access_reason_invalid: 400,
  /** A pseudonym with hidden or look-alike characters, or nothing readable. */
  pseudonym_invalid: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  totp_required: 401,
  forbidden: 403,
  csrf: 403,
  /** A feature of the other counselling service (e.g. incidents are BackUp's). */
  not_for_service: 403,
  /** A risk-level change must be confirmed by a second counsellor (ComeBack). */
  four_eyes_required: 403,
  /** An account change that one person may not complete alone (confirming one's own request). */
  second_person_required: 403,
  totp_enrollment_required: 403,
  password_change_required: 403,
  /** A case not assigned to the reader opens only with a stated reason. */
  access_reason_required: 403,
  /** Erasing a person's data (anonymous mode, clearing a field) is the assigned counsellor's. */
  assigned_counsellor_only: 403,
  not_found: 404,
  conflict: 409,
  screen_locked: 423,
  setup_closed: 410,
  /** An account activation link that is unknown, used or expired. */
  activation_invalid: 410,
  /** The record's data key was destroyed on purpose (crypto-shredding). */
  record_erased: 410,
  payload_too_large: 413,
  /** An uploaded file above the per-file limit (params.limit: bytes). */
  document_too_large: 413,
  /** An upload that would take the case's documents above their total limit. */
  document_case_limit: 413,
  /** An uploaded file whose content is none of the accepted types (whatever its name says). */
  document_type_refused: 415,
  locked: 429,
  rate_limited: 429,
  internal: 500,
  /** A stored ciphertext did not decrypt: damaged or tampered with. Audited, never shown. */
  record_unreadable: 500,
  database_unavailable: 503,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** What exactly a refusal is about, finer than its code; parameters in {@link ErrorParams}. */
export const ERROR_REASONS = [
  // Schema violations (params: field, and limit / format / type where the rule has one).
  'required',
  'too_long',
  'too_short',
  'too_many_items',
  'too_few_items',
  'duplicate_items',
  'too_small',
  'too_large',
  'out_of_range',
  'invalid_format',
  'invalid_type',
  'not_allowed_value',
  'unknown_field',
  'invalid_value',
  // A body that cannot be read at all, or holds what the database cannot store.
  'malformed_body',
  'unsupported_content_type',
  'unstorable_value',
  // Business rules.
  'date_in_future',
  /** Before what the server's record of the case allows (no back-dating into retention). */
  'date_too_early',
  'date_order',
  'exceeds',
  'reason_required',
  'only_for_phase',
  'anonymous_has_no_name',
  'only_when_closing',
  'same_counsellor_twice',
  'not_an_active_counsellor',
  'duration_too_long',
  'period_too_long',
  'team_or_counsellor',
  'service_required',
  'service_not_allowed',
  'username_rules',
  'username_taken',
  'own_account',
  'last_admin',
  'password_too_short',
  'password_too_long',
  'password_guessable',
  'password_unchanged',
  'case_number_mismatch',
  'risk_change_pending',
  'already_decided',
  'entry_changed',
  'on_legal_hold',
  'not_case_counsellor',
  'totp_already_set_up',
  'totp_setup_not_started',
  'access_reason_encoding',
  /** A chronicle entry's named reviewer is its author: four eyes need two people. */
  'reviewer_is_author',
  /** The monitoring figures changed between the preview and the export. */
  'preview_outdated',
] as const;

export type ErrorReason = (typeof ERROR_REASONS)[number];

/** The parameters a reason may carry; `field` is a JSON pointer into the request part `in`. */
export interface ErrorParams {
  field?: string;
  in?: 'body' | 'querystring' | 'params' | 'headers';
  limit?: number;
  format?: string;
  type?: string;
  /** The field a date or number is compared with (`date_order`, `exceeds`). */
  other?: string;
  /** The password estimator's warning key (zxcvbn-ts), translated by the web. */
  warning?: string;
}

export interface ErrorDetail {
  reason: ErrorReason;
  params?: ErrorParams;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: ErrorDetail,
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
}

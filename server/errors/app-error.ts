/**
 * The one error type of the application. `code` is the stable machine-readable answer
 * (API.md: `{ error: code, message }`); the message is for people and never carries case
 * content, search terms or secrets.
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
  /** A case not assigned to the reader opens only with a stated reason (issue 6). */
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
  locked: 429,
  rate_limited: 429,
  internal: 500,
  /** A stored ciphertext did not decrypt: damaged or tampered with. Audited, never shown. */
  record_unreadable: 500,
  database_unavailable: 503,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
}

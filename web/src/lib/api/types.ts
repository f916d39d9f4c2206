// Response and request shapes of the auth routes in API.md. They are typed by hand only until
// the server's TypeBox schemas exist; then they become `import type { … } from '$schemas/…'`
// so that client and server cannot drift.

export type Role = 'counsellor' | 'team_lead' | 'auditor' | 'admin';
export type Service = 'backup' | 'comeback';

export interface User {
  id: string;
  username: string;
  role: Role;
  service: Service | null;
}

export interface LoginRequest {
  username: string;
  password: string;
  totp?: string;
}

export interface LoginResponse {
  user: User;
  csrfToken: string;
}

/** GET /api/auth/me. The optional fields are extensions the UI asks the server for. */
export interface MeResponse {
  user: User;
  csrfToken: string;
  /** Seconds of inactivity after which the server ends the session (900 when absent). */
  idleTimeoutSeconds?: number;
  /** false while the account still has to enrol a second factor. */
  totpEnrolled?: boolean;
  /** false when the server runs with CASEWORK_TOTP=optional. */
  totpRequired?: boolean;
  /** true after an administrator reset the password: a new one comes first. */
  mustChangePassword?: boolean;
  /** true while the session is quick-locked and waits for the password. */
  screenLocked?: boolean;
}

export interface TotpSetupResponse {
  secret: string;
  otpauthUrl: string;
}

export interface TotpConfirmRequest {
  code: string;
}

export interface TotpConfirmResponse {
  recoveryCodes?: string[];
}

export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
}

export interface UnlockRequest {
  password: string;
}

/** Every error body the server sends (API.md); `field` names the offending body property. */
export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
}

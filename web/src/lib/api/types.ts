// Request and response shapes of the API, taken from the server's TypeBox schemas. Imports
// are type-only, so nothing of the server reaches the bundle; svelte-check fails as soon as the
// client uses a field the server no longer sends or leaves out one it now requires.

import type { Static } from 'typebox';
import type {
  ChangePasswordBody,
  LoginBody,
  PublicUser,
  RecoveryCodes,
  RoleSchema,
  ServiceSchema,
  SessionStatus as SessionStatusSchema,
  SignedIn,
  TotpConfirmBody,
  TotpSetup,
  UnlockBody,
} from '$schemas/auth.schema';
import type {
  EmptyBody as EmptyBodySchema,
  ErrorBody as ErrorBodySchema,
} from '$schemas/common.schema';
import type {
  AnnualReport as AnnualReportSchema,
  StatsCell as StatsCellSchema,
  StatsGranularity as StatsGranularitySchema,
  StatsQuery as StatsQuerySchema,
  StatsResponse as StatsResponseSchema,
  StatsTable as StatsTableSchema,
  WorkloadResponse as WorkloadResponseSchema,
} from '$schemas/stats.schema';
import type {
  ActivationCompleteBody,
  ActivationLink,
  ActivationStarted,
  AdminUserView,
  CreatedUser,
  CreateUserBody,
  FirstAdminBody,
  SetupStatus as SetupStatusSchema,
  UserList,
} from '$schemas/users.schema';

export type Role = Static<typeof RoleSchema>;
export type Service = Static<typeof ServiceSchema>;

export type User = Static<typeof PublicUser>;
/** What the session still requires before the rest of the API answers (login and `me`). */
export type SessionStatus = Static<typeof SessionStatusSchema>;
export type SignedInResponse = Static<typeof SignedIn>;
export type LoginRequest = Static<typeof LoginBody>;
export type TotpSetupResponse = Static<typeof TotpSetup>;
export type TotpConfirmRequest = Static<typeof TotpConfirmBody>;
export type TotpConfirmResponse = Static<typeof RecoveryCodes>;
export type ChangePasswordRequest = Static<typeof ChangePasswordBody>;
export type UnlockRequest = Static<typeof UnlockBody>;

export type AdminUser = Static<typeof AdminUserView>;
export type UserListResponse = Static<typeof UserList>;
export type CreateUserRequest = Static<typeof CreateUserBody>;
export type CreateUserResponse = Static<typeof CreatedUser>;
export type ActivationLinkResponse = Static<typeof ActivationLink>;
export type ActivationStartResponse = Static<typeof ActivationStarted>;
export type ActivationCompleteRequest = Static<typeof ActivationCompleteBody>;

/** Team leads' anonymised statistics (GET /api/stats…); suppressed cells carry no value. */
export type StatsGranularity = Static<typeof StatsGranularitySchema>;
export type StatsQuery = Static<typeof StatsQuerySchema>;
export type StatsCell = Static<typeof StatsCellSchema>;
export type StatsTable = Static<typeof StatsTableSchema>;
export type StatsResponse = Static<typeof StatsResponseSchema>;
export type AnnualReport = Static<typeof AnnualReportSchema>;
export type WorkloadResponse = Static<typeof WorkloadResponseSchema>;

export type SetupStatus = Static<typeof SetupStatusSchema>;
export type FirstAdminRequest = Static<typeof FirstAdminBody>;

/** The body of state-changing requests that carry nothing but their CSRF header. */
export type EmptyBody = Static<typeof EmptyBodySchema>;
/** Every error body the server sends (docs/api.md). */
export type ErrorBody = Static<typeof ErrorBodySchema>;

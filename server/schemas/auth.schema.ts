import Type from 'typebox';

export const RoleSchema = Type.Union([
  Type.Literal('counsellor'),
  Type.Literal('team_lead'),
  Type.Literal('auditor'),
  Type.Literal('admin'),
]);
export const ServiceSchema = Type.Union([Type.Literal('backup'), Type.Literal('comeback')]);

/** The signed-in user as the API shows it (docs/api.md `user`). */
export const PublicUser = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    role: RoleSchema,
    service: Type.Union([ServiceSchema, Type.Null()]),
  },
  { additionalProperties: false },
);
export type PublicUser = Type.Static<typeof PublicUser>;

/** What the session still asks of the user before the rest of the API answers. */
export const SessionStatus = Type.Object(
  {
    totpEnrolled: Type.Boolean(),
    totpEnrollmentRequired: Type.Boolean(),
    passwordChangeRequired: Type.Boolean(),
    screenLocked: Type.Boolean(),
    idleTimeoutSeconds: Type.Integer(),
  },
  { additionalProperties: false },
);
export type SessionStatus = Type.Static<typeof SessionStatus>;

export const SignedIn = Type.Object(
  { user: PublicUser, csrfToken: Type.String(), session: SessionStatus },
  { additionalProperties: false },
);
export type SignedIn = Type.Static<typeof SignedIn>;

export const LoginBody = Type.Object(
  {
    // No control characters: PostgreSQL refuses a NUL byte in text, and the client should hear
    // that as a 400, not a 500 (found by `npm run security:scan`).
    username: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[^\\u0000-\\u001F\\u007F]+$',
    }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    totp: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  },
  { additionalProperties: false },
);
export type LoginBody = Type.Static<typeof LoginBody>;

export const TotpSetup = Type.Object(
  { secret: Type.String(), otpauthUrl: Type.String() },
  { additionalProperties: false },
);
export type TotpSetup = Type.Static<typeof TotpSetup>;

export const TotpConfirmBody = Type.Object(
  { code: Type.String({ pattern: '^[0-9]{6}$' }) },
  { additionalProperties: false },
);

export const RecoveryCodes = Type.Object(
  { recoveryCodes: Type.Array(Type.String()) },
  { additionalProperties: false },
);
export type RecoveryCodes = Type.Static<typeof RecoveryCodes>;

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type ChangePasswordBody = Type.Static<typeof ChangePasswordBody>;

export const UnlockBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);

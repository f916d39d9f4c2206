import Type from 'typebox';
import { RoleSchema, ServiceSchema } from './auth.schema.ts';

/** An account as admins see it: never a password hash, never a TOTP secret. */
export const AdminUserView = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    role: RoleSchema,
    service: Type.Union([ServiceSchema, Type.Null()]),
    disabled: Type.Boolean(),
    locked: Type.Boolean(),
    totpEnrolled: Type.Boolean(),
    mustChangePassword: Type.Boolean(),
    /** Out of use until a second person confirms (`confirmation`) and its owner activates it. */
    activation: Type.Union([Type.Literal('confirmation'), Type.Literal('owner'), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type AdminUserView = Type.Static<typeof AdminUserView>;

export const UserList = Type.Object(
  { users: Type.Array(AdminUserView) },
  { additionalProperties: false },
);

export const CreateUserBody = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 64 }),
    role: RoleSchema,
    service: Type.Optional(Type.Union([ServiceSchema, Type.Null()])),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Type.Static<typeof CreateUserBody>;

export const CreatedUser = Type.Object(
  { user: AdminUserView, temporaryPassword: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
export type CreatedUser = Type.Static<typeof CreatedUser>;

export const ActivationLink = Type.Object(
  {
    /** `/activate#token=…`: the token stays in the fragment, out of server logs. */
    activationPath: Type.String(),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const ActivationToken = Type.String({ minLength: 16, maxLength: 200 });

export const ActivationStartBody = Type.Object(
  { token: ActivationToken },
  { additionalProperties: false },
);

export const ActivationStarted = Type.Object(
  { username: Type.String(), secret: Type.String(), otpauthUrl: Type.String() },
  { additionalProperties: false },
);

export const ActivationCompleteBody = Type.Object(
  {
    token: ActivationToken,
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    code: Type.String({ pattern: '^[0-9]{6}$' }),
  },
  { additionalProperties: false },
);

export const SetupStatus = Type.Object({ open: Type.Boolean() }, { additionalProperties: false });

export const FirstAdminBody = Type.Object(
  {
    token: Type.String({ minLength: 16, maxLength: 200 }),
    username: Type.String({ minLength: 3, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

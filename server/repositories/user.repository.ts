import { randomUUID } from 'node:crypto';
import type { DbClient } from '../database/db-client.ts';
import type { Database } from '../database/prisma-client.ts';
import type { Role, ServiceCode } from '../generated/prisma/enums.ts';
import type { FieldCrypto } from '../keys/field-crypto.ts';

export interface UserRecord {
  id: string;
  username: string;
  role: Role;
  service: ServiceCode | null;
  passwordHash: string;
  mustChangePassword: boolean;
  disabled: boolean;
  totpEnrolled: boolean;
  failedLogins: number;
  lockouts: number;
  lockedUntil: Date | null;
  sessionsValidAfter: Date | null;
  /** Waiting for a second person's confirmation or for its owner's activation. */
  activation: {
    requestedAt: Date;
    requestedBy: string | null;
    confirmedBy: string | null;
    expiresAt: Date | null;
  } | null;
  createdAt: Date;
}

export interface NewUser {
  username: string;
  role: Role;
  service: ServiceCode | null;
  passwordHash: string;
  mustChangePassword: boolean;
}

const USER_COLUMNS = {
  id: true,
  username: true,
  role: true,
  serviceCode: true,
  passwordHash: true,
  mustChangePassword: true,
  disabledAt: true,
  totpEnrolledAt: true,
  failedLogins: true,
  lockouts: true,
  lockedUntil: true,
  sessionsValidAfter: true,
  activationRequestedAt: true,
  activationRequestedBy: true,
  activationConfirmedBy: true,
  activationExpiresAt: true,
  createdAt: true,
} as const;

type UserRow = {
  id: string;
  username: string;
  role: Role;
  serviceCode: ServiceCode | null;
  passwordHash: string;
  mustChangePassword: boolean;
  disabledAt: Date | null;
  totpEnrolledAt: Date | null;
  failedLogins: number;
  lockouts: number;
  lockedUntil: Date | null;
  sessionsValidAfter: Date | null;
  activationRequestedAt: Date | null;
  activationRequestedBy: string | null;
  activationConfirmedBy: string | null;
  activationExpiresAt: Date | null;
  createdAt: Date;
};

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    service: row.serviceCode,
    passwordHash: row.passwordHash,
    mustChangePassword: row.mustChangePassword,
    disabled: row.disabledAt !== null,
    totpEnrolled: row.totpEnrolledAt !== null,
    failedLogins: row.failedLogins,
    lockouts: row.lockouts,
    lockedUntil: row.lockedUntil,
    sessionsValidAfter: row.sessionsValidAfter,
    activation: row.activationRequestedAt
      ? {
          requestedAt: row.activationRequestedAt,
          requestedBy: row.activationRequestedBy,
          confirmedBy: row.activationConfirmedBy,
          expiresAt: row.activationExpiresAt,
        }
      : null,
    createdAt: row.createdAt,
  };
}

/** The TOTP secret is a field of the user, encrypted under the user's own data key. */
const totpPlace = (userId: string, column: 'totp_secret' | 'totp_pending_secret') => ({
  owner: { scope: 'system' as const, ownerType: 'user', ownerId: userId },
  place: { table: 'users', column, recordId: userId },
});

const NO_TOTP = {
  totpSecret: null,
  totpPendingSecret: null,
  totpEnrolledAt: null,
  totpLastStep: null,
} as const;

export function createUserRepository(db: Database, fields: FieldCrypto) {
  return {
    async findByUsername(username: string, client: DbClient = db): Promise<UserRecord | null> {
      const row = await client.user.findUnique({ where: { username }, select: USER_COLUMNS });
      return row ? toRecord(row) : null;
    },

    async findById(id: string, client: DbClient = db): Promise<UserRecord | null> {
      const row = await client.user.findUnique({ where: { id }, select: USER_COLUMNS });
      return row ? toRecord(row) : null;
    },

    /** User names by id, with one query (access-log views name many actors at once). */
    async usernames(ids: readonly string[], client: DbClient = db): Promise<Map<string, string>> {
      const rows = await client.user.findMany({
        where: { id: { in: [...new Set(ids)] } },
        select: { id: true, username: true },
      });
      return new Map(rows.map((row) => [row.id, row.username]));
    },

    async list(client: DbClient = db): Promise<UserRecord[]> {
      const rows = await client.user.findMany({
        select: USER_COLUMNS,
        orderBy: { username: 'asc' },
      });
      return rows.map(toRecord);
    },

    async countActiveAdmins(client: DbClient = db): Promise<number> {
      return client.user.count({ where: { role: 'admin', disabledAt: null } });
    },

    async create(user: NewUser, client: DbClient = db): Promise<UserRecord> {
      const row = await client.user.create({
        data: {
          id: randomUUID(),
          username: user.username,
          role: user.role,
          serviceCode: user.service,
          passwordHash: user.passwordHash,
          mustChangePassword: user.mustChangePassword,
        },
        select: USER_COLUMNS,
      });
      return toRecord(row);
    },

    /** Counts a failure atomically (concurrent guesses are all counted); returns the count. */
    async countFailedLogin(id: string, client: DbClient = db): Promise<number> {
      const row = await client.user.update({
        where: { id },
        data: { failedLogins: { increment: 1 } },
        select: { failedLogins: true },
      });
      return row.failedLogins;
    },

    async lock(id: string, until: Date, client: DbClient = db): Promise<void> {
      await client.user.update({
        where: { id },
        data: { lockedUntil: until, lockouts: { increment: 1 }, failedLogins: 0 },
      });
    },

    async recordSuccessfulLogin(id: string, rehashed: string | null, client: DbClient = db) {
      await client.user.update({
        where: { id },
        data: {
          failedLogins: 0,
          lockouts: 0,
          lockedUntil: null,
          ...(rehashed ? { passwordHash: rehashed } : {}),
        },
      });
    },

    /** A new password; sessions signed in before `at` (and older calendar feeds) end. */
    async setPassword(id: string, passwordHash: string, at: Date, client: DbClient = db) {
      await client.user.update({
        where: { id },
        data: {
          passwordHash,
          mustChangePassword: false,
          passwordChangedAt: at,
          sessionsValidAfter: at,
        },
      });
    },

    async setDisabled(id: string, disabled: boolean, at: Date, client: DbClient = db) {
      await client.user.update({
        where: { id },
        data: disabled ? { disabledAt: at, sessionsValidAfter: at } : { disabledAt: null },
      });
    },

    /**
     * Takes the account out of use until a second person confirms it and its owner chooses a
     * password and second factor: the password becomes unusable, the factor and recovery
     * codes go, and every session and calendar feed issued before `at` ends.
     */
    async requireActivation(
      id: string,
      unusablePasswordHash: string,
      requestedBy: string | null,
      at: Date,
      client: DbClient = db,
    ) {
      await client.user.update({
        where: { id },
        data: {
          passwordHash: unusablePasswordHash,
          mustChangePassword: false,
          sessionsValidAfter: at,
          activationRequestedAt: at,
          activationRequestedBy: requestedBy,
          activationConfirmedBy: null,
          activationTokenHash: null,
          activationExpiresAt: null,
          ...NO_TOTP,
        },
      });
      await client.recoveryCode.deleteMany({ where: { userId: id } });
    },

    /** Records the confirmation and the one-time link's token hash (a new one replaces it). */
    async confirmActivation(
      id: string,
      confirmedBy: string,
      tokenHash: string,
      expiresAt: Date,
      client: DbClient = db,
    ): Promise<boolean> {
      const done = await client.user.updateMany({
        where: { id, activationRequestedAt: { not: null } },
        data: {
          activationConfirmedBy: confirmedBy,
          activationTokenHash: tokenHash,
          activationExpiresAt: expiresAt,
        },
      });
      return done.count === 1;
    },

    async findByActivationToken(tokenHash: string, now: Date, client: DbClient = db) {
      const row = await client.user.findFirst({
        where: { activationTokenHash: tokenHash, activationExpiresAt: { gt: now } },
        select: USER_COLUMNS,
      });
      return row ? toRecord(row) : null;
    },

    /**
     * Spends the token (once, atomically) and puts the owner's password in place; the
     * second factor is enrolled by the caller in the same transaction.
     */
    async completeActivation(
      id: string,
      tokenHash: string,
      passwordHash: string,
      now: Date,
      client: DbClient = db,
    ): Promise<boolean> {
      const done = await client.user.updateMany({
        where: { id, activationTokenHash: tokenHash, activationExpiresAt: { gt: now } },
        data: {
          passwordHash,
          mustChangePassword: false,
          passwordChangedAt: now,
          sessionsValidAfter: now,
          failedLogins: 0,
          lockouts: 0,
          lockedUntil: null,
          activationRequestedAt: null,
          activationRequestedBy: null,
          activationConfirmedBy: null,
          activationTokenHash: null,
          activationExpiresAt: null,
        },
      });
      return done.count === 1;
    },

    async unlock(id: string, client: DbClient = db): Promise<void> {
      await client.user.update({
        where: { id },
        data: { failedLogins: 0, lockouts: 0, lockedUntil: null },
      });
    },

    async setPendingTotpSecret(id: string, secret: string, client: DbClient = db): Promise<void> {
      const { owner, place } = totpPlace(id, 'totp_pending_secret');
      const sealed = await fields.encrypt(owner, place, secret, client);
      await client.user.update({ where: { id }, data: { totpPendingSecret: sealed } });
    },

    async readTotpSecret(
      id: string,
      which: 'enrolled' | 'pending',
      client: DbClient = db,
    ): Promise<string | null> {
      const row = await client.user.findUnique({
        where: { id },
        select: { totpSecret: true, totpPendingSecret: true },
      });
      const column = which === 'enrolled' ? 'totp_secret' : 'totp_pending_secret';
      const blob = which === 'enrolled' ? row?.totpSecret : row?.totpPendingSecret;
      if (!blob) return null;
      const { owner, place } = totpPlace(id, column);
      return fields.decryptString(owner, place, blob, client);
    },

    /** Moves the confirmed pending secret into place (re-encrypted for its new column). */
    async enrollTotp(id: string, secret: string, step: number, client: DbClient = db) {
      const { owner, place } = totpPlace(id, 'totp_secret');
      const sealed = await fields.encrypt(owner, place, secret, client);
      await client.user.update({
        where: { id },
        data: {
          totpSecret: sealed,
          totpPendingSecret: null,
          totpEnrolledAt: new Date(),
          totpLastStep: BigInt(step),
        },
      });
    },

    /**
     * Accepts a TOTP time step once: atomically, so two requests racing with the same code
     * cannot both succeed. False when the step (or a later one) was already used.
     */
    async claimTotpStep(id: string, step: number, client: DbClient = db): Promise<boolean> {
      const claimed = await client.user.updateMany({
        where: { id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: BigInt(step) } }] },
        data: { totpLastStep: BigInt(step) },
      });
      return claimed.count === 1;
    },

    async resetTotp(id: string, at: Date, client: DbClient = db): Promise<void> {
      await client.user.update({ where: { id }, data: { ...NO_TOTP, sessionsValidAfter: at } });
      await client.recoveryCode.deleteMany({ where: { userId: id } });
    },

    async replaceRecoveryCodes(id: string, codeHashes: string[], client: DbClient = db) {
      await client.recoveryCode.deleteMany({ where: { userId: id } });
      await client.recoveryCode.createMany({
        data: codeHashes.map((codeHash) => ({ id: randomUUID(), userId: id, codeHash })),
      });
    },

    /** Uses a recovery code once (atomically). */
    async consumeRecoveryCode(
      id: string,
      codeHashes: string[],
      client: DbClient = db,
    ): Promise<boolean> {
      const used = await client.recoveryCode.updateMany({
        where: { userId: id, codeHash: { in: codeHashes }, usedAt: null },
        data: { usedAt: new Date() },
      });
      return used.count === 1;
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;

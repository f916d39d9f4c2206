import type { Clock } from '../../clock.ts';
import type { TotpPolicy } from '../../config/config.schema.ts';
import { AppError } from '../../errors/app-error.ts';
import type { UserRecord, UserRepository } from '../../repositories/user.repository.ts';
import type { SessionRepository } from '../../repositories/session.repository.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditLog, AuditReasonCode } from '../audit-log.ts';
import { hashPassword, needsRehash, timingDummyHash, verifyPassword } from './password-hashing.ts';
import { assertAcceptablePassword } from './password-policy.ts';
import { hashSecretToken } from '../secret-token.ts';
import {
  hashRecoveryCode,
  legacyRecoveryCodeHash,
  looksLikeRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  totpUri,
} from './totp.ts';
import type { AuditAction } from '../../schemas/audit-actions.ts';

/** Every `threshold` failures in a row lock the account, each time twice as long (SECURITY.md). */
export const LOCKOUT = { threshold: 10, firstLockMinutes: 1, maxLockMinutes: 24 * 60 } as const;

const lockMinutes = (lockouts: number) =>
  Math.min(LOCKOUT.firstLockMinutes * 2 ** lockouts, LOCKOUT.maxLockMinutes);

/**
 * The same lockout for user names that do not exist, so that `429 locked` does not tell an
 * existing account from an unknown one. Kept in memory per process (bounded; the oldest name
 * goes first), since unknown names have no row to count in.
 */
function createUnknownNameLockout(maxNames = 10_000) {
  const names = new Map<string, { failures: number; lockouts: number; lockedUntil: number }>();
  return {
    /** Counts a failure; true when the name is (now) locked. */
    fail(name: string, now: Date): boolean {
      const entry = names.get(name) ?? { failures: 0, lockouts: 0, lockedUntil: 0 };
      names.delete(name);
      names.set(name, entry);
      if (names.size > maxNames) names.delete(names.keys().next().value!);
      if (entry.lockedUntil > now.getTime()) return true;
      entry.failures += 1;
      if (entry.failures < LOCKOUT.threshold) return false;
      entry.lockedUntil = now.getTime() + lockMinutes(entry.lockouts) * 60_000;
      entry.lockouts += 1;
      entry.failures = 0;
      return true;
    },
  };
}

export interface LoginInput {
  username: string;
  password: string;
  totp?: string;
}

const INVALID = () => new AppError('invalid_credentials', 'Wrong user name, password or code.');

const TOTP_REQUIRED = () =>
  new AppError('totp_required', 'Enter the code from your authenticator app.');

export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

export function createAuthService(deps: {
  users: UserRepository;
  sessions: SessionRepository;
  audit: AuditLog;
  clock: Clock;
  totpPolicy: TotpPolicy;
  /** The server-held key recovery codes are hashed under (totp.ts). */
  recoveryKey: Uint8Array;
}) {
  const { users, audit, clock, recoveryKey } = deps;
  const unknownNames = createUnknownNameLockout();

  async function refuseWhileLocked(context: RequestContext, user: UserRecord, action: AuditAction) {
    if (!user.lockedUntil || user.lockedUntil <= clock.now()) return;
    await audit.record(context, {
      action,
      outcome: 'denied',
      reason: 'locked',
      targetType: 'user',
      targetId: user.id,
    });
    throw lockedError();
  }

  /** Enrolls a confirmed secret and answers fresh recovery codes (shown once). */
  async function enroll(userId: string, secret: string, step: number) {
    await users.enrollTotp(userId, secret, step);
    const recoveryCodes = newRecoveryCodes();
    await users.replaceRecoveryCodes(
      userId,
      recoveryCodes.map((code) => hashRecoveryCode(code, recoveryKey)),
    );
    return recoveryCodes;
  }

  /** The account a live activation link belongs to. */
  async function activating(token: string): Promise<UserRecord> {
    const user = await users.findByActivationToken(hashSecretToken(token), clock.now());
    if (!user) {
      throw new AppError(
        'activation_invalid',
        'This activation link is not valid (used or expired). Ask for a new one.',
      );
    }
    return user;
  }

  /** Counts the failure, locks at the threshold, and throws the answer the caller gets. */
  async function failSignIn(
    context: RequestContext,
    user: UserRecord,
    reason: AuditReasonCode,
    action: AuditAction = 'auth.login',
    answer: () => AppError = INVALID,
  ): Promise<never> {
    const event = { targetType: 'user', targetId: user.id };
    await audit.record(context, { action, outcome: 'denied', reason, ...event });
    const failures = await users.countFailedLogin(user.id);
    if (failures < LOCKOUT.threshold) throw answer();
    const minutes = lockMinutes(user.lockouts);
    await users.lock(user.id, new Date(clock.now().getTime() + minutes * 60_000));
    await audit.record(context, {
      action: 'auth.lockout',
      outcome: 'denied',
      reason: `${minutes}min`,
      ...event,
    });
    throw lockedError();
  }

  async function secondFactorMatches(context: RequestContext, user: UserRecord, code: string) {
    if (looksLikeRecoveryCode(code)) {
      const used = await users.consumeRecoveryCode(user.id, [
        hashRecoveryCode(code, recoveryKey),
        legacyRecoveryCodeHash(code),
      ]);
      if (used) {
        await audit.record(context, {
          action: 'auth.recovery_code_used',
          outcome: 'allowed',
          targetType: 'user',
          targetId: user.id,
        });
      }
      return used;
    }
    const secret = await users.readTotpSecret(user.id, 'enrolled');
    const step = secret ? await matchTotp(secret, code, clock.now()) : null;
    // Claimed atomically: the same code cannot sign in twice, not even in two racing requests.
    return step !== null && (await users.claimTotpStep(user.id, step));
  }

  return {
    /**
     * The same answer, after the same argon2 work, for an unknown user, a disabled one and a
     * wrong password, so that sign-in reveals nothing about which accounts exist.
     */
    async login(context: RequestContext, input: LoginInput): Promise<UserRecord> {
      const user = await users.findByUsername(normaliseUsername(input.username));
      if (!user) {
        await verifyPassword(await timingDummyHash(), input.password);
        const locked = unknownNames.fail(normaliseUsername(input.username), clock.now());
        await audit.record(context, {
          action: 'auth.login',
          outcome: 'denied',
          reason: locked ? 'locked' : 'unknown_user',
        });
        throw locked ? lockedError() : INVALID();
      }
      const passwordMatches = await verifyPassword(user.passwordHash, input.password);
      await refuseWhileLocked(context, user, 'auth.login');
      if (!passwordMatches) return failSignIn(context, user, 'wrong_password');
      if (user.disabled || user.activation) {
        await audit.record(context, {
          action: 'auth.login',
          outcome: 'denied',
          reason: user.disabled ? 'disabled' : 'activation_pending',
          targetType: 'user',
          targetId: user.id,
        });
        throw INVALID();
      }
      if (user.totpEnrolled) {
        if (!input.totp) {
          // Audited and counted like a failure: otherwise it confirms a password silently.
          return failSignIn(context, user, 'totp_missing', 'auth.login', TOTP_REQUIRED);
        }
        if (!(await secondFactorMatches(context, user, input.totp))) {
          return failSignIn(context, user, 'wrong_second_factor');
        }
      }
      const rehashed = needsRehash(user.passwordHash) ? await hashPassword(input.password) : null;
      await users.recordSuccessfulLogin(user.id, rehashed);
      // A successful sign-in is the user's own act; failed attempts name the user only as target.
      const actor = {
        userId: user.id,
        username: user.username,
        role: user.role,
        service: user.service,
      };
      await audit.record(
        { ...context, actor },
        {
          action: 'auth.login',
          outcome: 'allowed',
          targetType: 'user',
          targetId: user.id,
        },
      );
      return user;
    },

    /** Whether this user must enroll a second factor before doing anything else. */
    needsTotpEnrollment(user: Pick<UserRecord, 'totpEnrolled'>): boolean {
      return deps.totpPolicy === 'required' && !user.totpEnrolled;
    },

    async startTotpSetup(context: RequestContext, userId: string) {
      const user = await users.findById(userId);
      if (!user) throw new AppError('unauthenticated', 'Please sign in.');
      if (user.totpEnrolled) {
        throw new AppError(
          'conflict',
          'A second factor is already set up. An administrator can reset it.',
          { reason: 'totp_already_set_up' },
        );
      }
      const secret = newTotpSecret();
      await users.setPendingTotpSecret(user.id, secret);
      await audit.record(context, {
        action: 'auth.totp_setup',
        outcome: 'allowed',
        targetType: 'user',
        targetId: user.id,
      });
      return { secret, otpauthUrl: totpUri(user.username, secret) };
    },

    async confirmTotp(context: RequestContext, userId: string, code: string) {
      const pending = await users.readTotpSecret(userId, 'pending');
      if (!pending) {
        throw new AppError('conflict', 'Start the setup first.', {
          reason: 'totp_setup_not_started',
        });
      }
      const step = await matchTotp(pending, code, clock.now());
      if (step === null) {
        await audit.record(context, {
          action: 'auth.totp_confirm',
          outcome: 'denied',
          targetType: 'user',
          targetId: userId,
        });
        throw new AppError(
          'invalid_code',
          'The code does not match. Check the time on your phone and try the next code.',
        );
      }
      const recoveryCodes = await enroll(userId, pending, step);
      await audit.record(context, {
        action: 'auth.totp_confirm',
        outcome: 'allowed',
        targetType: 'user',
        targetId: userId,
      });
      return { recoveryCodes };
    },

    /** Checks the signed-in user's password (change password, quick-lock unlock). */
    async confirmPassword(
      context: RequestContext,
      userId: string,
      password: string,
      action: AuditAction,
    ) {
      const user = await users.findById(userId);
      if (!user || user.disabled) throw new AppError('unauthenticated', 'Please sign in.');
      const matches = await verifyPassword(user.passwordHash, password);
      // The lockout holds here as at sign-in: a locked screen is no way around it.
      await refuseWhileLocked(context, user, action);
      if (!matches) {
        return failSignIn(context, user, 'wrong_password', action);
      }
      return user;
    },

    /**
     * A new password ends every other session of the user (someone who knew the old one may
     * be signed in elsewhere); `currentSession` (its id hash) stays signed in. Answers the
     * moment before which sessions are void, for the current session to carry.
     */
    async changePassword(
      context: RequestContext,
      userId: string,
      current: string,
      next: string,
      currentSession: string,
    ): Promise<Date> {
      const user = await this.confirmPassword(context, userId, current, 'auth.password_change');
      await assertAcceptablePassword(next, { username: user.username });
      if (await verifyPassword(user.passwordHash, next)) {
        throw new AppError('weak_password', 'The new password must differ from the current one.', {
          reason: 'password_unchanged',
          params: { field: '/newPassword' },
        });
      }
      const at = clock.now();
      await users.setPassword(userId, await hashPassword(next), at);
      const ended = await deps.sessions.deleteForUser(userId, { except: currentSession });
      await audit.record(context, {
        action: 'auth.password_change',
        outcome: 'allowed',
        targetType: 'user',
        targetId: userId,
        reason: `other_sessions_ended:${ended}`,
      });
      return at;
    },

    /** Opens an activation link: a new second-factor secret for the account holder to scan. */
    async startActivation(context: RequestContext, token: string) {
      const user = await activating(token);
      const secret = newTotpSecret();
      await users.setPendingTotpSecret(user.id, secret);
      await audit.record(context, {
        action: 'account.activation_start',
        outcome: 'allowed',
        targetType: 'user',
        targetId: user.id,
      });
      return { username: user.username, secret, otpauthUrl: totpUri(user.username, secret) };
    },

    /**
     * The account holder's own password and second factor; spends the link. The code is
     * checked before the link is spent, so a mistyped code can be tried again.
     */
    async completeActivation(
      context: RequestContext,
      input: { token: string; password: string; code: string },
    ) {
      const user = await activating(input.token);
      await assertAcceptablePassword(input.password, { username: user.username });
      const pending = await users.readTotpSecret(user.id, 'pending');
      const step = pending ? await matchTotp(pending, input.code, clock.now()) : null;
      if (!pending || step === null) {
        throw new AppError(
          'invalid_code',
          'The code does not match. Check the time on your phone and try the next code.',
        );
      }
      const spent = await users.completeActivation(
        user.id,
        hashSecretToken(input.token),
        await hashPassword(input.password),
        clock.now(),
      );
      if (!spent) throw new AppError('activation_invalid', 'This activation link was used.');
      const recoveryCodes = await enroll(user.id, pending, step);
      await audit.record(context, {
        action: 'account.activate',
        outcome: 'allowed',
        targetType: 'user',
        targetId: user.id,
      });
      return { recoveryCodes };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

function lockedError(): AppError {
  return new AppError(
    'locked',
    'Too many failed attempts: the account is locked for a while. An administrator can unlock it.',
  );
}

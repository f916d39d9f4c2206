import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors/app-error.ts';
import type { Clock } from '../../clock.ts';
import type { Role, ServiceCode } from '../../generated/prisma/enums.ts';
import type { SessionRepository } from '../../repositories/session.repository.ts';
import type { UserRecord, UserRepository } from '../../repositories/user.repository.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditLog, AuditReasonCode } from '../audit-log.ts';
import { normaliseUsername } from './auth.service.ts';
import { hashPassword } from './password-hashing.ts';
import { assertAcceptablePassword } from './password-policy.ts';
import { newSecretToken } from '../secret-token.ts';
import type { AuditAction } from '../../schemas/audit-actions.ts';

/** How long the one-time activation link of a confirmed account stays valid. */
export const ACTIVATION_LINK_HOURS = 72;
export const ACTIVATION_PATH = '/activate';

export interface NewAccount {
  username: string;
  role: Role;
  service?: ServiceCode | null;
  /** Omitted: a temporary password is generated, shown once, and must be changed at sign-in. */
  password?: string;
}

export const USERNAME_PATTERN = '^[a-z0-9][a-z0-9._-]{2,63}$';

/** Counsellors and team leads belong to exactly one service; auditors and admins to none. */
export function serviceForRole(
  role: Role,
  service: ServiceCode | null | undefined,
): ServiceCode | null {
  const needsService = role === 'counsellor' || role === 'team_lead';
  if (needsService && !service) {
    throw new AppError(
      'invalid_request',
      `A ${role} belongs to a service: choose backup or comeback.`,
      { reason: 'service_required', params: { field: '/service' } },
    );
  }
  if (!needsService && service) {
    throw new AppError('invalid_request', `An ${role} belongs to no service.`, {
      reason: 'service_not_allowed',
      params: { field: '/service' },
    });
  }
  return service ?? null;
}

/** 20 characters from a 32-letter alphabet: 100 bits, readable aloud, grouped for typing. */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const chars = [...randomBytes(20)].map((byte) => alphabet[byte % alphabet.length]);
  return chars.join('').replace(/(.{5})(?!$)/g, '$1-');
}

/**
 * Account management. Admins never hold a credential of another account: what an admin asks
 * for (a new account, a reset) takes the account out of use until a second person confirms it
 * (a team lead of its service, or another admin), and its owner then chooses password and
 * second factor through a one-time link. `create` with a password is the operator's path (CLI,
 * first-admin setup) on the server itself. Every change is an audit event.
 */
export function createAccountAdminService(deps: {
  users: UserRepository;
  sessions: SessionRepository;
  audit: AuditLog;
  clock: Clock;
}) {
  const { users, sessions, audit, clock } = deps;

  async function existing(id: string): Promise<UserRecord> {
    const user = await users.findById(id);
    if (!user) throw new AppError('not_found', 'No such user.');
    return user;
  }

  async function recordAdmin(
    context: RequestContext,
    action: AuditAction,
    userId: string,
    reason?: AuditReasonCode,
  ) {
    await audit.record(context, {
      action,
      outcome: 'allowed',
      targetType: 'user',
      targetId: userId,
      ...(reason ? { reason } : {}),
    });
  }

  /** Nobody knows this password: the account waits for its owner's activation. */
  const unusablePasswordHash = () => hashPassword(randomBytes(32).toString('base64url'));

  async function requireActivation(context: RequestContext, user: UserRecord) {
    await users.requireActivation(
      user.id,
      await unusablePasswordHash(),
      context.actor?.userId ?? null,
      clock.now(),
    );
    await sessions.deleteForUser(user.id);
  }

  /** A reset of someone else's credentials; one's own are changed, not reset. */
  async function resettable(context: RequestContext, id: string): Promise<UserRecord> {
    const user = await existing(id);
    if (context.actor?.userId === id) {
      throw new AppError(
        'second_person_required',
        'You cannot reset your own credentials; another administrator can.',
      );
    }
    return user;
  }

  /**
   * Who may confirm: a team lead of the account's service (for its staff), or an admin other
   * than the one who asked. Null when allowed; "not yours" answers like a missing account.
   */
  function confirmRefusal(context: RequestContext, user: UserRecord): AppError | null {
    const actor = context.actor!;
    const missing = new AppError('not_found', 'No such user.');
    if (actor.userId === user.id) return missing;
    if (actor.role === 'team_lead') {
      const staff = user.role === 'counsellor' || user.role === 'team_lead';
      return staff && user.service === actor.service ? null : missing;
    }
    if (actor.role !== 'admin') return new AppError('forbidden', 'Your role may not do this.');
    if (user.activation?.requestedBy === actor.userId) {
      return new AppError(
        'second_person_required',
        'A second person confirms this: a team lead of the service or another administrator.',
      );
    }
    return null;
  }

  return {
    list: () => users.list(),

    /** Accounts waiting for confirmation or activation that this actor may confirm. */
    async pending(context: RequestContext): Promise<UserRecord[]> {
      const waiting = (await users.list()).filter((user) => user.activation !== null);
      const mine = waiting.filter((user) => confirmRefusal(context, user) === null);
      await audit.record(context, { action: 'account.pending_list', outcome: 'allowed' });
      return mine;
    },

    /** Throws what `create` would refuse, without creating anything. */
    async validate(account: NewAccount) {
      const username = normaliseUsername(account.username);
      if (!new RegExp(USERNAME_PATTERN).test(username)) {
        throw new AppError(
          'invalid_request',
          'User names have 3 to 64 characters: lower-case letters, digits, dot, dash, underscore.',
          { reason: 'username_rules', params: { field: '/username' } },
        );
      }
      const service = serviceForRole(account.role, account.service);
      if (account.password !== undefined)
        await assertAcceptablePassword(account.password, { username });
      if (await users.findByUsername(username)) {
        throw new AppError('conflict', `The user name ${username} is taken.`, {
          reason: 'username_taken',
          params: { field: '/username' },
        });
      }
      return { username, service };
    },

    /** The operator's path (CLI on the server, first-admin setup): an account ready for use. */
    async create(context: RequestContext, account: NewAccount) {
      const { username, service } = await this.validate(account);
      const generated = account.password === undefined ? temporaryPassword() : undefined;
      const user = await users.create({
        username,
        role: account.role,
        service,
        passwordHash: await hashPassword(account.password ?? generated!),
        mustChangePassword: generated !== undefined,
      });
      await recordAdmin(context, 'admin.user_create', user.id);
      return { user, temporaryPassword: generated };
    },

    /** An admin's request for a new account: out of use until confirmed and activated. */
    async request(context: RequestContext, account: NewAccount) {
      if (account.password !== undefined) {
        throw new AppError(
          'password_not_allowed',
          'The account holder chooses the password through the activation link.',
        );
      }
      const { username, service } = await this.validate(account);
      const created = await users.create({
        username,
        role: account.role,
        service,
        passwordHash: await unusablePasswordHash(),
        mustChangePassword: false,
      });
      await requireActivation(context, created);
      await recordAdmin(context, 'admin.user_create', created.id, 'activation_pending');
      return (await users.findById(created.id))!;
    },

    async setDisabled(context: RequestContext, id: string, disabled: boolean) {
      const user = await existing(id);
      if (disabled && context.actor?.userId === id) {
        throw new AppError('conflict', 'You cannot disable your own account.', {
          reason: 'own_account',
        });
      }
      if (
        disabled &&
        user.role === 'admin' &&
        !user.disabled &&
        (await users.countActiveAdmins()) <= 1
      ) {
        throw new AppError('conflict', 'The last active administrator cannot be disabled.', {
          reason: 'last_admin',
        });
      }
      await users.setDisabled(id, disabled, clock.now());
      if (disabled) await sessions.deleteForUser(id);
      await recordAdmin(context, disabled ? 'admin.user_disable' : 'admin.user_enable', id);
    },

    async unlock(context: RequestContext, id: string) {
      await existing(id);
      await users.unlock(id);
      await recordAdmin(context, 'admin.user_unlock', id);
    },

    /**
     * A forgotten password or a lost phone: the account stops working (password, second
     * factor, sessions and calendar feed) until a second person confirms and its owner
     * activates it again. The admin never learns a credential.
     */
    async resetPassword(context: RequestContext, id: string) {
      await requireActivation(context, await resettable(context, id));
      await recordAdmin(context, 'admin.password_reset', id, 'activation_pending');
    },

    async resetTotp(context: RequestContext, id: string) {
      await requireActivation(context, await resettable(context, id));
      await recordAdmin(context, 'admin.totp_reset', id, 'activation_pending');
    },

    /** The second person's confirmation; answers the one-time link for the account holder. */
    async confirm(context: RequestContext, id: string) {
      const user = await existing(id);
      const refusal = confirmRefusal(context, user);
      if (refusal) throw refusal;
      if (!user.activation) throw new AppError('conflict', 'This account waits for nothing.');
      const { token, hash } = newSecretToken();
      const expiresAt = new Date(clock.now().getTime() + ACTIVATION_LINK_HOURS * 3_600_000);
      if (!(await users.confirmActivation(id, context.actor!.userId, hash, expiresAt))) {
        throw new AppError('conflict', 'This account waits for nothing.');
      }
      await recordAdmin(context, 'account.activation_confirm', id);
      return { activationPath: `${ACTIVATION_PATH}#token=${token}`, expiresAt };
    },
  };
}

export type AccountAdminService = ReturnType<typeof createAccountAdminService>;

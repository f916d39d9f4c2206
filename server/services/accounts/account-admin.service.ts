import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors/app-error.ts';
import type { Role, ServiceCode } from '../../generated/prisma/enums.ts';
import type { SessionRepository } from '../../repositories/session.repository.ts';
import type { UserRecord, UserRepository } from '../../repositories/user.repository.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditLog } from '../audit-log.ts';
import { normaliseUsername } from './auth.service.ts';
import { hashPassword } from './password-hashing.ts';
import { assertAcceptablePassword } from './password-policy.ts';

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

/** Account management for admins (and the CLI). Every change is an audit event. */
export function createAccountAdminService(deps: {
  users: UserRepository;
  sessions: SessionRepository;
  audit: AuditLog;
}) {
  const { users, sessions, audit } = deps;

  async function existing(id: string): Promise<UserRecord> {
    const user = await users.findById(id);
    if (!user) throw new AppError('not_found', 'No such user.');
    return user;
  }

  async function recordAdmin(context: RequestContext, action: string, userId: string) {
    await audit.record(context, {
      action,
      outcome: 'allowed',
      targetType: 'user',
      targetId: userId,
    });
  }

  return {
    list: () => users.list(),

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
      await users.setDisabled(id, disabled);
      if (disabled) await sessions.deleteForUser(id);
      await recordAdmin(context, disabled ? 'admin.user_disable' : 'admin.user_enable', id);
    },

    async unlock(context: RequestContext, id: string) {
      await existing(id);
      await users.unlock(id);
      await recordAdmin(context, 'admin.user_unlock', id);
    },

    /** A temporary password that must be changed; the second factor stays as it is. */
    async resetPassword(context: RequestContext, id: string) {
      await existing(id);
      const generated = temporaryPassword();
      await users.setPassword(id, await hashPassword(generated), true);
      await sessions.deleteForUser(id);
      await recordAdmin(context, 'admin.password_reset', id);
      return { temporaryPassword: generated };
    },

    async resetTotp(context: RequestContext, id: string) {
      await existing(id);
      await users.resetTotp(id);
      await sessions.deleteForUser(id);
      await recordAdmin(context, 'admin.totp_reset', id);
    },
  };
}

export type AccountAdminService = ReturnType<typeof createAccountAdminService>;

import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors/app-error.ts';
import type { SetupTokenRepository } from '../../repositories/setup-token.repository.ts';
import type { UserRepository } from '../../repositories/user.repository.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditLog } from '../audit-log.ts';
import type { AccountAdminService } from './account-admin.service.ts';
import { hashSecretToken as hashToken, newSecretToken } from '../secret-token.ts';

const SETUP_LINK_HOURS = 24;

/**
 * On a fresh installation `npm start` prints a one-time link that creates the first admin in
 * the browser. The token travels in the URL fragment, so it never reaches a server log or a
 * Referer header; only its SHA-256 is stored. Once an admin exists the route answers 410.
 * Only the newest link is valid: each start replaces the one before, so old links printed to
 * the journal are worthless.
 */
export function createFirstAdminService(deps: {
  users: UserRepository;
  setupTokens: SetupTokenRepository;
  accounts: AccountAdminService;
  audit: AuditLog;
  clock: Clock;
}) {
  const { users, setupTokens, accounts, audit, clock } = deps;
  return {
    /** A new setup link while no admin exists; undefined once one does. */
    async setupLink(baseUrl: string): Promise<string | undefined> {
      if ((await users.countActiveAdmins()) > 0) return undefined;
      const { token, hash } = newSecretToken();
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + SETUP_LINK_HOURS * 3_600_000);
      await setupTokens.replace(hash, now, expiresAt);
      return `${baseUrl}/setup#token=${token}`;
    },

    async isOpen(): Promise<boolean> {
      return (await users.countActiveAdmins()) === 0;
    },

    async createFirstAdmin(
      context: RequestContext,
      input: { token: string; username: string; password: string },
    ) {
      if ((await users.countActiveAdmins()) > 0) {
        throw new AppError('setup_closed', 'casework is set up already. Sign in instead.');
      }
      const account = {
        username: input.username,
        role: 'admin' as const,
        password: input.password,
      };
      await accounts.validate(account); // before the one-time token is spent on a weak password
      if (!(await setupTokens.consume(hashToken(input.token), clock.now()))) {
        await audit.record(context, {
          action: 'setup.first_admin',
          outcome: 'denied',
          reason: 'bad_token',
        });
        throw new AppError(
          'forbidden',
          'This setup link is not valid (used or expired). Restart casework for a new one.',
        );
      }
      const { user } = await accounts.create(context, account);
      await audit.record(context, {
        action: 'setup.first_admin',
        outcome: 'allowed',
        targetType: 'user',
        targetId: user.id,
      });
      return user;
    },
  };
}

export type FirstAdminService = ReturnType<typeof createFirstAdminService>;

import { DecryptionError, FieldTypeError, KeyShreddedError } from '../../../crypto/index.ts';
import type { DbClient } from '../../database/db-client.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Role, ServiceCode } from '../../generated/prisma/enums.ts';
import type { ScopedTransaction } from '../../repositories/case-work/sealed-fields.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditLog } from '../audit-log.ts';
import { RecordMissing, type CaseWorkEvent } from '../cases/case-work-scope.ts';

/**
 * Like the case-work scope (services/cases/case-work-scope.ts), for roles other than
 * counsellors too (a team lead erases a case of their service): one transaction scoped to the
 * actor's service, its access-log event in the same transaction, failures recorded outside it.
 */
export function createLifecycleScope(deps: { transact: ScopedTransaction; audit: AuditLog }) {
  const { transact, audit } = deps;

  async function failure(context: RequestContext, event: CaseWorkEvent, error: unknown) {
    const record = (outcome: 'denied' | 'failed', reason: string) =>
      audit.record(context, { ...event, outcome, reason });
    if (error instanceof RecordMissing) {
      await record('denied', 'not_found');
      return new AppError('not_found', error.message);
    }
    if (error instanceof AppError && (error.status === 403 || error.status === 409)) {
      await record('denied', error.code);
      return error;
    }
    if (error instanceof DecryptionError || error instanceof FieldTypeError) {
      await record('failed', 'decryption_failed');
      return new AppError(
        'record_unreadable',
        `This record cannot be decrypted. The attempt has been recorded. Quote request id ${context.requestId} to your administrator.`,
      );
    }
    if (error instanceof KeyShreddedError) {
      await record('failed', 'erased');
      return new AppError('record_erased', 'This record has been erased.');
    }
    return error;
  }

  return {
    transact,
    audit,

    async run<T>(
      context: RequestContext,
      roles: readonly Role[],
      event: CaseWorkEvent,
      work: (client: DbClient, service: ServiceCode, event: CaseWorkEvent) => Promise<T>,
    ): Promise<T> {
      const actor = context.actor;
      const service = actor?.service;
      if (!actor || !service || !roles.includes(actor.role)) {
        throw new AppError('forbidden', 'Your role cannot do this.');
      }
      const target = { ...event };
      try {
        return await transact(service, async (client) => {
          const result = await work(client, service, target);
          await audit.record(context, { ...target, outcome: 'allowed' }, client);
          return result;
        });
      } catch (error) {
        throw await failure(context, target, error);
      }
    },
  };
}

export type LifecycleScope = ReturnType<typeof createLifecycleScope>;

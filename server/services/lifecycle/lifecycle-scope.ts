import type { DbClient } from '../../database/db-client.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Role, ServiceCode } from '../../generated/prisma/enums.ts';
import type { ScopedTransaction } from '../../repositories/case-work/sealed-fields.ts';
import type { RequestContext } from '../actor.ts';
import type { AuditLog } from '../audit-log.ts';
import { createScopedRunner, type CaseWorkEvent } from '../cases/case-work-scope.ts';

/**
 * Like the case-work scope (services/cases/case-work-scope.ts), for roles other than
 * counsellors too (a team lead erases a case of their service): one transaction scoped to the
 * actor's service, its access-log event in the same transaction, failures recorded outside it
 * (a 409, e.g. erasing a case on legal hold, is recorded as denied).
 */
export function createLifecycleScope(deps: { transact: ScopedTransaction; audit: AuditLog }) {
  const runScoped = createScopedRunner({ ...deps, deniesConflicts: true });
  return {
    transact: deps.transact,
    audit: deps.audit,

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
      return runScoped(context, service, event, work);
    },
  };
}

export type LifecycleScope = ReturnType<typeof createLifecycleScope>;

import type { Database } from '../database/prisma-client.ts';
import { inServiceScope } from '../database/service-scope.ts';
import type { ServiceCode } from '../generated/prisma/enums.ts';

/** Rows of the records case work starts from, in one service: counts only, nothing decrypted. */
export interface CaseWorkRecordCounts {
  cases: number;
  incidents: number;
  appointments: number;
  preventionContacts: number;
  trainings: number;
}

/** What an installation holds, to tell a fresh one from one in use (`casework demo seed`). */
export function createInstallationRepository(db: Database) {
  return {
    /** Counted inside the service's scope, so row-level security applies as for requests. */
    async caseWorkRecords(service: ServiceCode): Promise<CaseWorkRecordCounts> {
      return inServiceScope(db, service, async (client) => {
        const where = { service };
        // One after the other: a transaction runs on one connection anyway.
        return {
          cases: await client.case.count({ where }),
          incidents: await client.incident.count({ where }),
          appointments: await client.appointment.count({ where }),
          preventionContacts: await client.preventionContact.count({ where }),
          trainings: await client.multiplierTraining.count({ where }),
        };
      });
    },
  };
}

export type InstallationRepository = ReturnType<typeof createInstallationRepository>;

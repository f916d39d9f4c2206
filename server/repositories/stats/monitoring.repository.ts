import type { DbClient } from '../../database/db-client.ts';
import type {
  District,
  IncidentMotive,
  OffenceType,
  ServiceCode,
} from '../../generated/prisma/enums.ts';

/** What the VBRG monitoring counts of one incident: categories only, no sealed field. */
export interface IncidentCounts {
  offenceType: OffenceType;
  motives: IncidentMotive[];
  district: District;
  affectedCount: number;
}

/** The incidents behind the annual monitoring, read in the caller's scoped transaction. */
export function createMonitoringRepository() {
  return {
    /** A year's incidents of the service, from clear columns (nothing is decrypted). */
    incidentsOfYear(
      service: ServiceCode,
      year: number,
      client: DbClient,
    ): Promise<IncidentCounts[]> {
      return client.incident.findMany({
        where: {
          service,
          occurredOn: {
            gte: new Date(Date.UTC(year, 0, 1)),
            lt: new Date(Date.UTC(year + 1, 0, 1)),
          },
        },
        select: { offenceType: true, motives: true, district: true, affectedCount: true },
      });
    },
  };
}

export type MonitoringRepository = ReturnType<typeof createMonitoringRepository>;

import type { DbClient } from '../../database/db-client.ts';
import type { CaseStatus, RiskLevel, ServiceCode } from '../../generated/prisma/enums.ts';
import type { FieldCrypto } from '../../keys/field-crypto.ts';
import { CASE_SEALED } from './case.repository.ts';
import { fromDateColumn, openEach, ownerOf } from './sealed-fields.ts';

/** The start page shows at most this many rows per block. */
export const WORKPLACE_LIMIT = 100;

export interface MyOpenCase {
  id: string;
  caseNumber: string;
  pseudonym: string;
  status: CaseStatus;
  /** The newest note's time: the last recorded contact. */
  lastContactAt: Date | null;
  nextAppointmentAt: Date | null;
}

export interface PendingRiskCheck {
  assessmentId: string;
  caseId: string;
  caseNumber: string;
  level: RiskLevel;
  assessedOn: string;
  proposedById: string;
}

/** What a counsellor's start page needs beyond appointments and follow-ups. */
export function createWorkplaceRepository(fields: FieldCrypto) {
  return {
    /**
     * Open cases the user works on (assigned or co-counsellor), the longest without contact
     * first: those are the ones to look at.
     */
    async myOpenCases(
      service: ServiceCode,
      userId: string,
      now: Date,
      client: DbClient,
    ): Promise<MyOpenCase[]> {
      const rows = await client.$queryRaw<
        {
          id: string;
          case_number: string;
          status: CaseStatus;
          pseudonym: Uint8Array;
          last_contact_at: Date | null;
          next_at: Date | null;
        }[]
      >`
        SELECT c.id, c.case_number, c.status::text AS status, c.pseudonym,
               (SELECT max(n.created_at) FROM case_notes n WHERE n.case_id = c.id) AS last_contact_at,
               (SELECT min(a.starts_at) FROM appointments a
                 WHERE a.case_id = c.id AND a.status = 'scheduled' AND a.starts_at >= ${now}) AS next_at
          FROM cases c
         WHERE c.service = ${service}::service_code AND c.status = 'open'
           AND (c.assigned_counsellor_id = ${userId}::uuid OR c.co_counsellor_id = ${userId}::uuid)
         ORDER BY last_contact_at ASC NULLS FIRST, c.case_number
         LIMIT ${WORKPLACE_LIMIT}`;
      const opened = await openEach(
        fields,
        'cases',
        { pseudonym: CASE_SEALED.pseudonym },
        rows.map((row) => ({ owner: ownerOf(service, 'case', row.id), row })),
        client,
      );
      return rows.map((row, i) => ({
        id: row.id,
        caseNumber: row.case_number,
        pseudonym: opened[i]!.pseudonym!,
        status: row.status,
        lastContactAt: row.last_contact_at,
        nextAppointmentAt: row.next_at,
      }));
    },

    /**
     * Risk assessments waiting for a second counsellor (four eyes): every pending one of the
     * service that someone else proposed. Only numbers and levels, no assessment text.
     */
    async pendingRiskChecks(
      service: ServiceCode,
      userId: string,
      client: DbClient,
    ): Promise<PendingRiskCheck[]> {
      const rows = await client.riskAssessment.findMany({
        where: { service, pendingCaseId: { not: null }, proposedById: { not: userId } },
        orderBy: [{ createdAt: 'asc' }],
        take: WORKPLACE_LIMIT,
        select: {
          id: true,
          caseId: true,
          level: true,
          assessedOn: true,
          proposedById: true,
          case: { select: { caseNumber: true } },
        },
      });
      return rows.map((row) => ({
        assessmentId: row.id,
        caseId: row.caseId,
        caseNumber: row.case.caseNumber,
        level: row.level,
        assessedOn: fromDateColumn(row.assessedOn),
        proposedById: row.proposedById,
      }));
    },
  };
}

export type WorkplaceRepository = ReturnType<typeof createWorkplaceRepository>;

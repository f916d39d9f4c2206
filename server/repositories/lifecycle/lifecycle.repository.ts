import { detailDigest } from '../../../crypto/index.ts';
import type { DbClient } from '../../database/db-client.ts';
import type { Database } from '../../database/prisma-client.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type { FieldCrypto } from '../../keys/field-crypto.ts';
import { ownerOf } from '../case-work/sealed-fields.ts';

/** What erasing a case removed: counts per kind of record, never content. */
export interface ErasureRecords {
  case: number;
  notes: number;
  exitPhaseChanges: number;
  riskAssessments: number;
  referrals: number;
  compensationClaims: number;
  accompaniments: number;
  documents: number;
  documentChunks: number;
  appointments: number;
  incidentLinks: number;
  incidents: number;
  dataKeysDestroyed: number;
  accessLogDetailsCleared: number;
}

export interface ErasedCaseSummary {
  caseNumber: string;
  service: ServiceCode;
  openedYear: number;
  closedYear: number | null;
  records: ErasureRecords;
}

export interface LegalHoldRecord {
  caseId: string;
  caseNumber: string;
  since: Date;
  setBy: { id: string; username: string | null };
  reason: string;
}

export interface DueCase {
  id: string;
  caseNumber: string;
  closedAt: Date;
  onHold: boolean;
}

export interface DueAppointment {
  id: string;
  endsAt: Date;
}

const HOLD_LOCATION = (caseId: string) => ({
  table: 'legal_holds',
  column: 'reason',
  recordId: caseId,
});

interface HoldRow {
  case_id: string;
  case_number: string;
  reason: Uint8Array;
  set_at: Date;
  set_by: string;
  username: string | null;
}

/**
 * Legal holds, retention candidates and erasure. Every method runs on a
 * service-scoped client: row-level security shows only the service's rows, and erasure
 * (a database function with the owner's rights) is bound to that scope too.
 */
export function createLifecycleRepository(fields: FieldCrypto, db: Database) {
  const caseOwner = (service: ServiceCode, caseId: string) => ownerOf(service, 'case', caseId);

  async function openHolds(service: ServiceCode, rows: HoldRow[], client: DbClient) {
    const holds: LegalHoldRecord[] = [];
    for (const row of rows) {
      holds.push({
        caseId: row.case_id,
        caseNumber: row.case_number,
        since: row.set_at,
        setBy: { id: row.set_by, username: row.username },
        reason: await fields.decryptString(
          caseOwner(service, row.case_id),
          HOLD_LOCATION(row.case_id),
          row.reason,
          client,
        ),
      });
    }
    return holds;
  }

  async function holdRows(service: ServiceCode, caseId: string | null, client: DbClient) {
    return client.$queryRaw<HoldRow[]>`
      SELECT h.case_id, c.case_number, h.reason, h.set_at, h.set_by, u.username
        FROM legal_holds h
        JOIN cases c ON c.id = h.case_id AND c.service = h.service
        LEFT JOIN users u ON u.id = h.set_by
       WHERE h.service = ${service}::service_code
         AND (${caseId}::uuid IS NULL OR h.case_id = ${caseId}::uuid)
       ORDER BY h.set_at, c.case_number`;
  }

  return {
    /** Who works on a case (null: the service has no such case). */
    async assignment(service: ServiceCode, caseId: string, client: DbClient) {
      const row = await client.case.findFirst({
        where: { id: caseId, service },
        select: { caseNumber: true, assignedCounsellorId: true, coCounsellorId: true },
      });
      return row;
    },

    async idByCaseNumber(
      service: ServiceCode,
      caseNumber: string,
      client: DbClient,
    ): Promise<string | null> {
      const row = await client.case.findFirst({
        where: { caseNumber, service },
        select: { id: true },
      });
      return row?.id ?? null;
    },

    async findHold(
      service: ServiceCode,
      caseId: string,
      client: DbClient,
    ): Promise<LegalHoldRecord | null> {
      const rows = await holdRows(service, caseId, client);
      return (await openHolds(service, rows, client))[0] ?? null;
    },

    /** Every hold of the service, reasons decrypted (for auditors). */
    async holds(service: ServiceCode, client: DbClient): Promise<LegalHoldRecord[]> {
      return openHolds(service, await holdRows(service, null, client), client);
    },

    /** Sets or replaces the hold of a case; the reason is encrypted under the case's key. */
    async setHold(
      service: ServiceCode,
      caseId: string,
      hold: { reason: string; setById: string; at: Date },
      client: DbClient,
    ): Promise<void> {
      const reason = await fields.encrypt(
        caseOwner(service, caseId),
        HOLD_LOCATION(caseId),
        hold.reason,
        client,
      );
      await client.legalHold.deleteMany({ where: { caseId, service } });
      await client.legalHold.create({
        data: { caseId, service, reason, setById: hold.setById, setAt: hold.at },
      });
    },

    /** False when the case was not on hold. */
    async liftHold(service: ServiceCode, caseId: string, client: DbClient): Promise<boolean> {
      const removed = await client.legalHold.deleteMany({ where: { caseId, service } });
      return removed.count > 0;
    },

    /**
     * A text about a case for an access-log event (a hold's reason), encrypted under the
     * case's key and bound to the event: erasing the case clears it from the log.
     */
    async sealEventDetail(
      service: ServiceCode,
      caseId: string,
      eventId: string,
      text: string,
      client: DbClient,
    ) {
      const ciphertext = await fields.encrypt(
        caseOwner(service, caseId),
        { table: 'audit_events', column: 'detail', recordId: eventId },
        text,
        client,
      );
      return { ciphertext, digest: detailDigest(ciphertext) };
    },

    /**
     * Closed cases the server recorded as closed at or before `closedAtOrBefore`, oldest
     * first. The typed closing day plays no part: a counsellor cannot steer retention.
     */
    async dueCases(
      service: ServiceCode,
      closedAtOrBefore: Date,
      client: DbClient,
    ): Promise<DueCase[]> {
      const rows = await client.$queryRaw<
        { id: string; case_number: string; closed_at: Date; on_hold: boolean }[]
      >`
        SELECT c.id, c.case_number, c.closed_at,
               EXISTS (SELECT 1 FROM legal_holds h WHERE h.case_id = c.id) AS on_hold
          FROM cases c
         WHERE c.service = ${service}::service_code AND c.status = 'closed'
           AND c.closed_at <= ${closedAtOrBefore}
         ORDER BY c.closed_at, c.case_number`;
      return rows.map((row) => ({
        id: row.id,
        caseNumber: row.case_number,
        closedAt: row.closed_at,
        onHold: row.on_hold,
      }));
    },

    /** Appointments of no case that ended before `endedBefore`. */
    async dueAppointments(
      service: ServiceCode,
      endedBefore: Date,
      client: DbClient,
    ): Promise<DueAppointment[]> {
      return client.appointment.findMany({
        where: { service, caseId: null, endsAt: { lt: endedBefore } },
        orderBy: { endsAt: 'asc' },
        select: { id: true, endsAt: true },
      });
    },

    /**
     * Crypto-shreds a case (migration 20261124001000_lifecycle, casework_erase_case): null
     * when the service has no such case. Refused by the database while the case is on hold.
     */
    async eraseCase(
      service: ServiceCode,
      caseId: string,
      erasure: { rule: string; at: Date; erasedOn: string },
      client: DbClient,
    ): Promise<ErasedCaseSummary | null> {
      const rows = await client.$queryRaw<{ summary: ErasedCaseSummary | null }[]>`
        SELECT casework_erase_case(${caseId}::uuid, ${erasure.rule}, ${erasure.erasedOn}::date,
                                   ${erasure.at}::timestamptz) AS summary`;
      const summary = rows[0]?.summary ?? null;
      if (summary && summary.service !== service) throw new Error('erasure crossed services');
      return summary;
    },

    /** Incidents linked to no case whose last change was before `changedBefore`. */
    async dueIncidents(
      service: ServiceCode,
      changedBefore: Date,
      client: DbClient,
    ): Promise<{ id: string; updatedAt: Date }[]> {
      return client.incident.findMany({
        where: { service, cases: { none: {} }, updatedAt: { lt: changedBefore } },
        orderBy: { updatedAt: 'asc' },
        select: { id: true, updatedAt: true },
      });
    },

    async eraseIncident(
      service: ServiceCode,
      id: string,
      at: Date,
      client: DbClient,
    ): Promise<boolean> {
      const rows = await client.$queryRaw<{ erased: boolean }[]>`
        SELECT casework_erase_incident(${id}::uuid, ${at}::timestamptz) AS erased`;
      return rows[0]?.erased === true;
    },

    async eraseAppointment(
      service: ServiceCode,
      id: string,
      at: Date,
      client: DbClient,
    ): Promise<boolean> {
      const rows = await client.$queryRaw<{ erased: boolean }[]>`
        SELECT casework_erase_appointment(${id}::uuid, ${at}::timestamptz) AS erased`;
      return rows[0]?.erased === true;
    },

    /** When the last retention sweep ran (its access-log event), or null. */
    async lastSweepAt(): Promise<Date | null> {
      const row = await db.auditEvent.findFirst({
        where: { action: 'retention.sweep' },
        orderBy: { seq: 'desc' },
        select: { at: true },
      });
      return row?.at ?? null;
    },

    /** The tombstone of an erased case of the service, if there is one. */
    async erasedCase(service: ServiceCode, id: string, client: DbClient) {
      return client.erasedCase.findFirst({ where: { id, service } });
    },
  };
}

export type LifecycleRepository = ReturnType<typeof createLifecycleRepository>;

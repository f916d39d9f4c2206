import { randomUUID } from 'node:crypto';
import type { DbClient } from '../../database/db-client.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type {
  AppointmentKind,
  AppointmentStatus,
  ServiceCode,
} from '../../generated/prisma/enums.ts';
import type { FieldCrypto } from '../../keys/field-crypto.ts';
import type { StaffRef } from './case.repository.ts';
import { openEach, openFields, ownerOf, sealFields, type SealedSpec } from './sealed-fields.ts';

const TABLE = 'appointments';
const APPOINTMENT_SEALED = {
  location: { column: 'location', as: 'string' },
  note: { column: 'note', as: 'string' },
} as const satisfies SealedSpec;

export interface AppointmentFields {
  counsellorId: string;
  caseId: string | null;
  kind: AppointmentKind;
  status: AppointmentStatus;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  note: string | null;
}

export interface AppointmentRecord extends Omit<AppointmentFields, 'counsellorId'> {
  id: string;
  counsellor: StaffRef;
  createdAt: Date;
  updatedAt: Date;
}

/** An appointment without anything encrypted: for overlaps, lists of cases, the feed. */
export interface AppointmentSlot {
  id: string;
  kind: AppointmentKind;
  startsAt: Date;
  endsAt: Date;
}

export interface AppointmentQuery {
  from: Date;
  to: Date;
  counsellorId?: string;
  caseId?: string;
  includeCancelled: boolean;
  limit: number;
}

const COLUMNS = {
  id: true,
  caseId: true,
  kind: true,
  status: true,
  startsAt: true,
  endsAt: true,
  location: true,
  note: true,
  createdAt: true,
  updatedAt: true,
  counsellor: { select: { id: true, username: true } },
} as const satisfies Prisma.AppointmentSelect;

type Row = Prisma.AppointmentGetPayload<{ select: typeof COLUMNS }>;

const SLOT = { id: true, kind: true, startsAt: true, endsAt: true } as const;

/**
 * Appointments. Place and note are encrypted under the appointment's own data key (an
 * appointment need not belong to a case); kind, status and times are clear for the week view.
 */
export function createAppointmentRepository(fields: FieldCrypto) {
  const owner = (service: ServiceCode, id: string) => ownerOf(service, 'appointment', id);

  const toRecord = (row: Row, opened: { location: string | null; note: string | null }) => ({
    id: row.id,
    counsellor: row.counsellor,
    caseId: row.caseId,
    kind: row.kind,
    status: row.status,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    location: opened.location,
    note: opened.note,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });

  return {
    async create(
      service: ServiceCode,
      input: AppointmentFields & { createdById: string },
      client: DbClient,
    ): Promise<string> {
      const id = randomUUID();
      const sealed = await sealFields(
        fields,
        owner(service, id),
        TABLE,
        id,
        APPOINTMENT_SEALED,
        { location: input.location, note: input.note },
        client,
      );
      await client.appointment.create({
        data: {
          id,
          service,
          counsellorId: input.counsellorId,
          caseId: input.caseId,
          kind: input.kind,
          status: input.status,
          startsAt: input.startsAt,
          endsAt: input.endsAt,
          location: sealed.location ?? null,
          note: sealed.note ?? null,
          createdById: input.createdById,
        },
        select: { id: true },
      });
      return id;
    },

    async findById(
      service: ServiceCode,
      id: string,
      client: DbClient,
    ): Promise<AppointmentRecord | null> {
      const row = await client.appointment.findFirst({ where: { id, service }, select: COLUMNS });
      if (!row) return null;
      const opened = await openFields(
        fields,
        owner(service, id),
        TABLE,
        APPOINTMENT_SEALED,
        row,
        client,
      );
      return toRecord(row, opened);
    },

    /** Appointments that overlap [from, to), ordered by start; decrypted. */
    async list(
      service: ServiceCode,
      query: AppointmentQuery,
      client: DbClient,
    ): Promise<{ appointments: AppointmentRecord[]; truncated: boolean }> {
      const rows = await client.appointment.findMany({
        where: {
          service,
          counsellorId: query.counsellorId,
          caseId: query.caseId,
          status: query.includeCancelled ? undefined : 'scheduled',
          startsAt: { lt: query.to },
          endsAt: { gt: query.from },
        },
        orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
        take: query.limit + 1,
        select: COLUMNS,
      });
      const truncated = rows.length > query.limit;
      const shown = rows.slice(0, query.limit);
      const opened = await openEach(
        fields,
        TABLE,
        APPOINTMENT_SEALED,
        shown.map((row) => ({ owner: owner(service, row.id), row })),
        client,
      );
      return { appointments: shown.map((row, i) => toRecord(row, opened[i]!)), truncated };
    },

    /** The counsellor's scheduled appointments that overlap [startsAt, endsAt). */
    async overlapping(
      service: ServiceCode,
      counsellorId: string,
      startsAt: Date,
      endsAt: Date,
      excludeId: string | null,
      client: DbClient,
    ): Promise<AppointmentSlot[]> {
      return client.appointment.findMany({
        where: {
          service,
          counsellorId,
          status: 'scheduled',
          startsAt: { lt: endsAt },
          endsAt: { gt: startsAt },
          ...(excludeId ? { id: { not: excludeId } } : {}),
        },
        orderBy: { startsAt: 'asc' },
        take: 20,
        select: SLOT,
      });
    },

    /** The counsellor's scheduled appointments in [from, to), without encrypted fields. */
    async slots(
      service: ServiceCode,
      counsellorId: string,
      from: Date,
      to: Date,
      client: DbClient,
    ): Promise<AppointmentSlot[]> {
      return client.appointment.findMany({
        where: {
          service,
          counsellorId,
          status: 'scheduled',
          startsAt: { lt: to },
          endsAt: { gt: from },
        },
        orderBy: { startsAt: 'asc' },
        take: 2_000,
        select: SLOT,
      });
    },

    async update(
      service: ServiceCode,
      id: string,
      changes: Partial<AppointmentFields>,
      client: DbClient,
    ): Promise<void> {
      const sealed = await sealFields(
        fields,
        owner(service, id),
        TABLE,
        id,
        APPOINTMENT_SEALED,
        { location: changes.location, note: changes.note },
        client,
      );
      await client.appointment.updateMany({
        where: { id, service },
        data: {
          counsellorId: changes.counsellorId,
          caseId: changes.caseId,
          kind: changes.kind,
          status: changes.status,
          startsAt: changes.startsAt,
          endsAt: changes.endsAt,
          ...sealed,
        },
      });
    },
  };
}

export type AppointmentRepository = ReturnType<typeof createAppointmentRepository>;

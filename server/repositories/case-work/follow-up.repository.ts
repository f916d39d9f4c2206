import { randomUUID } from 'node:crypto';
import type { DbClient } from '../../database/db-client.ts';
import type { ServiceCode } from '../../generated/prisma/enums.ts';
import type { FieldCrypto } from '../../keys/field-crypto.ts';
import {
  fromDateColumn,
  openEach,
  ownerOf,
  sealFields,
  toDateColumn,
  type SealedSpec,
} from './sealed-fields.ts';

const TABLE = 'follow_ups';
const FOLLOW_UP_SEALED = { body: { column: 'body', as: 'string' } } as const satisfies SealedSpec;

/** A case holds at most this many follow-ups in one answer (and in the Art. 15 export). */
export const FOLLOW_UPS_LIMIT = 500;

export interface FollowUpRecord {
  id: string;
  caseId: string;
  dueOn: string;
  body: string;
  assigneeId: string;
  doneAt: Date | null;
  doneById: string | null;
  createdById: string;
  createdAt: Date;
  updatedAt: Date;
}

/** An open follow-up of someone's, with its case, before its text is opened (or not). */
export interface DueFollowUp {
  id: string;
  caseId: string;
  dueOn: string;
}

export interface FollowUpChange {
  dueOn?: string;
  body?: string;
  assigneeId?: string;
  /** Done at and by whom; null: not done (again). */
  done?: { at: Date; by: string } | null;
}

type Row = {
  id: string;
  caseId: string;
  dueOn: Date;
  body: Uint8Array;
  assigneeId: string;
  doneAt: Date | null;
  doneById: string | null;
  createdById: string;
  createdAt: Date;
  updatedAt: Date;
};

/**
 * Follow-ups with deadlines (Wiedervorlage) of a case: the text is sealed under the case's
 * data key like a note, so erasing the case (which destroys that key) leaves nothing readable;
 * the rows themselves go with the case row (ON DELETE CASCADE).
 */
export function createFollowUpRepository(fields: FieldCrypto) {
  async function open(service: ServiceCode, rows: Row[], client: DbClient) {
    const opened = await openEach(
      fields,
      TABLE,
      FOLLOW_UP_SEALED,
      rows.map((row) => ({ owner: ownerOf(service, 'case', row.caseId), row })),
      client,
    );
    return rows.map((row, i): FollowUpRecord => ({
      id: row.id,
      caseId: row.caseId,
      dueOn: fromDateColumn(row.dueOn),
      body: opened[i]!.body!,
      assigneeId: row.assigneeId,
      doneAt: row.doneAt,
      doneById: row.doneById,
      createdById: row.createdById,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }));
  }

  return {
    async create(
      service: ServiceCode,
      caseId: string,
      input: { dueOn: string; body: string; assigneeId: string; createdById: string },
      client: DbClient,
    ): Promise<FollowUpRecord> {
      const id = randomUUID();
      const sealed = await sealFields(
        fields,
        ownerOf(service, 'case', caseId),
        TABLE,
        id,
        FOLLOW_UP_SEALED,
        { body: input.body },
        client,
      );
      const row = await client.followUp.create({
        data: {
          id,
          service,
          caseId,
          dueOn: toDateColumn(input.dueOn),
          body: sealed.body!,
          assigneeId: input.assigneeId,
          createdById: input.createdById,
        },
      });
      return { ...row, dueOn: input.dueOn, body: input.body };
    },

    /** Open ones first by due day, then done ones, most recently done first. */
    async list(service: ServiceCode, caseId: string, client: DbClient): Promise<FollowUpRecord[]> {
      const rows = await client.followUp.findMany({
        where: { service, caseId },
        orderBy: [{ doneAt: { sort: 'desc', nulls: 'first' } }, { dueOn: 'asc' }, { id: 'asc' }],
        take: FOLLOW_UPS_LIMIT,
      });
      return open(service, rows, client);
    },

    async find(
      service: ServiceCode,
      caseId: string,
      id: string,
      client: DbClient,
    ): Promise<FollowUpRecord | null> {
      const row = await client.followUp.findFirst({ where: { id, caseId, service } });
      return row ? (await open(service, [row], client))[0]! : null;
    },

    async update(
      service: ServiceCode,
      caseId: string,
      id: string,
      change: FollowUpChange,
      client: DbClient,
    ): Promise<FollowUpRecord> {
      const sealed =
        change.body === undefined
          ? {}
          : await sealFields(
              fields,
              ownerOf(service, 'case', caseId),
              TABLE,
              id,
              FOLLOW_UP_SEALED,
              { body: change.body },
              client,
            );
      const row = await client.followUp.update({
        where: { id, caseId, service },
        data: {
          ...(change.dueOn === undefined ? {} : { dueOn: toDateColumn(change.dueOn) }),
          ...(sealed.body ? { body: sealed.body } : {}),
          ...(change.assigneeId === undefined ? {} : { assigneeId: change.assigneeId }),
          ...(change.done === undefined
            ? {}
            : { doneAt: change.done?.at ?? null, doneById: change.done?.by ?? null }),
        },
      });
      return (await open(service, [row], client))[0]!;
    },

    /**
     * Someone's open follow-ups due on or before a day, oldest first, without their text (the
     * caller decides per case whether it may be shown, then opens it with `open`).
     */
    async dueFor(
      service: ServiceCode,
      assigneeId: string,
      dueBy: string,
      limit: number,
      client: DbClient,
    ): Promise<DueFollowUp[]> {
      const rows = await client.followUp.findMany({
        where: { service, assigneeId, doneAt: null, dueOn: { lte: toDateColumn(dueBy) } },
        orderBy: [{ dueOn: 'asc' }, { id: 'asc' }],
        take: limit,
        select: { id: true, caseId: true, dueOn: true },
      });
      return rows.map((row) => ({ ...row, dueOn: fromDateColumn(row.dueOn) }));
    },

    /** The texts of the given follow-ups of the service (others are simply missing). */
    async texts(
      service: ServiceCode,
      ids: readonly string[],
      client: DbClient,
    ): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await client.followUp.findMany({ where: { service, id: { in: [...ids] } } });
      const opened = await open(service, rows, client);
      return new Map(opened.map((record) => [record.id, record.body]));
    },
  };
}

export type FollowUpRepository = ReturnType<typeof createFollowUpRepository>;

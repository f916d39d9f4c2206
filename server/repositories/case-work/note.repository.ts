import { randomUUID } from 'node:crypto';
import type { DbClient } from '../../database/db-client.ts';
import type { NoteKind, ServiceCode } from '../../generated/prisma/enums.ts';
import type { FieldCrypto } from '../../keys/field-crypto.ts';
import { openEach, ownerOf, sealFields, type Page, type SealedSpec } from './sealed-fields.ts';

const TABLE = 'case_notes';
const NOTE_SEALED = { body: { column: 'body', as: 'string' } } as const satisfies SealedSpec;

export interface NoteRecord {
  id: string;
  caseId: string;
  kind: NoteKind;
  body: string;
  amendsNoteId: string | null;
  /** Later notes that correct this one, oldest first. */
  amendedBy: string[];
  authorId: string;
  createdAt: Date;
}

export interface NewNote {
  kind: NoteKind;
  body: string;
  amendsNoteId: string | null;
  authorId: string;
  /** From the service's clock, so that statistics count the month the note was written. */
  createdAt: Date;
}

/**
 * Notes of a case, append-only: there is no update method, and the database grants requests
 * no UPDATE or DELETE and refuses them by trigger. Encrypted under the case's data key.
 */
export function createNoteRepository(fields: FieldCrypto) {
  return {
    async create(
      service: ServiceCode,
      caseId: string,
      note: NewNote,
      client: DbClient,
    ): Promise<NoteRecord> {
      const id = randomUUID();
      const sealed = await sealFields(
        fields,
        ownerOf(service, 'case', caseId),
        TABLE,
        id,
        NOTE_SEALED,
        { body: note.body },
        client,
      );
      const row = await client.caseNote.create({
        data: {
          id,
          service,
          caseId,
          kind: note.kind,
          body: sealed.body!,
          amendsNoteId: note.amendsNoteId,
          authorId: note.authorId,
          createdAt: note.createdAt,
        },
        select: { createdAt: true },
      });
      return { id, caseId, ...note, amendedBy: [], createdAt: row.createdAt };
    },

    /** The kind of a note of this case, or null when the case has no such note. */
    async kindOf(
      service: ServiceCode,
      caseId: string,
      noteId: string,
      client: DbClient,
    ): Promise<NoteKind | null> {
      const row = await client.caseNote.findFirst({
        where: { id: noteId, caseId, service },
        select: { kind: true },
      });
      return row?.kind ?? null;
    },

    /** Newest first, each with the notes that amend it. */
    async list(
      service: ServiceCode,
      caseId: string,
      page: Page,
      client: DbClient,
    ): Promise<{ notes: NoteRecord[]; total: number }> {
      const where = { caseId, service };
      const rows = await client.caseNote.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: page.offset,
        take: page.limit,
      });
      const total = await client.caseNote.count({ where });
      const amendments =
        rows.length === 0
          ? []
          : await client.caseNote.findMany({
              where: { ...where, amendsNoteId: { in: rows.map((row) => row.id) } },
              orderBy: { createdAt: 'asc' },
              select: { id: true, amendsNoteId: true },
            });
      const owner = ownerOf(service, 'case', caseId);
      const opened = await openEach(
        fields,
        TABLE,
        NOTE_SEALED,
        rows.map((row) => ({ owner, row })),
        client,
      );
      return {
        notes: rows.map((row, i) => ({
          id: row.id,
          caseId: row.caseId,
          kind: row.kind,
          body: opened[i]!.body!,
          amendsNoteId: row.amendsNoteId,
          amendedBy: amendments
            .filter((amendment) => amendment.amendsNoteId === row.id)
            .map((amendment) => amendment.id),
          authorId: row.authorId,
          createdAt: row.createdAt,
        })),
        total,
      };
    },
  };
}

export type NoteRepository = ReturnType<typeof createNoteRepository>;

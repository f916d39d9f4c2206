import type { Clock } from '../../clock.ts';
import type { DbClient } from '../../database/db-client.ts';
import type { NoteKind } from '../../generated/prisma/enums.ts';
import type { NoteRecord, NoteRepository } from '../../repositories/case-work/note.repository.ts';
import type { Page } from '../../repositories/case-work/sealed-fields.ts';
import type { StaffRepository } from '../../repositories/case-work/staff.repository.ts';
import type { StatsFactRecorder } from '../../repositories/stats/stats-facts.repository.ts';
import type { NoteView } from '../../schemas/cases.schema.ts';
import type { RequestContext } from '../actor.ts';
import { missing, type CaseWorkScope } from './case-work-scope.ts';

/**
 * Notes are append-only: a correction is a new note that references the one it corrects
 * (`amendsNoteId`), and the corrected note lists its corrections (`amendedBy`). Nothing is
 * ever rewritten, so the history stays visible.
 */
export function createNoteService(deps: {
  scope: CaseWorkScope;
  notes: NoteRepository;
  staff: StaffRepository;
  facts: StatsFactRecorder;
  clock: Clock;
}) {
  const { scope, notes, staff, facts, clock } = deps;

  async function views(records: NoteRecord[], client: DbClient): Promise<NoteView[]> {
    const names = await staff.usernames(
      records.map((note) => note.authorId),
      client,
    );
    return records.map((note) => ({
      id: note.id,
      kind: note.kind,
      body: note.body,
      amendsNoteId: note.amendsNoteId,
      amendedBy: note.amendedBy,
      author: { id: note.authorId, username: names.get(note.authorId) ?? '' },
      createdAt: note.createdAt.toISOString(),
    }));
  }

  return {
    async list(context: RequestContext, caseId: string, page: Page) {
      return scope.run(
        context,
        { action: 'note.list', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await scope.openCase(context, service, caseId, client, event);
          const found = await notes.list(service, caseId, page, client);
          return { notes: await views(found.notes, client), total: found.total, ...page };
        },
      );
    },

    async create(
      context: RequestContext,
      caseId: string,
      input: { kind: NoteKind; body: string },
    ): Promise<NoteView> {
      return scope.run(
        context,
        { action: 'note.create', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await scope.openCase(context, service, caseId, client, event);
          const note = await notes.create(
            service,
            caseId,
            {
              ...input,
              amendsNoteId: null,
              authorId: context.actor!.userId,
              createdAt: clock.now(),
            },
            client,
          );
          await facts.record(service, 'note', note.id, client);
          return (await views([note], client))[0]!;
        },
      );
    },

    async amend(
      context: RequestContext,
      caseId: string,
      noteId: string,
      input: { body: string; kind?: NoteKind },
    ): Promise<NoteView> {
      return scope.run(
        context,
        { action: 'note.amend', targetType: 'case', targetId: caseId },
        async (client, service, event) => {
          await scope.openCase(context, service, caseId, client, event);
          const original =
            (await notes.kindOf(service, caseId, noteId, client)) ??
            missing('No such note in this case.');
          const note = await notes.create(
            service,
            caseId,
            {
              kind: input.kind ?? original,
              body: input.body,
              amendsNoteId: noteId,
              authorId: context.actor!.userId,
              createdAt: clock.now(),
            },
            client,
          );
          return (await views([note], client))[0]!;
        },
      );
    },
  };
}

export type NoteService = ReturnType<typeof createNoteService>;

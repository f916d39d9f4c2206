import type { DbClient } from '../../database/db-client.ts';
import type { AccompanimentKind, ProceedingRole } from '../../generated/prisma/enums.ts';
import type { AccompanimentModel } from '../../generated/prisma/models.ts';
import {
  fromDateColumn,
  toDateColumn,
  type SealedSpec,
} from '../../repositories/case-work/sealed-fields.ts';
import {
  AccompanimentList,
  AccompanimentView,
  CreateAccompanimentBody,
  UpdateAccompanimentBody,
} from '../../schemas/backup-counselling.schema.ts';
import type { RecordTable } from '../../repositories/case-records/record.repository.ts';
import { defineRecordType } from '../record-type.ts';

export interface AccompanimentFields {
  kind: AccompanimentKind;
  takesPlaceOn: string;
  role: ProceedingRole;
  psychosocialSupport: boolean;
  court: string | null;
  courtFileNumber: string | null;
  outcome: string | null;
}

export interface AccompanimentRecord extends AccompanimentFields {
  id: string;
  caseId: string;
  createdAt: Date;
  updatedAt: Date;
}

const sealed = {
  court: { column: 'court', as: 'string' },
  courtFileNumber: { column: 'court_file_number', as: 'string' },
  outcome: { column: 'outcome', as: 'string' },
} as const satisfies SealedSpec;

/** BackUp's accompaniments to police interviews and court hearings. */
export const accompaniments = defineRecordType({
  service: 'backup',
  what: 'Accompaniments',
  store: {
    table: 'accompaniments',
    rows: (client: DbClient) => client.accompaniment as unknown as RecordTable<AccompanimentModel>,
    sealed,
    // The court file number is searchable by exact match (the case search).
    blindIndexes: {
      courtFileNumber: {
        name: 'accompaniment.court_file_number',
        column: 'courtFileNumberIndex',
        versionColumn: 'indexKeyVersion',
      },
    },
    orderBy: [{ takesPlaceOn: 'desc' }, { createdAt: 'desc' }],
    columns: (input: Partial<AccompanimentFields & { createdById: string }>) => ({
      kind: input.kind,
      takesPlaceOn: input.takesPlaceOn === undefined ? undefined : toDateColumn(input.takesPlaceOn),
      role: input.role,
      psychosocialSupport: input.psychosocialSupport,
      createdById: input.createdById,
    }),
    record: (row, opened): AccompanimentRecord => ({
      id: row.id,
      caseId: row.caseId,
      kind: row.kind,
      takesPlaceOn: fromDateColumn(row.takesPlaceOn),
      role: row.role,
      psychosocialSupport: row.psychosocialSupport,
      ...opened,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }),
  },
  path: 'accompaniments',
  tags: ['backup'],
  audit: {
    list: 'accompaniment.list',
    create: 'accompaniment.create',
    update: 'accompaniment.update',
  },
  fact: 'accompaniment',
  schemas: {
    list: AccompanimentList,
    create: CreateAccompanimentBody,
    update: UpdateAccompanimentBody,
    view: AccompanimentView,
  },
  summaries: {
    list: 'Accompaniments to police interviews and court hearings',
    create: 'Record an accompaniment (the court file number becomes searchable)',
    update: 'Change an accompaniment (e.g. its outcome)',
  },
  notFound: 'No such accompaniment in this case.',
  view: (record): AccompanimentView => ({
    id: record.id,
    kind: record.kind,
    takesPlaceOn: record.takesPlaceOn,
    role: record.role,
    psychosocialSupport: record.psychosocialSupport,
    court: record.court,
    courtFileNumber: record.courtFileNumber,
    outcome: record.outcome,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  }),
  list: (views) => ({ accompaniments: views }),
  input: (body: CreateAccompanimentBody, call) => ({
    kind: body.kind,
    takesPlaceOn: body.takesPlaceOn,
    role: body.role,
    psychosocialSupport: body.psychosocialSupport ?? false,
    court: body.court ?? null,
    courtFileNumber: body.courtFileNumber ?? null,
    outcome: body.outcome ?? null,
    createdById: call.actorId,
  }),
  checkUpdate: (_patch: UpdateAccompanimentBody) => undefined,
});

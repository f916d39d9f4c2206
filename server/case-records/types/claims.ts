import type { DbClient } from '../../database/db-client.ts';
import type { ClaimStatus } from '../../generated/prisma/enums.ts';
import type { CompensationClaimModel } from '../../generated/prisma/models.ts';
import {
  fromOptionalDateColumn,
  toDateColumn,
  type SealedSpec,
} from '../../repositories/case-work/sealed-fields.ts';
import {
  ClaimList,
  ClaimView,
  CreateClaimBody,
  UpdateClaimBody,
} from '../../schemas/backup-counselling.schema.ts';
import type { RecordTable } from '../../repositories/case-records/record.repository.ts';
import { defineRecordType, invalid } from '../record-type.ts';

export interface ClaimFields {
  status: ClaimStatus;
  filedOn: string | null;
  decidedOn: string | null;
  note: string | null;
}

export interface ClaimRecord extends ClaimFields {
  id: string;
  caseId: string;
  createdAt: Date;
  updatedAt: Date;
}

const sealed = { note: { column: 'note', as: 'string' } } as const satisfies SealedSpec;

const optionalDate = (day: string | null | undefined) =>
  day === undefined ? undefined : day === null ? null : toDateColumn(day);

function checkDates(filedOn: string | null, decidedOn: string | null) {
  if (filedOn !== null && decidedOn !== null && decidedOn < filedOn) {
    throw invalid('decidedOn cannot be before filedOn.', 'date_order', {
      field: '/decidedOn',
      other: 'filedOn',
    });
  }
}

/** BackUp's claims under the victim compensation law (OEG). */
export const claims = defineRecordType({
  service: 'backup',
  what: 'Compensation claims',
  store: {
    table: 'compensation_claims',
    rows: (client: DbClient) =>
      client.compensationClaim as unknown as RecordTable<CompensationClaimModel>,
    sealed,
    orderBy: { createdAt: 'desc' },
    columns: (input: Partial<ClaimFields & { createdById: string }>) => ({
      status: input.status,
      filedOn: optionalDate(input.filedOn),
      decidedOn: optionalDate(input.decidedOn),
      createdById: input.createdById,
    }),
    record: (row, opened): ClaimRecord => ({
      id: row.id,
      caseId: row.caseId,
      status: row.status,
      filedOn: fromOptionalDateColumn(row.filedOn),
      decidedOn: fromOptionalDateColumn(row.decidedOn),
      note: opened.note,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }),
  },
  path: 'compensation-claims',
  tags: ['backup'],
  audit: { list: 'claim.list', create: 'claim.create', update: 'claim.update' },
  schemas: { list: ClaimList, create: CreateClaimBody, update: UpdateClaimBody, view: ClaimView },
  summaries: {
    list: 'Claims under the victim compensation law (OEG)',
    create: 'Record a claim under the victim compensation law',
    update: "Change a claim's status or dates",
  },
  notFound: 'No such claim in this case.',
  view: (record): ClaimView => ({
    id: record.id,
    status: record.status,
    filedOn: record.filedOn,
    decidedOn: record.decidedOn,
    note: record.note,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  }),
  list: (views) => ({ claims: views }),
  input: (body: CreateClaimBody, call) => {
    checkDates(body.filedOn ?? null, body.decidedOn ?? null);
    return {
      status: body.status,
      filedOn: body.filedOn ?? null,
      decidedOn: body.decidedOn ?? null,
      note: body.note ?? null,
      createdById: call.actorId,
    };
  },
  checkUpdate: (patch: UpdateClaimBody, current) =>
    checkDates(
      patch.filedOn === undefined ? current.filedOn : patch.filedOn,
      patch.decidedOn === undefined ? current.decidedOn : patch.decidedOn,
    ),
});

import type { DbClient } from '../../database/db-client.ts';
import type { ConsentForm, ReferralTarget } from '../../generated/prisma/enums.ts';
import type { ReferralModel } from '../../generated/prisma/models.ts';
import {
  fromDateColumn,
  toDateColumn,
  type SealedSpec,
} from '../../repositories/case-work/sealed-fields.ts';
import {
  CreateReferralBody,
  ReferralList,
  ReferralView,
} from '../../schemas/backup-counselling.schema.ts';
import type { RecordTable } from '../../repositories/case-records/record.repository.ts';
import { defineRecordType, invalid } from '../record-type.ts';

export interface ReferralFields {
  target: ReferralTarget;
  referredOn: string;
  consentForm: ConsentForm;
  consentOn: string;
  details: string | null;
}

export interface ReferralRecord extends ReferralFields {
  id: string;
  caseId: string;
  createdById: string;
  createdAt: Date;
}

const sealed = { details: { column: 'details', as: 'string' } } as const satisfies SealedSpec;

/** BackUp's referrals to lawyers, therapists and other services, with the person's consent. */
export const referrals = defineRecordType({
  service: 'backup',
  what: 'Referrals',
  store: {
    table: 'referrals',
    rows: (client: DbClient) => client.referral as unknown as RecordTable<ReferralModel>,
    sealed,
    orderBy: [{ referredOn: 'desc' }, { createdAt: 'desc' }],
    columns: (input: Partial<ReferralFields & { createdById: string }>) => ({
      target: input.target,
      referredOn: input.referredOn === undefined ? undefined : toDateColumn(input.referredOn),
      consentForm: input.consentForm,
      consentOn: input.consentOn === undefined ? undefined : toDateColumn(input.consentOn),
      createdById: input.createdById,
    }),
    record: (row, opened): ReferralRecord => ({
      id: row.id,
      caseId: row.caseId,
      target: row.target,
      referredOn: fromDateColumn(row.referredOn),
      consentForm: row.consentForm,
      consentOn: fromDateColumn(row.consentOn),
      details: opened.details,
      createdById: row.createdById,
      createdAt: row.createdAt,
    }),
  },
  path: 'referrals',
  tags: ['backup'],
  audit: { list: 'referral.list', create: 'referral.create' },
  schemas: { list: ReferralList, create: CreateReferralBody, view: ReferralView },
  summaries: {
    list: 'Referrals to lawyers, therapists and other services',
    create: "Record a referral with the person's consent",
  },
  notFound: 'No such referral in this case.',
  staffIds: (record) => [record.createdById],
  view: (record, staff): ReferralView => ({
    id: record.id,
    target: record.target,
    referredOn: record.referredOn,
    consentForm: record.consentForm,
    consentOn: record.consentOn,
    details: record.details,
    createdBy: staff(record.createdById),
    createdAt: record.createdAt.toISOString(),
  }),
  list: (views) => ({ referrals: views }),
  // A referral records the person's consent: how it was given, and when (not after).
  input: (body: CreateReferralBody, call) => {
    if (body.consentOn > body.referredOn) {
      throw invalid('consentOn cannot be after referredOn: consent comes first.', 'date_order', {
        field: '/referredOn',
        other: 'consentOn',
      });
    }
    return { ...body, details: body.details ?? null, createdById: call.actorId };
  },
  checkUpdate: (_patch: never) => undefined,
});

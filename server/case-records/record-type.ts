import type { TSchema } from 'typebox';
import { AppError, type ErrorParams, type ErrorReason } from '../errors/app-error.ts';
import type { DbClient } from '../database/db-client.ts';
import type { ServiceCode } from '../generated/prisma/enums.ts';
import type { SealedSpec } from '../repositories/case-work/sealed-fields.ts';
import type { CaseHeader } from '../repositories/case-work/case.repository.ts';
import type { FactSubject } from '../repositories/stats/stats-facts.repository.ts';
import type { StaffRef } from '../schemas/case-work.schema.ts';
import type { AuditAction } from '../schemas/audit-actions.ts';
import type { CaseWorkEvent } from '../services/cases/case-work-scope.ts';
import type { RecordStore } from '../repositories/case-records/record.repository.ts';

/** What a record type's rules may see of the call. */
export interface RecordCall {
  service: ServiceCode;
  caseId: string;
  header: CaseHeader;
  now: Date;
  /** Today in Germany, `YYYY-MM-DD`. */
  today: string;
  actorId: string;
  client: DbClient;
}

/**
 * A kind of record about a case, declared once: its table and sealed fields (`store`), the
 * counselling service whose cases have it, its routes' paths and schemas, its access-log
 * actions and statistics fact. The generic repository, service and routes do the rest — the
 * access rule, the access-log event, the encryption — the same way for every type.
 */
export interface CaseRecordType<
  Rec extends { id: string },
  Input extends object,
  Create,
  Patch extends object,
  View,
  List,
  Row = unknown,
  Sealed extends SealedSpec = SealedSpec,
> {
  /** The service whose cases have these records; the other is refused with 403. */
  service: ServiceCode;
  /** Plural, for the refusal "… are recorded by BackUp only". */
  what: string;
  store: RecordStore<Row, Sealed, Input, Rec>;
  /** Below `/api/cases/:id/`. */
  path: string;
  tags: string[];
  audit: { list: AuditAction; create: AuditAction; update?: AuditAction };
  /** The statistics fact kept up to date on every write, if the type has one. */
  fact?: FactSubject;
  schemas: { list: TSchema; create: TSchema; view: TSchema; update?: TSchema };
  summaries: { list: string; create: string; update?: string };
  /** Create may answer 409 (a unique index refused the row; see `duplicate`). */
  conflicts?: boolean;
  /** The 404 message of an update of a record that is not in the case. */
  notFound: string;
  /** Staff the view names (resolved to user names for `view`). */
  staffIds?(record: Rec): (string | null)[];
  view(record: Rec, staff: (id: string) => StaffRef): View;
  list(views: View[], header: CaseHeader): List;
  /** The stored input of a create body: defaults filled in, rules checked (throw AppError). */
  input(body: Create, call: RecordCall): Input | Promise<Input>;
  /** Checks a change against the record as it is (throw AppError). */
  checkUpdate?(patch: Patch, current: Rec): void;
  /** Work after a create in the same transaction (e.g. the case's own columns). */
  afterCreate?(
    record: Rec,
    call: RecordCall & {
      updateCase(fields: object): Promise<void>;
      recordFact(subject: FactSubject, id: string): Promise<void>;
      event: CaseWorkEvent;
    },
  ): Promise<void>;
  /** The error when `store` refused a create (a unique index). */
  duplicate?(): Error;
}

/** Type inference for a declaration (no runtime effect). */
export const defineRecordType = <
  Rec extends { id: string },
  Input extends object,
  Create,
  Patch extends object,
  View,
  List,
  Row,
  Sealed extends SealedSpec,
>(
  type: CaseRecordType<Rec, Input, Create, Patch, View, List, Row, Sealed>,
) => type;

/** A 400 invalid_request with the reason the UI translates. */
export const invalid = (message: string, reason: ErrorReason, params?: ErrorParams) =>
  new AppError('invalid_request', message, { reason, ...(params ? { params } : {}) });

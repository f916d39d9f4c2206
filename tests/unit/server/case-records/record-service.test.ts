import { describe, expect, it } from 'vitest';
import { createCaseRecordRepository } from '../../../../server/repositories/case-records/record.repository.ts';
import { createCaseRecordService } from '../../../../server/case-records/record.service.ts';
import { accompaniments } from '../../../../server/case-records/types/accompaniments.ts';
import { claims } from '../../../../server/case-records/types/claims.ts';
import { exitPhases } from '../../../../server/case-records/types/exit-phases.ts';
import { referrals } from '../../../../server/case-records/types/referrals.ts';
import { riskAssessments } from '../../../../server/case-records/types/risk-assessments.ts';
import type { DbClient } from '../../../../server/database/db-client.ts';
import { AppError } from '../../../../server/errors/app-error.ts';
import type { ServiceCode } from '../../../../server/generated/prisma/enums.ts';
import type { FieldCrypto } from '../../../../server/keys/field-crypto.ts';
import type { CaseHeader } from '../../../../server/repositories/case-work/case.repository.ts';
import type { DataKeyOwnerRef } from '../../../../server/repositories/key.repository.ts';
import { AUDIT_ACTIONS } from '../../../../server/schemas/audit-actions.ts';
import type { RequestContext } from '../../../../server/services/actor.ts';
import type { AuditLog } from '../../../../server/services/audit-log.ts';
import { createCaseWorkScope } from '../../../../server/services/cases/case-work-scope.ts';
import { testClock } from '../../../support/test-clock.ts';

// The generic service rules of case records over in-memory tables: no PostgreSQL. The fakes
// keep only what the rules need (row-level security is the integration tier's to prove).

type Row = Record<string, unknown> & { id: string };

/** One table: equality filters, insert with the database's defaults, update in place. */
function memoryTable() {
  const rows: Row[] = [];
  const matches = (row: Row, where: Record<string, unknown>) =>
    Object.entries(where).every(([key, value]) => value === undefined || row[key] === value);
  return {
    rows,
    async findMany(args: { where: Record<string, unknown>; take?: number }) {
      return rows.filter((row) => matches(row, args.where)).slice(0, args.take);
    },
    async findFirst(args: { where: Record<string, unknown> }) {
      return rows.find((row) => matches(row, args.where)) ?? null;
    },
    async createManyAndReturn(args: { data: Row[] }) {
      const at = new Date('2026-11-23T09:00:00Z');
      const created = args.data.map((data) => ({
        createdAt: at,
        updatedAt: at,
        decidedById: null,
        ...Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined)),
      })) as unknown as Row[];
      rows.push(...created);
      return created;
    },
    async updateMany(args: { where: Record<string, unknown>; data: Record<string, unknown> }) {
      const hit = rows.filter((row) => matches(row, args.where));
      for (const row of hit) {
        for (const [key, value] of Object.entries(args.data))
          if (value !== undefined) row[key] = value;
      }
      return { count: hit.length };
    },
  };
}

/**
 * A stand-in for field encryption: the "ciphertext" is an opaque token; what it was sealed
 * for (owner and location) is kept beside it, and opening checks both.
 */
function memoryCrypto() {
  const sealed = new Map<number, { owner: string; location: string; value: unknown }>();
  const ownerKey = (owner: DataKeyOwnerRef) => `${owner.scope}/${owner.ownerType}/${owner.ownerId}`;
  const where = (l: { table: string; column: string; recordId: string }) =>
    `${l.table}.${l.column}#${l.recordId}`;
  const crypto = {
    async encryptMany(
      owner: DataKeyOwnerRef,
      fields: Record<
        string,
        { location: { table: string; column: string; recordId: string }; value: unknown }
      >,
    ) {
      return Object.fromEntries(
        Object.entries(fields).map(([name, { location, value }]) => {
          if (value === null || value === undefined) return [name, null];
          const token = sealed.size + 1;
          sealed.set(token, { owner: ownerKey(owner), location: where(location), value });
          return [name, new Uint8Array([0xff, token])];
        }),
      );
    },
    async decryptEach(
      items: Array<{
        owner: DataKeyOwnerRef;
        fields: Record<
          string,
          { location: { table: string; column: string; recordId: string }; blob: Uint8Array | null }
        >;
      }>,
    ) {
      return items.map(({ owner, fields }) =>
        Object.fromEntries(
          Object.entries(fields).map(([name, { location, blob }]) => {
            if (blob === null) return [name, null];
            const entry = sealed.get(blob[1]!);
            if (entry?.owner !== ownerKey(owner) || entry.location !== where(location)) {
              throw new Error(`${name}: sealed for another owner or place`);
            }
            return [name, entry.value];
          }),
        ),
      );
    },
    async blindIndex(_scope: string, _field: string, value: string) {
      return { value: value.length, keyVersion: 1 };
    },
  };
  return { sealed, crypto: crypto as unknown as FieldCrypto };
}

const BACKUP_CASE = '11111111-1111-4111-8111-111111111111';
const COMEBACK_CASE = '22222222-2222-4222-8222-222222222222';
const ALICE = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const CARLA = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';

function header(id: string, service: ServiceCode, assigned: string): CaseHeader {
  return {
    id,
    service,
    caseNumber: service === 'backup' ? 'B-2026-0001' : 'C-2026-0001',
    status: 'open',
    anonymous: false,
    openedOn: '2026-01-05',
    closedOn: null,
    exitPhase: service === 'comeback' ? 'first_contact' : null,
    riskLevel: service === 'comeback' ? 'low' : null,
    assignedCounsellorId: assigned,
    coCounsellorId: null,
    createdAt: new Date('2026-01-05T10:00:00Z'),
  };
}

const counsellor = (
  userId: string,
  service: ServiceCode,
  accessReason?: string,
): RequestContext => ({
  actor: { userId, username: userId.slice(0, 5), role: 'counsellor', service },
  clientAddress: null,
  requestId: 'req-1',
  accessReason,
});

function world() {
  const tables = {
    accompaniment: memoryTable(),
    compensationClaim: memoryTable(),
    referral: memoryTable(),
    exitPhaseChange: memoryTable(),
    riskAssessment: memoryTable(),
  };
  const client = tables as unknown as DbClient;
  const { sealed, crypto } = memoryCrypto();
  const events: Array<Record<string, unknown>> = [];
  const audit = {
    async record(_context: RequestContext, event: Record<string, unknown>) {
      events.push(event);
    },
  } as unknown as AuditLog;
  const cases = [header(BACKUP_CASE, 'backup', ALICE), header(COMEBACK_CASE, 'comeback', CARLA)];
  const caseUpdates: object[] = [];
  const scope = createCaseWorkScope({
    transact: (_service, work) => work(client),
    audit,
    clock: testClock(),
    cases: {
      // As row-level security does: another service's case is not there.
      async findHeader(service, id) {
        return cases.find((c) => c.id === id && c.service === service) ?? null;
      },
      async sealAccessReason() {
        return { ciphertext: new Uint8Array([1]), digest: new Uint8Array([2]) };
      },
    },
  });
  const facts: Array<[string, string]> = [];
  const deps = {
    scope,
    staff: { usernames: async () => new Map<string, string>() },
    facts: {
      async record(_service: ServiceCode, subject: string, id: string) {
        facts.push([subject, id]);
      },
    },
    cases: {
      async update(_service: ServiceCode, _id: string, changes: object) {
        caseUpdates.push(changes);
      },
    },
  };
  return {
    tables,
    sealed,
    events,
    facts,
    caseUpdates,
    accompaniments: createCaseRecordService(
      deps,
      accompaniments,
      createCaseRecordRepository(crypto, accompaniments.store),
    ),
    claims: createCaseRecordService(deps, claims, createCaseRecordRepository(crypto, claims.store)),
    exitPhases: createCaseRecordService(
      deps,
      exitPhases,
      createCaseRecordRepository(crypto, exitPhases.store),
    ),
  };
}

const hearing = {
  kind: 'court_hearing' as const,
  takesPlaceOn: '2026-12-01',
  role: 'witness' as const,
  court: 'Amtsgericht Leipzig',
  courtFileNumber: '12 Ds 345/26',
};

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('the generic service of case records', () => {
  it('answers a case of the other service as not found, audited, and touches no record', async () => {
    const w = world();
    const error = await refusal(
      w.accompaniments.create(counsellor(CARLA, 'comeback'), BACKUP_CASE, hearing),
    );
    expect(error.code).toBe('not_found');
    expect(w.tables.accompaniment.rows).toHaveLength(0);
    expect(w.events).toEqual([
      expect.objectContaining({
        action: 'accompaniment.create',
        targetId: BACKUP_CASE,
        outcome: 'denied',
        reason: 'not_found',
      }),
    ]);
  });

  it("refuses a record type of the other counselling service on one's own case (403)", async () => {
    const w = world();
    const error = await refusal(
      w.accompaniments.list(counsellor(CARLA, 'comeback'), COMEBACK_CASE),
    );
    expect(error.code).toBe('not_for_service');
    expect(w.events).toEqual([
      expect.objectContaining({
        action: 'accompaniment.list',
        outcome: 'denied',
        reason: 'not_for_service',
      }),
    ]);
  });

  it('asks a counsellor the case is not assigned to for a reason, and stores nothing', async () => {
    const w = world();
    const error = await refusal(
      w.accompaniments.create(counsellor(CARLA, 'backup'), BACKUP_CASE, hearing),
    );
    expect(error.code).toBe('access_reason_required');
    expect(w.tables.accompaniment.rows).toHaveLength(0);
    expect(w.events[0]).toMatchObject({ outcome: 'denied', reason: 'access_reason_required' });
  });

  it('writes one allowed access-log event per call, with the changed fields of an update', async () => {
    const w = world();
    const alice = counsellor(ALICE, 'backup');
    const created = await w.accompaniments.create(alice, BACKUP_CASE, hearing);
    await w.accompaniments.update(alice, BACKUP_CASE, created.id, {
      outcome: 'Vertagt',
      court: hearing.court,
    });
    await w.accompaniments.list(alice, BACKUP_CASE);
    expect(w.events.map((e) => [e.action, e.targetType, e.targetId, e.outcome])).toEqual([
      ['accompaniment.create', 'case', BACKUP_CASE, 'allowed'],
      ['accompaniment.update', 'case', BACKUP_CASE, 'allowed'],
      ['accompaniment.list', 'case', BACKUP_CASE, 'allowed'],
    ]);
    expect(w.events[1]!.reason).toBe('changed:outcome');
    expect(w.facts).toEqual([
      ['accompaniment', created.id],
      ['accompaniment', created.id],
    ]);
  });

  it('stores sealed fields only as ciphertexts bound to the case, table, column and record', async () => {
    const w = world();
    const alice = counsellor(ALICE, 'backup');
    const created = await w.accompaniments.create(alice, BACKUP_CASE, hearing);
    const [row] = w.tables.accompaniment.rows;
    for (const column of ['court', 'courtFileNumber']) {
      expect(row![column]).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(row![column] as Uint8Array).toString()).not.toContain('Leipzig');
    }
    expect(
      JSON.stringify(row, (_k, v: unknown) => (v instanceof Uint8Array ? '…' : v)),
    ).not.toMatch(/Leipzig|345\/26/);
    expect([...w.sealed.values()].map((entry) => [entry.owner, entry.location])).toEqual([
      [`backup/case/${BACKUP_CASE}`, `accompaniments.court#${created.id}`],
      [`backup/case/${BACKUP_CASE}`, `accompaniments.court_file_number#${created.id}`],
    ]);
    // The blind index of the court file number is written beside it.
    expect(row!.courtFileNumberIndex).toBe(hearing.courtFileNumber.length);
    const listed = await w.accompaniments.list(alice, BACKUP_CASE);
    expect(listed.accompaniments[0]).toMatchObject({ court: hearing.court, outcome: null });
  });

  it("keeps a type's own rule: a claim decided before it was filed is refused and not stored", async () => {
    const w = world();
    const error = await refusal(
      w.claims.create(counsellor(ALICE, 'backup'), BACKUP_CASE, {
        status: 'granted',
        filedOn: '2026-05-02',
        decidedOn: '2026-05-01',
      }),
    );
    expect(error.code).toBe('invalid_request');
    expect(w.tables.compensationClaim.rows).toHaveLength(0);
  });

  it('moves the case with a new exit phase and keeps both statistics facts', async () => {
    const w = world();
    const change = await w.exitPhases.create(counsellor(CARLA, 'comeback'), COMEBACK_CASE, {
      phase: 'distancing',
    });
    expect(change).toMatchObject({ phase: 'distancing', changedOn: '2026-11-23' });
    expect(w.caseUpdates).toEqual([{ exitPhase: 'distancing' }]);
    expect(w.facts).toEqual([
      ['exit_phase', change.id],
      ['case', COMEBACK_CASE],
    ]);
  });

  it('declares only known access-log actions for every record type', () => {
    for (const type of [accompaniments, claims, referrals, exitPhases, riskAssessments]) {
      for (const action of Object.values(type.audit)) expect(AUDIT_ACTIONS).toContain(action);
    }
  });
});

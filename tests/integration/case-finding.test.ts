import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, lastAuditSeq } from '../support/access-log-queries.ts';
import { expectStatus, newCase, startTeam, type Staff } from '../support/case-work.ts';

const found = {} as Record<
  'moewe' | 'moewe2' | 'zeisig' | 'named' | 'theirs',
  { id: string; caseNumber: string }
>;

const search = (who: Staff, q: string) =>
  who.http('POST', '/api/cases/search', { q, limit: 100, offset: 0 });
const numbersOf = (body: { cases: { caseNumber: string }[] }) =>
  body.cases.map((c) => c.caseNumber).sort();

// ben is anna's BackUp colleague.
const { t, anna, ben, clara } = await startTeam(
  { anna: 'backup', ben: 'backup', clara: 'comeback' },
  { at: '2026-12-03T09:00:00Z' },
);
beforeAll(async () => {
  found.moewe = await newCase(anna, { person: { pseudonym: 'Demo Möwe 25' } });
  found.moewe2 = await newCase(ben, { person: { pseudonym: 'MOEWE am Hafen' } });
  found.zeisig = await newCase(anna, { person: { pseudonym: 'Zeisig 7' } });
  found.named = await newCase(anna, {
    person: { pseudonym: 'Kranich 3', name: 'Aylin Beispielfrau' },
  });
  found.theirs = await newCase(clara, { person: { pseudonym: 'Möwe der Anderen' } });
});
afterAll(() => t.close());

describe('POST /api/cases/search — partial', () => {
  it('finds a case by part of its pseudonym, umlauts and case folded as search compares them', async () => {
    const body = expectStatus(await search(anna, 'Möwe'), 200);
    expect(numbersOf(body)).toEqual([found.moewe.caseNumber, found.moewe2.caseNumber].sort());
    expect(numbersOf(expectStatus(await search(anna, 'moewe'), 200))).toEqual(numbersOf(body));
    expect(numbersOf(expectStatus(await search(anna, 'eisi'), 200))).toEqual([
      found.zeisig.caseNumber,
    ]);
  });

  it('finds a case by part of its case number', async () => {
    const [, year, number] = found.zeisig.caseNumber.split('-');
    expect(numbersOf(expectStatus(await search(anna, `${year}-${number}`), 200))).toEqual([
      found.zeisig.caseNumber,
    ]);
    const body = expectStatus(await anna.http('GET', `/api/cases?q=${year}-${number}`), 200);
    expect(numbersOf(body)).toEqual([found.zeisig.caseNumber]);
  });

  it('never matches part of a real name, nor another service, nor terms under three letters', async () => {
    expect(expectStatus(await search(anna, 'Beispiel'), 200).cases).toEqual([]);
    expect(numbersOf(expectStatus(await search(anna, 'Aylin Beispielfrau'), 200))).toEqual([
      found.named.caseNumber,
    ]);
    expect(numbersOf(expectStatus(await search(anna, 'Anderen'), 200))).toEqual([]);
    expect(numbersOf(expectStatus(await search(clara, 'Möwe'), 200))).toEqual([
      found.theirs.caseNumber,
    ]);
    expect(expectStatus(await search(anna, 'Ze'), 200).cases).toEqual([]);
  });

  it('audits the case numbers found, never the term', async () => {
    const before = await lastAuditSeq(t);
    expectStatus(await search(anna, 'Zeisig'), 200);
    const events = await auditEvents(t, { action: 'case.search', sinceSeq: before });
    expect(events).toEqual([
      expect.objectContaining({ outcome: 'allowed', targetId: found.zeisig.caseNumber }),
    ]);
    expect(events.map(({ seq: _seq, ...event }) => JSON.stringify(event)).join()).not.toContain(
      'Zeisig',
    );
  });
});

describe('GET /api/cases — cursor paging and sorting', () => {
  /** Every page of a list, following `nextCursor`, as case numbers in the order shown. */
  async function walk(who: Staff, query: string): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const url: string = `/api/cases?limit=2&${query}${cursor ? `&cursor=${cursor}` : ''}`;
      const page = expectStatus(await who.http('GET', url), 200);
      seen.push(...page.cases.map((c: { caseNumber: string }) => c.caseNumber));
      cursor = page.nextCursor;
      if (cursor === null) return seen;
    }
    throw new Error('no last page');
  }

  it('pages through every case of the service, in each sort, without gaps or repeats', async () => {
    const all = expectStatus(await anna.http('GET', '/api/cases?limit=100'), 200);
    const numbers = all.cases.map((c: { caseNumber: string }) => c.caseNumber);
    expect(all.nextCursor).toBeNull();
    expect(numbers).toHaveLength(4);
    expect(await walk(anna, 'sort=openedOn')).toEqual(numbers);
    expect(await walk(anna, 'sort=caseNumber')).toEqual([...numbers].sort());
    expect(await walk(anna, 'sort=caseNumber&order=desc')).toEqual([...numbers].sort().reverse());
    const byCounsellor = await walk(anna, 'sort=counsellor');
    expect([...byCounsellor].sort()).toEqual([...numbers].sort());
    const names = byCounsellor.map(
      (n) =>
        all.cases.find((c: { caseNumber: string }) => c.caseNumber === n).assignedCounsellor
          .username,
    );
    expect(names).toEqual([...names].sort());
  });

  it('sorts by status and filters to my open cases', async () => {
    expectStatus(
      await anna.http('PATCH', `/api/cases/${found.zeisig.id}`, {
        status: 'closed',
        closingReason: 'erledigt',
      }),
      200,
    );
    const byStatus = expectStatus(await anna.http('GET', '/api/cases?sort=status'), 200);
    expect(byStatus.cases.map((c: { status: string }) => c.status)).toEqual([
      'open',
      'open',
      'open',
      'closed',
    ]);
    const mine = expectStatus(
      await anna.http('GET', `/api/cases?status=open&counsellorId=${anna.user.id}`),
      200,
    );
    expect(mine.cases.map((c: { caseNumber: string }) => c.caseNumber).sort()).toEqual(
      [found.moewe.caseNumber, found.named.caseNumber].sort(),
    );
  });

  it('refuses a cursor that is not one of its own (400)', async () => {
    const wrong = expectStatus(await anna.http('GET', '/api/cases?cursor=abc'), 400);
    expect(wrong).toMatchObject({ error: 'invalid_request', params: { field: '/cursor' } });
    const page = expectStatus(await anna.http('GET', '/api/cases?limit=1&sort=openedOn'), 200);
    // A cursor of one sort does not fit another (its keys differ).
    expectStatus(await anna.http('GET', `/api/cases?sort=status&cursor=${page.nextCursor}`), 400);
  });
});

describe('GET /api/cases — a forged cursor', () => {
  it('answers 400, never 500, for values that are not what the sort compares', async () => {
    const forged = (values: unknown[]) =>
      Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [sort, values] of [
      ['openedOn', ['abc', '2026-01-01T00:00:00.000Z', id]],
      ['openedOn', ['2026-01-01', 'yesterday', id]],
      ['status', ['gone', id]],
      ['caseNumber', ['BU-2026-0001', 'not-a-uuid']],
      ['caseNumber', [1, id]],
    ] as const) {
      const answer = await anna.http(
        'GET',
        `/api/cases?sort=${sort}&cursor=${forged([...values])}`,
      );
      expect(answer.statusCode, `${sort} ${JSON.stringify(values)}`).toBe(400);
    }
  });
});

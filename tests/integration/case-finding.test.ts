import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEvents,
  expectStatus,
  lastAuditSeq,
  newCase,
  newCounsellor,
  startCaseWorkApp,
  type CaseWorkApp,
  type Staff,
} from '../support/case-work.ts';

let t: CaseWorkApp;
let anna: Staff; // BackUp
let ben: Staff; // BackUp colleague
let clara: Staff; // ComeBack
const found = {} as Record<
  'moewe' | 'moewe2' | 'zeisig' | 'named' | 'theirs',
  { id: string; caseNumber: string }
>;

const search = (who: Staff, q: string) =>
  who.http('POST', '/api/cases/search', { q, limit: 100, offset: 0 });
const numbersOf = (body: { cases: { caseNumber: string }[] }) =>
  body.cases.map((c) => c.caseNumber).sort();

beforeAll(async () => {
  t = await startCaseWorkApp();
  t.clock.set(new Date('2026-12-03T09:00:00Z'));
  anna = await newCounsellor(t, 'backup');
  ben = await newCounsellor(t, 'backup');
  clara = await newCounsellor(t, 'comeback');
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

import { describe, expect, it } from 'vitest';
import { inPublicationOrder } from '../../../../server/services/chronicle/chronicle.service.ts';

describe('the order of a published chronicle', () => {
  it('does not place a month-only entry among the days of that month', () => {
    // Incidents on 2 and 27 April with the day agreed, one on 14 April with only the month.
    const entries = [
      { id: 'c', date: '2026-04-02' },
      { id: 'b', date: '2026-04' },
      { id: 'a', date: '2026-04-27' },
      { id: 'd', date: '2026-05' },
    ];
    expect(inPublicationOrder(entries).map((entry) => entry.id)).toEqual(['d', 'a', 'c', 'b']);
  });

  it('orders entries of the same published date by id, not by anything sealed', () => {
    const entries = [
      { id: 'f2', date: '2026-03' },
      { id: 'a9', date: '2026-03' },
    ];
    expect(inPublicationOrder(entries).map((entry) => entry.id)).toEqual(['a9', 'f2']);
  });
});

import { describe, expect, it } from 'vitest';
import { chronicleWarnings } from '../../../../server/services/chronicle/chronicle-warnings.ts';

const codes = (text: string, precision: 'day' | 'month' = 'month', alike = 3) =>
  chronicleWarnings(text, precision, alike).map((w) => `${w.code}:${w.match ?? ''}`);

describe('the warnings on a public text', () => {
  it('leave an ordinary German text alone (nouns at and after a sentence start)', () => {
    expect(
      codes('Zwei Menschen wurden angegriffen. Die Polizei ermittelt.\nEin Mann wurde verletzt.'),
    ).toEqual([]);
  });

  it('point at names, titles and initials', () => {
    expect(codes('Gestern wurde Ahmad Karimi bedroht.', 'day')).toContain('name:Ahmad Karimi');
    expect(codes('Er rief Frau Yilmaz an.')).toContain('name:Frau Yilmaz');
    expect(codes('Er traf Ahmad K. am Abend.')).toContain('name:Ahmad K.');
  });

  it('point at streets, house numbers and ages', () => {
    expect(codes('vor dem Haus Lindenweg 4a, ein 17-jähriger Schüler (17)')).toEqual(
      expect.arrayContaining([
        'street:Lindenweg',
        'house_number:Lindenweg 4a',
        'age:17-jähriger',
        'age:(17)',
      ]),
    );
  });

  it('point at a day when only the month was agreed, not when the day was', () => {
    for (const text of ['am 3. Mai', 'am 03.05.2026', 'am Samstagabend', 'am 2026-05-03']) {
      expect(
        codes(text).some((c) => c.startsWith('precise_date:')),
        text,
      ).toBe(true);
      expect(
        codes(text, 'day').some((c) => c.startsWith('precise_date:')),
        text,
      ).toBe(false);
    }
  });

  it('point at an incident alone of its kind in its district and month', () => {
    expect(codes('Ein Angriff.', 'month', 1)).toEqual(['rare_combination:']);
    expect(codes('Ein Angriff.', 'month', 2)).toEqual([]);
  });
});

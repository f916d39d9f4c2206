import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { auditEvents } from '../support/access-log-queries.ts';
import { expectStatus, startTeam } from '../support/case-work.ts';

const OFFENCES = ['simple_bodily_harm', 'coercion_threat', 'arson', 'grievous_bodily_harm'];
const MOTIVES = ['racism_anti_black', 'antisemitism', 'anti_lgbtiq', 'political_opponents'];
const DISTRICTS = ['bochum', 'dortmund', 'kreis_lippe'];

interface Made {
  occurredOn: string;
  offenceType: string;
  motives: string[];
  district: string;
  affectedCount: number;
}

/** Incidents of 2025 in varied categories (some with two motives), and some outside it. */
function incidents(): Made[] {
  const made: Made[] = [];
  for (let i = 0; i < 23; i += 1) {
    made.push({
      occurredOn: `2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`,
      offenceType: OFFENCES[i % OFFENCES.length]!,
      motives: i % 5 === 0 ? [MOTIVES[i % 4]!, MOTIVES[(i + 1) % 4]!] : [MOTIVES[(i * 3) % 4]!],
      district: DISTRICTS[i % DISTRICTS.length]!,
      affectedCount: (i % 3) + 1,
    });
  }
  made.push({ ...made[0]!, occurredOn: '2024-12-31' }, { ...made[1]!, occurredOn: '2026-01-01' });
  return made;
}

const { t, anna, lena, cora } = await startTeam({
  anna: 'backup',
  lena: 'team_lead:backup',
  cora: 'team_lead:comeback',
});
beforeAll(async () => {
  for (const made of incidents()) {
    expectStatus(
      await anna.http('POST', '/api/incidents', {
        ...made,
        affectedMinors: 0,
        reportedToPolice: 'unknown',
        source: 'affected_person',
      }),
      201,
    );
  }
});
afterAll(() => t.close());

describe('the annual monitoring export', () => {
  it('matches a count made independently from the incidents, category by category', async () => {
    const ofYear = incidents().filter((made) => made.occurredOn.startsWith('2025-'));
    const expected = new Map<string, { attacks: number; affected: number }>();
    for (const made of ofYear) {
      for (const motive of made.motives) {
        const key = [made.offenceType, motive, made.district].join('|');
        const cell = expected.get(key) ?? { attacks: 0, affected: 0 };
        cell.attacks += 1;
        cell.affected += made.affectedCount;
        expected.set(key, cell);
      }
    }
    const preview = expectStatus(await lena.http('GET', '/api/monitoring?year=2025'), 200);
    expect(preview.attacks).toBe(ofYear.length);
    expect(preview.affected).toBe(ofYear.reduce((sum, made) => sum + made.affectedCount, 0));
    const actual = new Map<string, { attacks: number; affected: number }>(
      (
        preview.rows as {
          offenceType: string;
          motive: string;
          district: string;
          attacks: number;
          affected: number;
        }[]
      ).map((row) => [
        [row.offenceType, row.motive, row.district].join('|'),
        { attacks: row.attacks, affected: row.affected },
      ]),
    );
    expect(actual).toEqual(expected);
    expect(preview.rows[0]).toMatchObject({
      offenceTypeLabel: expect.any(String),
      motiveLabel: expect.any(String),
      districtLabel: expect.any(String),
    });

    const json = await lena.http(
      'GET',
      `/api/monitoring/export?year=2025&format=json&preview=${preview.previewId}`,
    );
    expect(json.statusCode, json.body).toBe(200);
    expect(json.headers['content-disposition']).toContain('vbrg-monitoring-2025.json');
    expect(json.json()).toEqual(preview);

    const csv = await lena.http(
      'GET',
      `/api/monitoring/export?year=2025&format=csv&preview=${preview.previewId}`,
    );
    expect(csv.statusCode).toBe(200);
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    const records = parse(csv.body.slice(1), { delimiter: ';' }) as string[][];
    expect(records[0]).toEqual([
      'Jahr',
      'Tatbestand (Code)',
      'Tatbestand',
      'Motiv (Code)',
      'Motiv',
      'Kreis (Code)',
      'Kreis',
      'Angriffe',
      'Direkt Betroffene',
    ]);
    const fromCsv = new Map(
      records
        .slice(1, -1)
        .map((r) => [
          [r[1], r[3], r[5]].join('|'),
          { attacks: Number(r[7]), affected: Number(r[8]) },
        ]),
    );
    expect(fromCsv).toEqual(expected);
    expect(records.at(-1)).toEqual([
      '2025',
      'total',
      'Gesamt',
      '',
      '',
      '',
      '',
      String(preview.attacks),
      String(preview.affected),
    ]);
    expect(records.find((r) => r[1] === 'arson')?.[2]).toBe('Brandstiftung');
  });

  it('exports only the figures of the preview: a change since answers 409', async () => {
    const preview = expectStatus(await lena.http('GET', '/api/monitoring?year=2025'), 200);
    expectStatus(
      await anna.http('POST', '/api/incidents', {
        occurredOn: '2025-03-03',
        offenceType: 'arson',
        motives: ['antisemitism'],
        district: 'hamm',
        affectedCount: 1,
        affectedMinors: 0,
        reportedToPolice: 'no',
        source: 'press',
      }),
      201,
    );
    const stale = await lena.http(
      'GET',
      `/api/monitoring/export?year=2025&format=csv&preview=${preview.previewId}`,
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: 'conflict', reason: 'preview_outdated' });
    const missing = await lena.http('GET', '/api/monitoring/export?year=2025&format=csv');
    expect(missing.statusCode).toBe(400);
    const events = await auditEvents(t, { actorId: lena.user.id });
    expect(events.map((e) => [e.action, e.outcome, e.targetId]).slice(-2)).toEqual([
      ['monitoring.preview', 'allowed', '2025'],
      ['monitoring.export', 'denied', '2025'],
    ]);
  });

  it('is for BackUp team leads only', async () => {
    expect((await anna.http('GET', '/api/monitoring?year=2025')).statusCode).toBe(403);
    const comeback = await cora.http('GET', '/api/monitoring?year=2025');
    expect(comeback.statusCode).toBe(403);
    expect(comeback.json().error).toBe('not_for_service');
    const future = await lena.http('GET', '/api/monitoring?year=2027');
    expect(future.json()).toMatchObject({ reason: 'date_in_future' });
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditEvents, lastAuditSeq } from '../support/access-log-queries.ts';
import {
  approveChronicle,
  expectStatus,
  newCase,
  startTeam,
  withReason,
  type Staff,
} from '../support/case-work.ts';
import { buildChronicle } from '../../server/cli/chronicle-commands.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { serviceLoginUrl } from '../../server/database/database-roles.ts';

const incidentBody = (overrides: Record<string, unknown> = {}) => ({
  occurredOn: '2026-05-14',
  offenceType: 'simple_bodily_harm',
  motives: ['racism_anti_black'],
  district: 'bochum',
  affectedCount: 2,
  affectedMinors: 0,
  reportedToPolice: 'yes',
  source: 'affected_person',
  municipality: 'Bochum-Wattenscheid',
  description: 'Der sealed narrative',
  ...overrides,
});

const consent = (overrides: Record<string, unknown> = {}) => ({
  consentBy: 'die betroffene Person selbst',
  consentForm: 'written',
  consentOn: '2026-06-01',
  datePrecision: 'month',
  placePrecision: 'district',
  place: null,
  publicText: 'Zwei Menschen wurden aus rassistischen Motiven angegriffen und verletzt.',
  ...overrides,
});

async function newIncident(who: Staff, overrides: Record<string, unknown> = {}) {
  const own = await newCase(who);
  return expectStatus(
    await who.http('POST', '/api/incidents', incidentBody({ caseIds: [own.id], ...overrides })),
    201,
  ) as { id: string };
}

// anna writes the entries, ben is the named colleague, carl neither; lena and cora lead the teams.
const { t, anna, ben, carl, lena, clara, cora } = await startTeam({
  anna: 'backup',
  ben: 'backup',
  carl: 'backup',
  lena: 'team_lead:backup',
  clara: 'comeback',
  cora: 'team_lead:comeback',
});
afterAll(() => t.close());

describe('chronicle entries', () => {
  it('records consent and a public text on an incident; who agreed stays with the incident', async () => {
    const incident = await newIncident(anna);
    const saved = expectStatus(
      await anna.http('PUT', `/api/incidents/${incident.id}/chronicle`, consent()),
      200,
    );
    expect(saved).toMatchObject({
      incidentId: incident.id,
      state: 'pending',
      consentBy: 'die betroffene Person selbst',
      consentForm: 'written',
      consentOn: '2026-06-01',
      incident: { offenceType: 'simple_bodily_harm', motives: ['racism_anti_black'] },
      published: { date: '2026-05', district: 'bochum', municipality: null },
      author: { id: anna.user.id },
      approvedBy: null,
      mayApprove: false,
    });
    const again = expectStatus(
      await anna.http('GET', `/api/incidents/${incident.id}/chronicle`),
      200,
    );
    expect(again).toEqual(saved);
    const forLead = expectStatus(await lena.http('GET', `/api/chronicle/${saved.id}`), 200);
    expect(forLead).not.toHaveProperty('consentBy');
    expect(forLead.publicText).toBe(saved.publicText);
    expect(forLead.mayApprove).toBe(true);
  });

  it('names the municipality only when the person agreed to it', async () => {
    const incident = await newIncident(anna);
    const url = `/api/incidents/${incident.id}/chronicle`;
    const none = await anna.http('PUT', url, consent({ placePrecision: 'municipality' }));
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ reason: 'required', params: { field: '/place' } });
    const extra = await anna.http('PUT', url, consent({ place: 'Bochum' }));
    expect(extra.statusCode).toBe(400);
    const named = expectStatus(
      await anna.http(
        'PUT',
        url,
        consent({ placePrecision: 'municipality', place: 'Bochum', datePrecision: 'day' }),
      ),
      200,
    );
    expect(named.published).toEqual({
      date: '2026-05-14',
      district: 'bochum',
      municipality: 'Bochum',
    });
  });

  it('refuses a consent day in the future and the author as reviewer', async () => {
    const incident = await newIncident(anna);
    const url = `/api/incidents/${incident.id}/chronicle`;
    const future = await anna.http('PUT', url, consent({ consentOn: '2027-01-01' }));
    expect(future.json()).toMatchObject({ reason: 'date_in_future' });
    const self = await anna.http('PUT', url, consent({ reviewerId: anna.user.id }));
    expect(self.json()).toMatchObject({ reason: 'reviewer_is_author' });
    const other = await anna.http('PUT', url, consent({ reviewerId: clara.user.id }));
    expect(other.json()).toMatchObject({ reason: 'not_an_active_counsellor' });
  });
});

describe('four eyes', () => {
  it('lets neither the author nor an unnamed colleague approve; the named colleague may', async () => {
    const incident = await newIncident(anna);
    const entry = expectStatus(
      await anna.http(
        'PUT',
        `/api/incidents/${incident.id}/chronicle`,
        consent({ reviewerId: ben.user.id }),
      ),
      200,
    );
    const approve = (who: Staff) => approveChronicle(who, entry.id);
    const byAuthor = await approve(anna);
    expect(byAuthor.statusCode).toBe(403);
    expect(byAuthor.json().error).toBe('four_eyes_required');
    expect((await approve(carl)).statusCode).toBe(403);
    const approved = expectStatus(await approve(ben), 200);
    expect(approved).toMatchObject({ state: 'approved', approvedBy: { id: ben.user.id } });
    expect((await approve(lena)).json()).toMatchObject({
      error: 'conflict',
      reason: 'already_decided',
    });
  });

  it('approves only the version the reviewer saw: a text changed since answers 409', async () => {
    const incident = await newIncident(anna);
    const entry = expectStatus(
      await anna.http('PUT', `/api/incidents/${incident.id}/chronicle`, consent()),
      200,
    );
    const seen = expectStatus(await lena.http('GET', `/api/chronicle/${entry.id}`), 200);
    t.clock.advance(60_000);
    expectStatus(
      await anna.http(
        'PUT',
        `/api/incidents/${incident.id}/chronicle`,
        consent({ publicText: 'Eine neue Fassung, die niemand geprüft hat.' }),
      ),
      200,
    );
    const stale = await lena.http('POST', `/api/chronicle/${entry.id}/approval`, {
      seenUpdatedAt: seen.updatedAt,
    });
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json()).toMatchObject({ error: 'conflict', reason: 'entry_changed' });
    const after = expectStatus(await lena.http('GET', `/api/chronicle/${entry.id}`), 200);
    expect(after.state).toBe('pending');
    expectStatus(await approveChronicle(lena, entry.id), 200);
  });

  it('needs a new approval after the text changes, and never from whoever changed it', async () => {
    const incident = await newIncident(anna);
    const url = `/api/incidents/${incident.id}/chronicle`;
    const entry = expectStatus(
      await anna.http('PUT', url, consent({ reviewerId: ben.user.id })),
      200,
    );
    expectStatus(await approveChronicle(lena, entry.id), 200);
    // Ben, the named reviewer, rewrites the text himself: he is now its author.
    const rewritten = expectStatus(
      await withReason(ben).http('PUT', url, consent({ publicText: 'Ein neuer Text.' })),
      200,
    );
    expect(rewritten).toMatchObject({
      state: 'pending',
      approvedBy: null,
      author: { id: ben.user.id },
    });
    const byBen = await approveChronicle(ben, entry.id);
    expect(byBen.json().error).toBe('four_eyes_required');
    expectStatus(await approveChronicle(anna, entry.id), 403);
    expectStatus(await approveChronicle(lena, entry.id), 200);
  });

  it('warns the reviewer about names, streets, house numbers, ages, precise dates and rare combinations', async () => {
    const incident = await newIncident(anna, { offenceType: 'arson', district: 'hamm' });
    const entry = expectStatus(
      await anna.http(
        'PUT',
        `/api/incidents/${incident.id}/chronicle`,
        consent({
          publicText:
            'Am 14. Mai wurde Ahmad Karimi (17) vor dem Haus in der Bahnhofstraße 12 angegriffen. ' +
            'Der 17-jährige Schüler wurde verletzt.',
        }),
      ),
      200,
    );
    const codes = (entry.warnings as { code: string; match?: string }[]).map((w) =>
      [w.code, w.match ?? ''].join(':'),
    );
    expect(codes).toEqual(
      expect.arrayContaining([
        'name:Ahmad Karimi',
        'street:Bahnhofstraße',
        'house_number:Bahnhofstraße 12',
        'age:(17)',
        'age:17-jährige',
        'precise_date:14. Mai',
        'rare_combination:',
      ]),
    );
    const plain = expectStatus(await lena.http('GET', `/api/chronicle?state=pending`), 200);
    const ordinary = (plain.entries as { publicText: string; warnings: { code: string }[] }[]).find(
      (e) => e.publicText === consent().publicText,
    );
    expect(ordinary?.warnings.map((w) => w.code)).not.toContain('name');
  });
});

describe('withdrawal and builds', () => {
  it('leaves a withdrawn entry out of the next build, and shows the team lead where it was published', async () => {
    const incident = await newIncident(anna);
    const entry = expectStatus(
      await anna.http('PUT', `/api/incidents/${incident.id}/chronicle`, consent()),
      200,
    );
    expectStatus(await approveChronicle(lena, entry.id), 200);
    const context = { actor: null, clientAddress: null, requestId: 'test-build-1' };
    const first = await t.app.caseWork.chronicle.build(context, 'website');
    expect(first.entries.map((e) => e.id)).toContain(entry.id);
    t.clock.advance(60_000);
    const withdrawn = expectStatus(
      await lena.http('POST', `/api/chronicle/${entry.id}/withdrawal`, {}),
      200,
    );
    expect(withdrawn.state).toBe('withdrawn');
    expect(withdrawn.publications).toEqual([
      { buildId: first.buildId, builtAt: first.builtAt.toISOString(), destination: 'website' },
    ]);
    const second = await t.app.caseWork.chronicle.build(
      { ...context, requestId: 'test-build-2' },
      'website',
    );
    expect(second.entries.map((e) => e.id)).not.toContain(entry.id);
    expect(await auditEvents(t, { action: 'chronicle.build' })).toHaveLength(2);
  });
});

describe('the build from the web', () => {
  it('lets a BackUp team lead build and download the files, recorded like the CLI build', async () => {
    const incident = await newIncident(anna);
    const publicText = `Ein Angriff im Stadtgebiet. ${randomUUID().slice(0, 8)}`;
    const entry = expectStatus(
      await anna.http('PUT', `/api/incidents/${incident.id}/chronicle`, consent({ publicText })),
      200,
    );
    expectStatus(await approveChronicle(lena, entry.id), 200);
    const build = expectStatus(
      await lena.http('POST', '/api/chronicle/builds', { destination: 'Website des Vereins' }),
      200,
    );
    expect(build.files['index.html']).toContain(publicText);
    expect(build.files['chronik.atom']).toContain(publicText);
    expect(JSON.parse(build.files['chronik.json']).entries).toContainEqual(
      expect.objectContaining({ id: entry.id, date: '2026-05' }),
    );
    const view = expectStatus(await lena.http('GET', `/api/chronicle/${entry.id}`), 200);
    expect(view.publications).toEqual([
      { buildId: build.buildId, builtAt: build.builtAt, destination: 'Website des Vereins' },
    ]);
    expect(
      (await anna.http('POST', '/api/chronicle/builds', { destination: 'x' })).statusCode,
    ).toBe(403);
    const comeback = await cora.http('POST', '/api/chronicle/builds', { destination: 'x' });
    expect(comeback.json().error).toBe('not_for_service');
    const events = await auditEvents(t, { action: 'chronicle.build', actorId: cora.user.id });
    expect(events.map((e) => e.outcome)).toEqual(['denied']);
  });
});

describe('the database', () => {
  it("refuses a request role's approval by the author, and a move to another incident or service", async () => {
    const incident = await newIncident(anna);
    const other = await newIncident(anna);
    const entry = expectStatus(
      await anna.http('PUT', `/api/incidents/${incident.id}/chronicle`, consent()),
      200,
    );
    const asRequest = (statement: string) =>
      withClient(serviceLoginUrl(t.database.appUrl, 'backup'), async (client) => {
        await client.query('BEGIN');
        try {
          await client.query(`SELECT set_config('casework.service', 'backup', true)`);
          return await client.query(statement, [entry.id]);
        } finally {
          await client.query('ROLLBACK');
        }
      });
    await expect(
      asRequest(
        'UPDATE chronicle_entries SET approved_by = author_id, approved_at = now() WHERE id = $1',
      ),
    ).rejects.toThrow(/chronicle_entries_four_eyes/);
    await expect(
      asRequest(`UPDATE chronicle_entries SET incident_id = '${other.id}' WHERE id = $1`),
    ).rejects.toThrow(/permission denied/);
    await expect(
      asRequest(`UPDATE chronicle_entries SET service = 'comeback' WHERE id = $1`),
    ).rejects.toThrow(/permission denied/);
    await expect(
      asRequest('DELETE FROM chronicle_publications WHERE entry_id = $1'),
    ).rejects.toThrow(/permission denied/);
  });
});

describe('separation and the access log', () => {
  it('answers another service exactly like a missing entry or incident', async () => {
    const incident = await newIncident(anna);
    const entry = expectStatus(
      await anna.http('PUT', `/api/incidents/${incident.id}/chronicle`, consent()),
      200,
    );
    for (const who of [clara, cora]) {
      for (const [method, path, body] of [
        ['GET', '/api/chronicle/:id', undefined],
        ['POST', '/api/chronicle/:id/approval', { seenUpdatedAt: entry.updatedAt }],
        ['POST', '/api/chronicle/:id/withdrawal', {}],
      ] as const) {
        const theirs = await who.http(method, path.replace(':id', entry.id), body);
        const missing = await who.http(method, path.replace(':id', randomUUID()), body);
        expect(theirs.statusCode, path).toBe(404);
        expect(theirs.json()).toEqual(missing.json());
      }
      const list = expectStatus(await who.http('GET', '/api/chronicle'), 200);
      expect(list.entries).toEqual([]);
    }
    for (const method of ['GET', 'PUT'] as const) {
      const body = method === 'PUT' ? consent() : undefined;
      const theirs = await clara.http(method, `/api/incidents/${incident.id}/chronicle`, body);
      const missing = await clara.http(method, `/api/incidents/${randomUUID()}/chronicle`, body);
      expect(theirs.statusCode).toBe(404);
      expect(theirs.json()).toEqual(missing.json());
    }
    const still = expectStatus(await lena.http('GET', `/api/chronicle/${entry.id}`), 200);
    expect(still.state).toBe('pending');
  });

  it('keeps the incident rule: a colleague gives a reason', async () => {
    const incident = await newIncident(anna);
    const refused = await carl.http('GET', `/api/incidents/${incident.id}/chronicle`);
    expect(refused.json().error).toBe('access_reason_required');
  });

  it('writes one access-log event per call', async () => {
    const incident = await newIncident(anna);
    const before = await lastAuditSeq(t);
    const entry = expectStatus(
      await anna.http('PUT', `/api/incidents/${incident.id}/chronicle`, consent()),
      200,
    );
    expectStatus(await lena.http('GET', '/api/chronicle'), 200);
    expectStatus(await approveChronicle(lena, entry.id), 200);
    expectStatus(await anna.http('POST', `/api/chronicle/${entry.id}/withdrawal`, {}), 200);
    const events = await auditEvents(t, { sinceSeq: before });
    expect(events.map((e) => [e.action, e.outcome, e.actorId])).toEqual([
      ['chronicle.save', 'allowed', anna.user.id],
      ['chronicle.list', 'allowed', lena.user.id],
      ['chronicle.view', 'allowed', lena.user.id],
      ['chronicle.approve', 'allowed', lena.user.id],
      ['chronicle.withdraw', 'allowed', anna.user.id],
    ]);
    expect(events[0]).toMatchObject({ targetId: incident.id, reason: 'created' });
  });
});

describe('the published files', () => {
  it('hold the approved, consented entries only, and nothing sealed', async () => {
    const marker = (name: string) => `Mk${name}${randomUUID().slice(0, 8)}`;
    const sealed = {
      pseudonym: marker('Pseudonym'),
      realName: marker('RealName'),
      narrative: marker('Narrative'),
      municipality: marker('Municipality'),
      consentBy: marker('ConsentBy'),
    };
    const own = await newCase(anna, {
      person: { pseudonym: sealed.pseudonym, name: sealed.realName },
    });
    const created = expectStatus(
      await anna.http(
        'POST',
        '/api/incidents',
        incidentBody({
          occurredOn: '2026-04-23',
          district: 'kreis_lippe',
          municipality: sealed.municipality,
          description: sealed.narrative,
          caseIds: [own.id],
        }),
      ),
      201,
    );
    const publicText = `Ein Mann wurde rassistisch beleidigt und geschlagen. ${marker('Public')}`;
    const entry = expectStatus(
      await anna.http(
        'PUT',
        `/api/incidents/${created.id}/chronicle`,
        consent({ consentBy: sealed.consentBy, publicText }),
      ),
      200,
    );
    // Agreed, not approved; approved, then withdrawn: neither is published.
    const pendingText = marker('Pending');
    const pending = await newIncident(anna);
    expectStatus(
      await anna.http(
        'PUT',
        `/api/incidents/${pending.id}/chronicle`,
        consent({ publicText: pendingText }),
      ),
      200,
    );
    const withdrawnText = marker('Withdrawn');
    const withdrawnIncident = await newIncident(anna);
    const withdrawn = expectStatus(
      await anna.http(
        'PUT',
        `/api/incidents/${withdrawnIncident.id}/chronicle`,
        consent({ publicText: withdrawnText }),
      ),
      200,
    );
    for (const id of [entry.id, withdrawn.id]) {
      expectStatus(await approveChronicle(lena, id), 200);
    }
    expectStatus(await lena.http('POST', `/api/chronicle/${withdrawn.id}/withdrawal`, {}), 200);

    const out = await mkdtemp(path.join(os.tmpdir(), 'casework-chronicle-'));
    try {
      const built = await buildChronicle(t.app, out, 'website');
      expect(built.files.sort()).toEqual(['chronik.atom', 'chronik.json', 'index.html']);
      const files = Object.fromEntries(
        await Promise.all(
          (await readdir(out)).map(async (name) => [
            name,
            await readFile(path.join(out, name), 'utf8'),
          ]),
        ),
      ) as Record<string, string>;
      for (const [name, content] of Object.entries(files)) {
        expect(content, name).toContain(publicText);
        for (const value of [...Object.values(sealed), pendingText, withdrawnText]) {
          expect(content, `${name} ${value}`).not.toContain(value);
        }
        // Only the month was agreed: no form of the day 23 April 2026.
        for (const day of ['2026-04-23', '23. April', '23.04.', '23.4.']) {
          expect(content, `${name} ${day}`).not.toContain(day);
        }
        expect(content, name).not.toContain('Bochum-Wattenscheid');
      }
      expect(files['index.html']).toContain('<html lang="de">');
      expect(files['index.html']).toContain(
        '<time datetime="2026-04">April 2026</time>, Kreis Lippe',
      );
      const json = JSON.parse(files['chronik.json']!);
      const published = json.entries.find((e: { id: string }) => e.id === entry.id);
      expect(published).toMatchObject({
        date: '2026-04',
        municipality: null,
        district: { code: 'kreis_lippe' },
        offenceType: { code: 'simple_bodily_harm', label: 'Einfache Körperverletzung' },
        text: publicText,
      });
      expect(files['chronik.atom']).toContain('<updated>2026-04-01T00:00:00Z</updated>');
      const view = expectStatus(await lena.http('GET', `/api/chronicle/${entry.id}`), 200);
      expect(view.publications).toMatchObject([{ destination: 'website' }]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

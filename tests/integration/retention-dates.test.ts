import { afterAll, describe, expect, it } from 'vitest';
import { withClient } from '../../server/database/pg-client.ts';
import { expectStatus, newCase, startTeam, withReason } from '../support/case-work.ts';

// The clock says 2026-11-23 (tests/support/test-clock.ts): every case here is created "today".

const CLI = { actor: null, clientAddress: null, requestId: 'test:retention-dates' };

async function stored(caseId: string) {
  return withClient(t.database.superuserUrl, async (client) => {
    const rows = await client.query<{ status: string; closed_on: string | null; closed_at: Date }>(
      `SELECT status::text, to_char(closed_on, 'YYYY-MM-DD') AS closed_on, closed_at
         FROM cases WHERE id = $1`,
      [caseId],
    );
    return rows.rows[0]!;
  });
}

async function dueNumbers(): Promise<string[]> {
  const report = await t.app.lifecycle.retention.run(CLI, { dryRun: true });
  return report.due.map((item) => item.label);
}

// ben is a BackUp colleague, not assigned to anna's cases.
const { t, anna, ben, lead, clara } = await startTeam({
  anna: 'backup',
  ben: 'backup',
  lead: 'team_lead:backup',
  clara: 'comeback',
});
afterAll(() => t.close());

describe('PATCH /api/cases/:id: days that would steer retention', () => {
  it('refuses closing a case back-dated to 2001 (its own counsellor or a colleague), and the case stays open', async () => {
    const victim = await newCase(anna);
    const attack = {
      status: 'closed',
      closingReason: 'x',
      openedOn: '2001-01-01',
      closedOn: '2001-01-02',
    };
    for (const who of [anna, withReason(ben)]) {
      const refused = expectStatus(await who.http('PATCH', `/api/cases/${victim.id}`, attack), 400);
      expect(refused.error).toBe('invalid_request');
    }
    // The closing day alone, within the opening day's bound, is refused as well.
    const closedOnly = { status: 'closed', closingReason: 'x', closedOn: '2021-01-02' };
    expectStatus(await anna.http('PATCH', `/api/cases/${victim.id}`, closedOnly), 400);
    expect(await stored(victim.id)).toMatchObject({ status: 'open', closed_on: null });
    expect(await dueNumbers()).not.toContain(victim.caseNumber);
  });

  it('refuses a closing day in the future (2999 would keep a case for ever)', async () => {
    const kept = await newCase(anna);
    const error = expectStatus(
      await anna.http('PATCH', `/api/cases/${kept.id}`, {
        status: 'closed',
        closingReason: 'x',
        closedOn: '2999-12-31',
      }),
      400,
    );
    expect(error.message).toContain('closedOn');
    expectStatus(
      await anna.http('PATCH', `/api/cases/${kept.id}`, {
        status: 'closed',
        closingReason: 'x',
        closedOn: '2026-11-24',
      }),
      400,
    );
    expect((await stored(kept.id)).status).toBe('open');
  });

  it('refuses opening days before any plausible work, on creation and on change', async () => {
    const created = await anna.http('POST', '/api/cases', {
      person: { pseudonym: 'Amsel' },
      openedOn: '1900-01-01',
    });
    expect(expectStatus(created, 400).message).toContain('openedOn');
    const opened = await newCase(anna);
    expectStatus(
      await anna.http('PATCH', `/api/cases/${opened.id}`, { openedOn: '1900-01-01' }),
      400,
    );
    expectStatus(
      await anna.http('PATCH', `/api/cases/${opened.id}`, { openedOn: '2016-11-22' }),
      400,
    );
    // Ten years before its creation is still taken (a case carried over from paper files).
    expectStatus(
      await anna.http('PATCH', `/api/cases/${opened.id}`, { openedOn: '2016-11-23' }),
      200,
    );
  });

  it('takes a closing day up to 30 days before the case was created, but counts retention from when the server recorded the closing', async () => {
    const late = await newCase(anna, { openedOn: '2026-01-05' });
    expectStatus(
      await anna.http('PATCH', `/api/cases/${late.id}`, {
        status: 'closed',
        closingReason: 'abgeschlossen',
        closedOn: '2026-10-23',
      }),
      400,
    );
    expectStatus(
      await anna.http('PATCH', `/api/cases/${late.id}`, {
        status: 'closed',
        closingReason: 'abgeschlossen',
        closedOn: '2026-10-24',
      }),
      200,
    );
    const closedAt = t.clock.now().toISOString();
    expect(await stored(late.id)).toMatchObject({ status: 'closed', closed_on: '2026-10-24' });
    expect((await stored(late.id)).closed_at.toISOString()).toBe(closedAt);
    // Changing the typed day later leaves the server's record alone.
    t.clock.advance(60_000);
    expectStatus(
      await anna.http('PATCH', `/api/cases/${late.id}`, { closedOn: '2026-10-25' }),
      200,
    );
    expect((await stored(late.id)).closed_at.toISOString()).toBe(closedAt);

    const start = t.clock.now();
    try {
      // BackUp keeps closed cases three years: counted from closed_at, not from the typed day.
      t.clock.set(new Date('2029-11-23T08:00:00Z'));
      expect(await dueNumbers()).not.toContain(late.caseNumber);
      t.clock.set(new Date('2029-11-23T10:00:00Z'));
      expect(await dueNumbers()).toContain(late.caseNumber);
    } finally {
      t.clock.set(start);
    }
  });

  it('starts the count again when a reopened case is closed again', async () => {
    const reopened = await newCase(anna);
    const close = { status: 'closed', closingReason: 'abgeschlossen' };
    expectStatus(await anna.http('PATCH', `/api/cases/${reopened.id}`, close), 200);
    expectStatus(await anna.http('PATCH', `/api/cases/${reopened.id}`, { status: 'open' }), 200);
    expect((await stored(reopened.id)).closed_at).toBeNull();
    t.clock.advance(60_000);
    expectStatus(await anna.http('PATCH', `/api/cases/${reopened.id}`, close), 200);
    expect((await stored(reopened.id)).closed_at.toISOString()).toBe(t.clock.now().toISOString());
  });
});

describe('POST /api/cases/:id/legal-hold/lift', () => {
  it('is refused to a colleague who made themself co-counsellor; the team lead may lift it', async () => {
    const held = await newCase(anna);
    expectStatus(
      await anna.http('POST', `/api/cases/${held.id}/legal-hold`, { reason: 'Nebenklage' }),
      200,
    );
    expectStatus(
      await withReason(ben).http('PATCH', `/api/cases/${held.id}`, { coCounsellorId: ben.user.id }),
      200,
    );
    const refused = expectStatus(
      await ben.http('POST', `/api/cases/${held.id}/legal-hold/lift`, {}),
      403,
    );
    expect(refused.error).toBe('forbidden');
    expect(
      expectStatus(await anna.http('GET', `/api/cases/${held.id}/legal-hold`), 200).onHold,
    ).toBe(true);
    expect(
      expectStatus(await lead.http('POST', `/api/cases/${held.id}/legal-hold/lift`, {}), 200),
    ).toMatchObject({ onHold: false });
  });
});

describe('days of prevention work and trainings (they feed the statistics)', () => {
  it('refuses a training in 2999 and a prevention contact in 1900', async () => {
    expectStatus(
      await clara.http('POST', '/api/trainings', {
        heldOn: '2999-01-01',
        format: 'workshop',
        audience: 'everyone',
        participants: 3,
      }),
      400,
    );
    expectStatus(
      await clara.http('POST', '/api/prevention-contacts', {
        heldOn: '1900-01-01',
        setting: 'school',
        participants: 10,
      }),
      400,
    );
    expectStatus(
      await clara.http('POST', '/api/prevention-contacts', {
        heldOn: '2026-11-20',
        setting: 'school',
        participants: 10,
      }),
      201,
    );
  });
});

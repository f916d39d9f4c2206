import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../../server/database/pg-client.ts';
import { auditEvents } from '../support/access-log-queries.ts';
import {
  countRows,
  expectStatus,
  newCase,
  newCounsellor,
  startTeam,
} from '../support/case-work.ts';

let own: { id: string; caseNumber: string };
// The clock on a Monday.
const { t, anna, ben, clara } = await startTeam(
  { anna: 'backup', ben: 'backup', clara: 'comeback' },
  { at: '2026-11-23T07:00:00Z' },
);
beforeAll(async () => {
  own = await newCase(anna, { person: { pseudonym: 'Pirol' } });
});
afterAll(() => t.close());

const appointment = (overrides: Record<string, unknown> = {}) => ({
  start: '2026-11-24T10:00:00+01:00',
  end: '2026-11-24T11:00:00+01:00',
  kind: 'counselling_session',
  location: 'Beratungsstelle, Raum 2',
  note: 'Dolmetscherin bestellt',
  ...overrides,
});

describe('appointments', () => {
  it('makes an appointment for a case and shows it in the week view and on the case', async () => {
    const saved = expectStatus(
      await anna.http('POST', '/api/appointments', appointment({ caseId: own.id })),
      201,
    );
    expect(saved.overlaps).toEqual([]);
    expect(saved.appointment).toMatchObject({
      start: '2026-11-24T09:00:00.000Z',
      end: '2026-11-24T10:00:00.000Z',
      kind: 'counselling_session',
      status: 'scheduled',
      location: 'Beratungsstelle, Raum 2',
      note: 'Dolmetscherin bestellt',
      counsellor: { id: anna.user.id, username: anna.username },
      case: { id: own.id, caseNumber: own.caseNumber },
    });
    const week = expectStatus(
      await anna.http('GET', '/api/appointments?from=2026-11-23T00:00:00Z&to=2026-11-30T00:00:00Z'),
      200,
    );
    expect(week.appointments).toEqual([saved.appointment]);
    expect(week.truncated).toBe(false);
    const onCase = expectStatus(await anna.http('GET', `/api/cases/${own.id}/appointments`), 200);
    expect(onCase.appointments).toEqual([saved.appointment]);
    const view = expectStatus(await anna.http('GET', `/api/cases/${own.id}`), 200);
    expect(view.nextAppointment).toEqual({
      id: saved.appointment.id,
      start: '2026-11-24T09:00:00.000Z',
      end: '2026-11-24T10:00:00.000Z',
      kind: 'counselling_session',
    });
    const list = expectStatus(await anna.http('POST', '/api/cases/search', { q: 'Pirol' }), 200);
    expect(list.cases[0].nextAppointment.id).toBe(saved.appointment.id);
    const one = expectStatus(
      await anna.http('GET', `/api/appointments/${saved.appointment.id}`),
      200,
    );
    expect(one.appointment).toEqual(saved.appointment);
  });

  it('warns of overlapping appointments of the same counsellor, but saves', async () => {
    const first = expectStatus(
      await ben.http(
        'POST',
        '/api/appointments',
        appointment({ start: '2026-11-25T09:00:00Z', end: '2026-11-25T10:00:00Z' }),
      ),
      201,
    );
    const touching = expectStatus(
      await ben.http(
        'POST',
        '/api/appointments',
        appointment({ start: '2026-11-25T10:00:00Z', end: '2026-11-25T11:00:00Z' }),
      ),
      201,
    );
    expect(touching.overlaps).toEqual([]);
    const clash = expectStatus(
      await ben.http(
        'POST',
        '/api/appointments',
        appointment({
          start: '2026-11-25T09:30:00Z',
          end: '2026-11-25T10:30:00Z',
          kind: 'court_hearing',
        }),
      ),
      201,
    );
    expect(clash.overlaps.map((o: { id: string }) => o.id)).toEqual([
      first.appointment.id,
      touching.appointment.id,
    ]);
    expect(clash.overlaps[0]).toEqual({
      id: first.appointment.id,
      start: '2026-11-25T09:00:00.000Z',
      end: '2026-11-25T10:00:00.000Z',
      kind: 'counselling_session',
    });
    const other = expectStatus(
      await anna.http(
        'POST',
        '/api/appointments',
        appointment({ start: '2026-11-25T09:30:00Z', end: '2026-11-25T10:30:00Z' }),
      ),
      201,
    );
    expect(other.overlaps).toEqual([]);
  });

  it('shows the own week by default, one colleague’s, or the whole team’s', async () => {
    const range = 'from=2026-11-23T00:00:00Z&to=2026-11-30T00:00:00Z';
    const mine = expectStatus(await anna.http('GET', `/api/appointments?${range}`), 200);
    expect(
      mine.appointments.every(
        (a: { counsellor: { id: string } }) => a.counsellor.id === anna.user.id,
      ),
    ).toBe(true);
    const bens = expectStatus(
      await anna.http('GET', `/api/appointments?${range}&counsellorId=${ben.user.id}`),
      200,
    );
    expect(bens.appointments).toHaveLength(3);
    const team = expectStatus(await anna.http('GET', `/api/appointments?${range}&team=true`), 200);
    expect(team.appointments).toHaveLength(mine.appointments.length + 3);
    const starts = team.appointments.map((a: { start: string }) => a.start);
    expect(starts).toEqual([...starts].sort());
    const theirs = expectStatus(
      await clara.http('GET', `/api/appointments?${range}&team=true`),
      200,
    );
    expect(theirs.appointments).toEqual([]);
  });

  it('moves and cancels an appointment; cancelled ones leave the week view', async () => {
    const saved = expectStatus(
      await anna.http(
        'POST',
        '/api/appointments',
        appointment({ start: '2026-11-26T09:00:00Z', end: '2026-11-26T10:00:00Z' }),
      ),
      201,
    );
    const moved = expectStatus(
      await anna.http('PATCH', `/api/appointments/${saved.appointment.id}`, {
        start: '2026-11-26T12:00:00Z',
        end: '2026-11-26T13:00:00Z',
        location: null,
      }),
      200,
    );
    expect(moved.appointment).toMatchObject({ start: '2026-11-26T12:00:00.000Z', location: null });
    expectStatus(
      await anna.http('PATCH', `/api/appointments/${saved.appointment.id}`, {
        status: 'cancelled',
      }),
      200,
    );
    const range = 'from=2026-11-26T00:00:00Z&to=2026-11-27T00:00:00Z';
    const week = expectStatus(await anna.http('GET', `/api/appointments?${range}`), 200);
    expect(week.appointments).toEqual([]);
    const withCancelled = expectStatus(
      await anna.http('GET', `/api/appointments?${range}&includeCancelled=true`),
      200,
    );
    expect(withCancelled.appointments[0].status).toBe('cancelled');
  });

  it.each([
    [{ end: '2026-11-24T09:00:00+01:00' }, 'end must be after start.'],
    [{ end: '2026-11-26T10:00:00+01:00' }, 'at most 24 hours'],
    [{ start: '24.11.2026 10:00' }, 'body/start'],
    [{ start: '2026-11-24T10:00:00' }, 'body/start'],
    [{ kind: 'party' }, 'body/kind'],
    [{ counsellorId: randomUUID() }, 'The counsellor must be an active counsellor'],
    [{ location: 'x'.repeat(501) }, 'body/location'],
  ])('answers 400 for %j and stores nothing', async (overrides, message) => {
    const before = await countRows(t);
    const error = expectStatus(
      await anna.http('POST', '/api/appointments', appointment(overrides)),
      400,
    );
    expect(error.message).toContain(message);
    expect(await countRows(t)).toEqual(before);
  });

  it('answers 400 for a week view without a period or longer than 42 days', async () => {
    expectStatus(await anna.http('GET', '/api/appointments'), 400);
    const long = expectStatus(
      await anna.http('GET', '/api/appointments?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z'),
      400,
    );
    expect(long.message).toBe('Ask for at most 42 days at a time.');
  });

  it('cannot link a case of the other service (404 like a missing case, nothing stored)', async () => {
    const theirs = await newCase(clara);
    const before = await countRows(t);
    const other = await anna.http('POST', '/api/appointments', appointment({ caseId: theirs.id }));
    const missing = await anna.http(
      'POST',
      '/api/appointments',
      appointment({ caseId: randomUUID() }),
    );
    expect(other.statusCode).toBe(404);
    expect(other.json()).toEqual(missing.json());
    expect(await countRows(t)).toEqual(before);
  });

  it('answers another service’s appointment exactly like a missing one', async () => {
    const saved = expectStatus(await clara.http('POST', '/api/appointments', appointment()), 201);
    for (const [method, payload] of [
      ['GET', undefined],
      ['PATCH', { status: 'cancelled' }],
    ] as const) {
      const other = await anna.http(method, `/api/appointments/${saved.appointment.id}`, payload);
      const missing = await anna.http(method, `/api/appointments/${randomUUID()}`, payload);
      expect(other.statusCode).toBe(404);
      expect(other.json()).toEqual(missing.json());
    }
    const still = expectStatus(
      await clara.http('GET', `/api/appointments/${saved.appointment.id}`),
      200,
    );
    expect(still.appointment.status).toBe('scheduled');
    const caseList = await anna.http('GET', `/api/cases/${randomUUID()}/appointments`);
    expect(caseList.statusCode).toBe(404);
  });
});

describe('calendar feed', () => {
  it('serves the counsellor’s appointments behind a secret token, with no personal data', async () => {
    expect(expectStatus(await anna.http('GET', '/api/calendar/feed-token'), 200)).toEqual({
      active: false,
      createdAt: null,
    });
    const created = expectStatus(await anna.http('POST', '/api/calendar/feed-token', {}), 201);
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.path).toBe(`/api/calendar/feed.ics?token=${created.token}`);
    expect(expectStatus(await anna.http('GET', '/api/calendar/feed-token'), 200).active).toBe(true);

    const feed = await t.app.inject({ method: 'GET', url: created.path });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(feed.body).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(feed.body).toContain('SUMMARY:Termin (Beratung)\r\n');
    expect(feed.body).toContain('DTSTART:20261124T090000Z\r\n');
    for (const secret of [
      'Pirol',
      own.caseNumber,
      own.id,
      'Beratungsstelle',
      'Dolmetscherin',
      anna.username,
    ]) {
      expect(feed.body).not.toContain(secret);
    }
    const lines = feed.body.split('\r\n').filter(Boolean);
    const allowed =
      /^(BEGIN|END|VERSION|PRODID|CALSCALE|METHOD|X-WR-CALNAME|REFRESH-INTERVAL;VALUE=DURATION|UID|DTSTAMP|DTSTART|DTEND|SUMMARY|CLASS|TRANSP)[:]/;
    expect(lines.filter((line) => !allowed.test(line))).toEqual([]);
    const summaries = lines.filter((line) => line.startsWith('SUMMARY:'));
    expect(new Set(summaries)).toEqual(new Set(['SUMMARY:Termin (Beratung)']));
  });

  it('stores only the hash of the token, and a new token or revoking ends the old link', async () => {
    const first = expectStatus(await ben.http('POST', '/api/calendar/feed-token', {}), 201);
    const stored = await withClient(t.database.superuserUrl, (client) =>
      client.query('SELECT token_hash, revoked_at FROM calendar_feeds'),
    );
    expect(JSON.stringify(stored.rows)).not.toContain(first.token);
    const second = expectStatus(await ben.http('POST', '/api/calendar/feed-token', {}), 201);
    expect((await t.app.inject({ method: 'GET', url: first.path })).statusCode).toBe(404);
    const feed = await t.app.inject({ method: 'GET', url: second.path });
    expect(feed.statusCode).toBe(200);
    expect(feed.body).toContain('SUMMARY:Termin (Gericht)');
    expectStatus(await ben.http('DELETE', '/api/calendar/feed-token', {}), 204);
    const revoked = await t.app.inject({ method: 'GET', url: second.path });
    expect(revoked.statusCode).toBe(404);
    expect(revoked.json()).toEqual({ error: 'not_found', message: 'No such calendar feed.' });
  });

  it('answers an unknown token like a revoked one, a malformed one with 400, and audits both', async () => {
    const unknown = await t.app.inject({
      method: 'GET',
      url: `/api/calendar/feed.ics?token=${'A'.repeat(43)}`,
    });
    expect(unknown.statusCode).toBe(404);
    const malformed = await t.app.inject({ method: 'GET', url: '/api/calendar/feed.ics?token=x' });
    expect(malformed.statusCode).toBe(400);
    const events = await auditEvents(t, { action: 'calendar.feed_read' });
    expect(events.filter((e) => e.outcome === 'denied').map((e) => e.reason)).toContain(
      'unknown_token',
    );
    expect(events.filter((e) => e.outcome === 'allowed').length).toBeGreaterThan(0);
  });

  it('ends a disabled counsellor’s feed', async () => {
    const erik = await newCounsellor(t, 'comeback');
    const created = expectStatus(await erik.http('POST', '/api/calendar/feed-token', {}), 201);
    expect((await t.app.inject({ method: 'GET', url: created.path })).statusCode).toBe(200);
    await t.app.repositories.users.setDisabled(erik.user.id, true, t.clock.now());
    expect((await t.app.inject({ method: 'GET', url: created.path })).statusCode).toBe(404);
  });
});

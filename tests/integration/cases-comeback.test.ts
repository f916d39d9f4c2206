import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../support/access-log-queries.ts';
import { countRows, expectStatus, newCase, startTeam, withReason } from '../support/case-work.ts';

// david, a colleague, is the second pair of eyes on clara's cases, with a reason to open them.
const { t, clara, anna, ...colleague } = await startTeam(
  { clara: 'comeback', david: 'comeback', anna: 'backup' },
  { at: '2026-11-23T09:00:00Z' },
);
const david = withReason(colleague.david, 'Vier-Augen-Prüfung');
afterAll(() => t.close());

async function expectSameAsMissing(
  method: 'GET' | 'POST',
  theirs: string,
  missing: string,
  payload?: object,
) {
  const other = await anna.http(method, theirs, payload);
  const absent = await anna.http(method, missing, payload);
  expect(other.statusCode, theirs).toBe(404);
  expect(other.json()).toEqual(absent.json());
}

describe('exit phases', () => {
  it('keeps the history of phases, newest first, with the current one on the case', async () => {
    const created = await newCase(clara, { openedOn: '2026-10-01' });
    const start = expectStatus(
      await clara.http('GET', `/api/cases/${created.id}/exit-phases`),
      200,
    );
    expect(start.currentPhase).toBe('first_contact');
    expect(start.history).toHaveLength(1);
    const plan = expectStatus(
      await clara.http('POST', `/api/cases/${created.id}/exit-phases`, {
        phase: 'help_plan',
        changedOn: '2026-11-01',
        helpPlanAreas: ['housing', 'tattoo_removal'],
      }),
      201,
    );
    expect(plan).toMatchObject({
      phase: 'help_plan',
      changedOn: '2026-11-01',
      helpPlanAreas: ['housing', 'tattoo_removal'],
      reason: null,
      createdBy: { id: clara.user.id, username: clara.username },
    });
    const ended = expectStatus(
      await david.http('POST', `/api/cases/${created.id}/exit-phases`, {
        phase: 'breaking_off',
        reason: 'Kontakt zur Szene wieder aufgenommen',
      }),
      201,
    );
    expect(ended.changedOn).toBe('2026-11-23');
    const process = expectStatus(
      await clara.http('GET', `/api/cases/${created.id}/exit-phases`),
      200,
    );
    expect(process.currentPhase).toBe('breaking_off');
    expect(process.history.map((p: { phase: string }) => p.phase)).toEqual([
      'breaking_off',
      'help_plan',
      'first_contact',
    ]);
    const view = expectStatus(await clara.http('GET', `/api/cases/${created.id}`), 200);
    expect(view.exitPhase).toBe('breaking_off');
  });

  it.each([
    [{ phase: 'closing' }, 'The phase closing needs a reason.'],
    [{ phase: 'breaking_off' }, 'The phase breaking_off needs a reason.'],
    [{ phase: 'distancing', helpPlanAreas: ['debts'] }, 'helpPlanAreas belong to the help_plan'],
    [{ phase: 'distancing', changedOn: '2026-12-01' }, 'changedOn cannot be in the future.'],
    [{ phase: 'distancing', changedOn: '2020-01-01' }, 'changedOn cannot be before openedOn.'],
    [{ phase: 'exit' }, 'body/phase'],
  ])('answers 400 for %j and stores nothing', async (body, message) => {
    const created = await newCase(clara);
    const before = await countRows(t);
    const error = expectStatus(
      await clara.http('POST', `/api/cases/${created.id}/exit-phases`, body),
      400,
    );
    expect(error.message).toContain(message);
    expect(await countRows(t)).toEqual(before);
  });

  it('belong to ComeBack: 403 on a BackUp case, 404 for the other service’s case', async () => {
    const backupCase = await newCase(anna);
    expect(
      expectStatus(await anna.http('GET', `/api/cases/${backupCase.id}/exit-phases`), 403).error,
    ).toBe('not_for_service');
    const theirs = await newCase(clara);
    await expectSameAsMissing(
      'GET',
      `/api/cases/${theirs.id}/exit-phases`,
      `/api/cases/${randomUUID()}/exit-phases`,
    );
    await expectSameAsMissing(
      'POST',
      `/api/cases/${theirs.id}/exit-phases`,
      `/api/cases/${randomUUID()}/exit-phases`,
      { phase: 'distancing' },
    );
  });
});

describe('risk assessments (four-eyes)', () => {
  const assessment = {
    level: 'high',
    threatsToPerson: 'Drohungen der Kameradschaft per Messenger',
    threatsFromPerson: null,
    safetyMeasures: 'Umzug in andere Stadt geplant',
  };

  it('keeps a change of level pending until a second counsellor confirms it', async () => {
    const created = await newCase(clara);
    const proposed = expectStatus(
      await clara.http('POST', `/api/cases/${created.id}/risk-assessments`, assessment),
      201,
    );
    expect(proposed).toMatchObject({
      ...assessment,
      assessedOn: '2026-11-23',
      previousLevel: null,
      decision: 'pending',
      proposedBy: { id: clara.user.id, username: clara.username },
      decidedBy: null,
      decidedAt: null,
    });
    let view = expectStatus(await clara.http('GET', `/api/cases/${created.id}`), 200);
    expect(view.riskLevel).toBeNull();

    const self = expectStatus(
      await clara.http(
        'POST',
        `/api/cases/${created.id}/risk-assessments/${proposed.id}/decision`,
        { decision: 'confirmed' },
      ),
      403,
    );
    expect(self).toEqual({
      error: 'four_eyes_required',
      message: 'A second counsellor must confirm or reject a change you proposed.',
    });

    const confirmed = expectStatus(
      await david.http(
        'POST',
        `/api/cases/${created.id}/risk-assessments/${proposed.id}/decision`,
        { decision: 'confirmed' },
      ),
      200,
    );
    expect(confirmed).toMatchObject({
      decision: 'confirmed',
      decidedBy: { id: david.user.id, username: david.username },
      decidedAt: t.clock.now().toISOString(),
    });
    view = expectStatus(await clara.http('GET', `/api/cases/${created.id}`), 200);
    expect(view.riskLevel).toBe('high');

    const again = expectStatus(
      await david.http(
        'POST',
        `/api/cases/${created.id}/risk-assessments/${proposed.id}/decision`,
        { decision: 'rejected' },
      ),
      409,
    );
    expect(again.message).toBe('This risk assessment has been decided already.');

    const denials = await auditEvents(t, { action: 'risk.confirm', actorId: clara.user.id });
    expect(denials.map((e) => [e.outcome, e.reason])).toEqual([['denied', 'four_eyes_required']]);
  });

  it('lets an assessment that keeps the level stand at once', async () => {
    const created = await newCase(clara);
    const first = expectStatus(
      await clara.http('POST', `/api/cases/${created.id}/risk-assessments`, { level: 'low' }),
      201,
    );
    await david.http('POST', `/api/cases/${created.id}/risk-assessments/${first.id}/decision`, {
      decision: 'confirmed',
    });
    const same = expectStatus(
      await clara.http('POST', `/api/cases/${created.id}/risk-assessments`, { level: 'low' }),
      201,
    );
    expect(same).toMatchObject({ decision: 'confirmed', previousLevel: 'low', decidedBy: null });
  });

  it('rejected changes leave the level; only one change is pending at a time', async () => {
    const created = await newCase(clara);
    const proposed = expectStatus(
      await clara.http('POST', `/api/cases/${created.id}/risk-assessments`, { level: 'critical' }),
      201,
    );
    const second = expectStatus(
      await david.http('POST', `/api/cases/${created.id}/risk-assessments`, { level: 'medium' }),
      409,
    );
    expect(second.message).toContain('waiting for confirmation');
    expectStatus(
      await david.http(
        'POST',
        `/api/cases/${created.id}/risk-assessments/${proposed.id}/decision`,
        { decision: 'rejected' },
      ),
      200,
    );
    const list = expectStatus(
      await clara.http('GET', `/api/cases/${created.id}/risk-assessments`),
      200,
    );
    expect(list.currentLevel).toBeNull();
    expect(list.assessments.map((a: { decision: string }) => a.decision)).toEqual(['rejected']);
  });

  it('answers 400 for bad input, storing nothing', async () => {
    const created = await newCase(clara);
    const before = await countRows(t);
    for (const body of [
      { level: 'extreme' },
      { level: 'high', assessedOn: '2027-01-01' },
      { level: 'high', notes: 'x' },
    ]) {
      expectStatus(
        await clara.http('POST', `/api/cases/${created.id}/risk-assessments`, body),
        400,
      );
    }
    expectStatus(
      await david.http(
        'POST',
        `/api/cases/${created.id}/risk-assessments/${randomUUID()}/decision`,
        { decision: 'maybe' },
      ),
      400,
    );
    expect(await countRows(t)).toEqual(before);
  });

  it('answers another service’s case and assessment like missing ones', async () => {
    const created = await newCase(clara);
    const proposed = expectStatus(
      await clara.http('POST', `/api/cases/${created.id}/risk-assessments`, { level: 'high' }),
      201,
    );
    await expectSameAsMissing(
      'GET',
      `/api/cases/${created.id}/risk-assessments`,
      `/api/cases/${randomUUID()}/risk-assessments`,
    );
    await expectSameAsMissing(
      'POST',
      `/api/cases/${created.id}/risk-assessments`,
      `/api/cases/${randomUUID()}/risk-assessments`,
      { level: 'low' },
    );
    await expectSameAsMissing(
      'POST',
      `/api/cases/${created.id}/risk-assessments/${proposed.id}/decision`,
      `/api/cases/${randomUUID()}/risk-assessments/${randomUUID()}/decision`,
      { decision: 'confirmed' },
    );
    const view = expectStatus(await clara.http('GET', `/api/cases/${created.id}`), 200);
    expect(view.riskLevel).toBeNull();
  });
});

describe('prevention contacts and multiplier trainings', () => {
  it('records and lists prevention contacts without personal data', async () => {
    const created = expectStatus(
      await clara.http('POST', '/api/prevention-contacts', {
        heldOn: '2026-11-20',
        setting: 'school',
        participants: 4,
      }),
      201,
    );
    expect(created).toMatchObject({
      heldOn: '2026-11-20',
      setting: 'school',
      participants: 4,
      createdBy: { id: clara.user.id, username: clara.username },
    });
    const list = expectStatus(
      await david.http('GET', '/api/prevention-contacts?from=2026-11-01'),
      200,
    );
    expect(list.contacts).toEqual([created]);
    expect(list.total).toBe(1);
  });

  it('records and lists trainings', async () => {
    const created = expectStatus(
      await clara.http('POST', '/api/trainings', {
        heldOn: '2026-11-18',
        format: 'workshop',
        audience: 'school_staff',
        participants: 25,
      }),
      201,
    );
    const list = expectStatus(await clara.http('GET', '/api/trainings?limit=10'), 200);
    expect(list.trainings).toEqual([created]);
  });

  it('answers 400 for bad input and stores nothing', async () => {
    const before = await countRows(t);
    for (const [url, body] of [
      ['/api/prevention-contacts', { heldOn: '2026-11-20', setting: 'pub', participants: 4 }],
      ['/api/prevention-contacts', { heldOn: '2026-11-20', setting: 'school', participants: 0 }],
      [
        '/api/prevention-contacts',
        { heldOn: '2026-11-20', setting: 'school', participants: 2, names: 'x' },
      ],
      [
        '/api/trainings',
        { heldOn: '2026-11-18', format: 'workshop', audience: 'everyone', participants: 3 },
      ],
    ] as const) {
      expectStatus(await clara.http('POST', url, body), 400);
    }
    expect(await countRows(t)).toEqual(before);
  });

  it('belong to ComeBack: BackUp counsellors get 403 not_for_service and see nothing', async () => {
    for (const [method, url, body] of [
      ['GET', '/api/prevention-contacts', undefined],
      [
        'POST',
        '/api/prevention-contacts',
        { heldOn: '2026-11-20', setting: 'school', participants: 4 },
      ],
      ['GET', '/api/trainings', undefined],
      [
        'POST',
        '/api/trainings',
        { heldOn: '2026-11-18', format: 'lecture', audience: 'other', participants: 3 },
      ],
    ] as const) {
      const error = expectStatus(await anna.http(method, url, body), 403);
      expect(error.error).toBe('not_for_service');
    }
  });
});

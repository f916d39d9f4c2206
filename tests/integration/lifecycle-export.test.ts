import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, lastAuditSeq } from '../support/access-log-queries.ts';
import { expectStatus, newCase, snapshot, startTeam } from '../support/case-work.ts';

let backupCase: { id: string; caseNumber: string };
let comebackCase: { id: string; caseNumber: string };
let incidentId: string;

const person = {
  pseudonym: 'Kranich',
  name: 'Aylin Beispiel',
  dateOfBirth: '1990-04-01',
  phone: '+49 521 000000',
  address: 'Musterweg 1, 33602 Bielefeld',
  interpreterNeeded: true,
};

// anna is assigned to the case, ben her BackUp colleague.
const { t, anna, ben, clara, lead, auditor } = await startTeam({
  anna: 'backup',
  ben: 'backup',
  clara: 'comeback',
  lead: 'team_lead:backup',
  auditor: 'auditor',
});
beforeAll(async () => {
  backupCase = await newCase(anna, { person, summary: 'Angriff an der Haltestelle' });
  expectStatus(
    await anna.http('POST', `/api/cases/${backupCase.id}/notes`, {
      kind: 'phone_call',
      body: 'Rückruf vereinbart',
    }),
    201,
  );
  incidentId = expectStatus(
    await anna.http('POST', '/api/incidents', {
      occurredOn: '2026-10-03',
      offenceType: 'simple_bodily_harm',
      motives: ['racism_anti_muslim'],
      district: 'bielefeld',
      affectedCount: 1,
      affectedMinors: 0,
      reportedToPolice: 'yes',
      source: 'affected_person',
      municipality: 'Bielefeld-Mitte',
      description: 'Beleidigt und geschlagen',
      caseIds: [backupCase.id],
    }),
    201,
  ).id;
  expectStatus(
    await anna.http('POST', `/api/cases/${backupCase.id}/accompaniments`, {
      kind: 'court_hearing',
      takesPlaceOn: '2026-12-01',
      role: 'joint_plaintiff',
      court: 'Amtsgericht Bielefeld',
      courtFileNumber: '9 Ds 12/26',
    }),
    201,
  );
  expectStatus(
    await anna.http('POST', `/api/cases/${backupCase.id}/compensation-claims`, {
      status: 'filed',
      note: 'Antrag OEG gestellt',
    }),
    201,
  );
  expectStatus(
    await anna.http('POST', `/api/cases/${backupCase.id}/referrals`, {
      target: 'therapist',
      referredOn: '2026-11-02',
      consentForm: 'written',
      consentOn: '2026-11-01',
      details: 'Traumaambulanz',
    }),
    201,
  );
  expectStatus(
    await anna.http('POST', '/api/appointments', {
      start: '2026-12-03T10:00:00Z',
      end: '2026-12-03T11:00:00Z',
      kind: 'counselling_session',
      caseId: backupCase.id,
      location: 'Beratungsstelle',
    }),
    201,
  );
  comebackCase = await newCase(clara, { person: { pseudonym: 'Wanderer' } });
  expectStatus(
    await clara.http('POST', `/api/cases/${comebackCase.id}/risk-assessments`, {
      level: 'medium',
      safetyMeasures: 'Wohnortwechsel geplant',
    }),
    201,
  );
});
afterAll(() => t.close());

describe('GET /api/cases/:id/export', () => {
  it('gives the assigned counsellor everything stored about the person, decrypted, as one audited event', async () => {
    const before = await lastAuditSeq(t);
    const data = expectStatus(await anna.http('GET', `/api/cases/${backupCase.id}/export`), 200);
    expect(data.case).toMatchObject({
      caseNumber: backupCase.caseNumber,
      service: 'backup',
      summary: 'Angriff an der Haltestelle',
      person: { ...person, name: 'Aylin Beispiel', email: null },
    });
    expect(data.exportedBy).toBe(anna.user.username);
    expect(data.notes.map((note: { body: string }) => note.body)).toEqual(['Rückruf vereinbart']);
    expect(data.incidents).toEqual([
      expect.objectContaining({
        id: incidentId,
        municipality: 'Bielefeld-Mitte',
        description: 'Beleidigt und geschlagen',
      }),
    ]);
    expect(data.accompaniments[0]).toMatchObject({
      court: 'Amtsgericht Bielefeld',
      courtFileNumber: '9 Ds 12/26',
    });
    expect(data.compensationClaims[0]).toMatchObject({ note: 'Antrag OEG gestellt' });
    expect(data.referrals[0]).toMatchObject({
      details: 'Traumaambulanz',
      createdBy: { id: anna.user.id, username: anna.user.username },
    });
    expect(data.appointments[0]).toMatchObject({ location: 'Beratungsstelle' });
    expect(data.legalHold).toEqual({ onHold: false, since: null, setBy: null, reason: null });
    expect(data.exitPhaseChanges).toEqual([]);
    const events = await auditEvents(t, { sinceSeq: before });
    expect(events).toEqual([
      expect.objectContaining({
        action: 'case.export',
        outcome: 'allowed',
        actorId: anna.user.id,
        targetId: backupCase.id,
        caseNumber: backupCase.caseNumber,
        reason: null,
      }),
    ]);
  });

  it('includes ComeBack records (exit phases, risk assessments)', async () => {
    const data = expectStatus(await clara.http('GET', `/api/cases/${comebackCase.id}/export`), 200);
    expect(data.exitPhaseChanges.map((phase: { phase: string }) => phase.phase)).toEqual([
      'first_contact',
    ]);
    expect(data.riskAssessments[0]).toMatchObject({
      level: 'medium',
      safetyMeasures: 'Wohnortwechsel geplant',
    });
    expect(data.incidents).toEqual([]);
  });

  it('needs an access reason from a colleague the case is not assigned to, like reading it', async () => {
    const before = await lastAuditSeq(t);
    const refused = expectStatus(await ben.http('GET', `/api/cases/${backupCase.id}/export`), 403);
    expect(refused.error).toBe('access_reason_required');
    const data = expectStatus(
      await ben.http('GET', `/api/cases/${backupCase.id}/export`, undefined, {
        'x-access-reason': encodeURIComponent('Auskunftsersuchen, Vertretung'),
      }),
      200,
    );
    expect(data.case.person.name).toBe('Aylin Beispiel');
    const events = await auditEvents(t, { sinceSeq: before });
    expect(events.map((event) => [event.action, event.outcome, event.reason])).toEqual([
      ['case.export', 'denied', 'access_reason_required'],
      ['case.export', 'allowed', 'unassigned'],
    ]);
    const log = expectStatus(
      await auditor.http('GET', `/api/audit?action=case.export&outcome=allowed&limit=1`),
      200,
    );
    expect(log.events[0].accessReasonRecorded).toBe(true);
    const read = expectStatus(
      await auditor.http('GET', `/api/audit/events/${log.events[0].id}/access-reason`),
      200,
    );
    expect(read.accessReason).toBe('Auskunftsersuchen, Vertretung');
  });

  it('answers the other service exactly like a missing case (404) and exports nothing', async () => {
    const before = await snapshot(t);
    const theirs = await clara.http('GET', `/api/cases/${backupCase.id}/export`);
    const missing = await clara.http('GET', `/api/cases/${randomUUID()}/export`);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toEqual(missing.json());
    expect(theirs.body).not.toContain('Aylin');
    expect(await snapshot(t)).toEqual(before);
  });

  it('is refused to team leads and auditors (403)', async () => {
    for (const who of [lead, auditor]) {
      const refused = expectStatus(
        await who.http('GET', `/api/cases/${backupCase.id}/export`),
        403,
      );
      expect(refused.error).toBe('forbidden');
    }
  });
});

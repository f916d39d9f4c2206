import { translations as passwordWarningsDe } from '@zxcvbn-ts/language-de';
import { afterAll, describe, expect, it } from 'vitest';
import { expectStatus, newCase, newCounsellor, startTeam } from '../support/case-work.ts';
import { UI_LANGUAGES, uiTextProblem } from '../support/error-catalogue.ts';

const { t, anna, clara } = await startTeam(
  { anna: 'backup', clara: 'comeback' },
  { at: '2026-11-23T09:00:00Z' },
);
afterAll(() => t.close());

/** The refusal's body, after checking that the web has a sentence for it in each language. */
function refusal(response: { statusCode: number; body: string; json(): unknown }, status = 400) {
  const body = expectStatus(response as never, status) as Parameters<typeof uiTextProblem>[0];
  for (const language of UI_LANGUAGES) expect(uiTextProblem(body, language)).toBe(null);
  return body;
}

describe('error answers carry a code, a reason and its parameters', () => {
  it('names the field and the limit of a note that is too long, not the validator text', async () => {
    const own = await newCase(anna);
    const body = refusal(
      await anna.http('POST', `/api/cases/${own.id}/notes`, {
        kind: 'phone_call',
        body: 'x'.repeat(70_000),
      }),
    );
    expect(body).toMatchObject({
      error: 'invalid_request',
      reason: 'too_long',
      params: { in: 'body', field: '/body', limit: 20_000 },
    });
  });

  it('names the place of an appointment that is too long, not every branch of its union', async () => {
    const body = refusal(
      await anna.http('POST', '/api/appointments', {
        start: '2026-11-24T10:00:00+01:00',
        end: '2026-11-24T11:00:00+01:00',
        kind: 'counselling_session',
        location: 'x'.repeat(501),
      }),
    );
    expect(body).toMatchObject({
      reason: 'too_long',
      params: { field: '/location', limit: 500 },
    });
  });

  it('calls an empty user name at sign-in a missing field', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: '', password: 'irgendwas' },
    });
    expect(refusal(response)).toMatchObject({
      reason: 'required',
      params: { field: '/username' },
    });
  });

  it('points a missing pseudonym of a new case at its field', async () => {
    const body = refusal(await anna.http('POST', '/api/cases', { person: {} }));
    expect(body).toMatchObject({ reason: 'required', params: { field: '/person/pseudonym' } });
  });

  it('gives business rules a reason too: a date in the future, a phase without its reason', async () => {
    const future = refusal(
      await anna.http('POST', '/api/incidents', {
        occurredOn: '2999-01-01',
        offenceType: 'simple_bodily_harm',
        motives: ['antisemitism'],
        district: 'dortmund',
        affectedCount: 1,
        affectedMinors: 0,
        reportedToPolice: 'yes',
        source: 'affected_person',
      }),
    );
    expect(future).toMatchObject({
      error: 'invalid_request',
      reason: 'date_in_future',
      params: { field: '/occurredOn' },
    });

    const comeback = await newCase(clara);
    const closing = refusal(
      await clara.http('POST', `/api/cases/${comeback.id}/exit-phases`, { phase: 'closing' }),
    );
    expect(closing).toMatchObject({ reason: 'reason_required', params: { field: '/reason' } });
  });

  it('says why a password is weak as the estimator’s key, which the web can translate', async () => {
    const ben = await newCounsellor(t, 'backup');
    const body = refusal(
      await ben.http('POST', '/api/auth/password', {
        currentPassword: ben.password,
        newPassword: 'passwortpasswort',
      }),
    );
    expect(body).toMatchObject({ error: 'weak_password', reason: 'password_guessable' });
    const warning = (body.params as { warning?: string } | undefined)?.warning;
    expect(Object.keys(passwordWarningsDe.warnings)).toContain(warning);
    expect(JSON.stringify(body)).not.toContain('passwortpasswort');
  });
});

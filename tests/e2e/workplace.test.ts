import { AxeBuilder } from '@axe-core/playwright';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock.ts';
import type { RequestContext } from '../../server/services/actor.ts';
import { berlinDay } from '../../server/services/cases/case-work-scope.ts';
import { newUser, type TestUser } from '../support/accounts.ts';
import { launchBrowser } from '../support/browser.ts';
import { startE2eServer, type E2eServer } from '../support/e2e-server.ts';

// A counsellor's morning: the start page shows today's appointment and a due follow-up; the
// follow-up is marked done on its case and leaves the start page.
describe('the start page as a workplace', () => {
  let server: E2eServer;
  let browser: Browser;
  let anna: TestUser;
  let page: Page;
  let caseNumber = '';
  const FOLLOW_UP = 'Rückruf bei der Anwältin';
  const POLL = { timeout: 10_000 };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    anna = await newUser(server.app, systemClock, {
      role: 'counsellor',
      service: 'backup',
      totp: true,
    });
    // The day's work, through the services as Anna (the browser signs in below).
    const context: RequestContext = {
      actor: {
        userId: anna.user.id,
        username: anna.username,
        role: 'counsellor',
        service: 'backup',
      },
      clientAddress: null,
      requestId: 'e2e-seed',
    };
    const { cases, appointments, followUps } = server.app.caseWork;
    const created = await cases.create(context, { person: { pseudonym: 'Demo Möwe 7' } });
    caseNumber = created.caseNumber;
    const start = new Date(Date.now() + 60_000);
    await appointments.create(context, {
      start: start.toISOString(),
      end: new Date(start.getTime() + 30 * 60_000).toISOString(),
      kind: 'counselling_session',
      caseId: created.id,
    });
    await followUps.create(context, created.id, {
      dueOn: berlinDay(new Date()),
      body: FOLLOW_UP,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const titleOf = (on: Page) => () =>
    on
      .getByTestId('page-title')
      .textContent({ timeout: 250 })
      .catch(() => '');

  it('shows today’s appointment and the due follow-up after sign-in (axe)', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: 'Europe/Berlin',
      locale: 'de-DE',
    });
    page = await context.newPage();
    await page.goto(`${server.baseUrl}/login`);
    await page.getByTestId('login-username').fill(anna.username);
    await page.getByTestId('login-password').fill(anna.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-totp').waitFor();
    const epoch = Math.floor(Date.now() / 1000) + 30;
    await page.getByTestId('login-totp').fill(await generate({ secret: anna.totpSecret!, epoch }));
    await page.getByTestId('login-submit').click();
    await expect.poll(titleOf(page), POLL).toBe('Fallverwaltung');

    const appointment = page.getByTestId('workplace-today-appointment');
    await appointment.waitFor();
    expect(await appointment.textContent()).toContain(caseNumber);
    expect(await appointment.textContent()).toContain('Beratung');
    const followUp = page.getByTestId('workplace-follow-up');
    await followUp.waitFor();
    expect(await followUp.textContent()).toContain(FOLLOW_UP);

    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter(
      (v) => v.impact === 'serious' || v.impact === 'critical',
    );
    expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });

  it('marks the follow-up done on its case, and the start page no longer shows it', async () => {
    await page.getByTestId('workplace-follow-up').getByRole('link', { name: caseNumber }).click();
    await expect.poll(titleOf(page), POLL).toBe(caseNumber);
    // After the navigation the keyboard starts at the new page's heading.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName), POLL).toBe('H1');

    await page.getByRole('tab', { name: 'Wiedervorlagen' }).click();
    const row = page.getByTestId('follow-up');
    await row.waitFor();
    expect(await row.textContent()).toContain('heute fällig');
    await page.getByTestId('follow-up-toggle').click();
    await expect.poll(() => row.textContent(), POLL).toContain('erledigt');
    expect(await page.getByTestId('follow-up-toggle').textContent()).toContain('Wieder öffnen');

    await page.getByRole('link', { name: 'casework' }).first().click();
    await expect.poll(titleOf(page), POLL).toBe('Fallverwaltung');
    await page.getByTestId('workplace').waitFor();
    expect(await page.getByTestId('workplace-follow-up').count()).toBe(0);
    expect(await page.getByTestId('workplace').textContent()).toContain(
      'Keine fälligen Wiedervorlagen.',
    );
  });
});

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { generate } from 'otplib';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChronicle } from '../../server/cli/chronicle-commands.ts';
import { systemClock } from '../../server/clock.ts';
import { asUser, newUser, signIn, type TestUser } from '../support/accounts.ts';
import { collectPageErrors, launchBrowser } from '../support/browser.ts';
import { startE2eServer, type E2eServer } from '../support/e2e-server.ts';
import { testClock } from '../support/test-clock.ts';

// One story: a BackUp counsellor records the affected person's consent and a public text on
// an incident; the team lead approves it; the chronicle build has it in the HTML and the feed;
// after the consent is withdrawn, the next build no longer has it.
describe('the public chronicle in the browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let counsellor: TestUser;
  let lead: TestUser;
  let caseId: string;
  let incidentId: string;
  let out: string;
  const consoleErrors: string[] = [];
  const POLL = { timeout: 10_000 };
  const PUBLIC_TEXT = 'Ein Mann wurde an einer Haltestelle rassistisch beleidigt und geschlagen.';
  const NARRATIVE = 'Vertrauliche Schilderung Marker7Q2';
  const lastMonth = (() => {
    const now = new Date();
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    return first.toISOString().slice(0, 7);
  })();

  /** The TOTP step each user enrolled in: its code is used up (replay protection). */
  const enrolledIn = new Map<TestUser, number>();
  const step = () => Math.floor(Date.now() / 30_000);

  async function signedInPage(user: TestUser): Promise<Page> {
    while (step() <= (enrolledIn.get(user) ?? -1)) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    collectPageErrors(page, consoleErrors);
    await page.goto(`${server.baseUrl}/login`);
    await page.getByTestId('login-username').fill(user.username);
    await page.getByTestId('login-password').fill(user.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-totp').waitFor();
    const epoch = Math.floor(Date.now() / 1000);
    await page.getByTestId('login-totp').fill(await generate({ secret: user.totpSecret!, epoch }));
    await page.getByTestId('login-submit').click();
    await page.getByRole('navigation').waitFor();
    return page;
  }

  async function expectNoSeriousViolations(page: Page) {
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter(
      (v) => v.impact === 'serious' || v.impact === 'critical',
    );
    expect(serious.map((v) => `${new URL(page.url()).pathname} ${v.id}: ${v.help}`)).toEqual([]);
  }

  const built = async () => {
    await fs.rm(out, { recursive: true, force: true });
    await buildChronicle(server.app, out, 'website');
    return {
      html: await fs.readFile(path.join(out, 'index.html'), 'utf8'),
      atom: await fs.readFile(path.join(out, 'chronik.atom'), 'utf8'),
    };
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    out = await fs.mkdtemp(path.join(os.tmpdir(), 'casework-chronicle-e2e-'));
    const clock = testClock(new Date());
    // A colleague records the case and incident through the API, assigned to the counsellor
    // who signs in in the browser (whose current code the API has not used up).
    const colleague = await newUser(server.app, clock, {
      role: 'counsellor',
      service: 'backup',
      totp: true,
    });
    counsellor = await newUser(server.app, systemClock, {
      role: 'counsellor',
      service: 'backup',
      totp: true,
    });
    lead = await newUser(server.app, systemClock, {
      role: 'team_lead',
      service: 'backup',
      totp: true,
    });
    enrolledIn.set(counsellor, step());
    enrolledIn.set(lead, step());
    const http = asUser(server.app, await signIn(server.app, clock, colleague));
    const created = await http('POST', '/api/cases', {
      person: { pseudonym: 'Zaunkönig' },
      assignedCounsellorId: counsellor.user.id,
    });
    expect(created.statusCode, created.body).toBe(201);
    caseId = created.json().id;
    const incident = await http(
      'POST',
      '/api/incidents',
      {
        occurredOn: `${lastMonth}-17`,
        offenceType: 'simple_bodily_harm',
        motives: ['racism_anti_black'],
        district: 'dortmund',
        affectedCount: 1,
        affectedMinors: 0,
        reportedToPolice: 'yes',
        source: 'affected_person',
        description: NARRATIVE,
        caseIds: [caseId],
      },
      { 'x-access-reason': encodeURIComponent('Vorfall für die Kollegin erfasst') },
    );
    expect(incident.statusCode, incident.body).toBe(201);
    incidentId = incident.json().id;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (out) await fs.rm(out, { recursive: true, force: true });
  });

  it('a counsellor records consent and a public text on the incident', async () => {
    const page = await signedInPage(counsellor);
    await page.goto(`${server.baseUrl}/cases/${caseId}`);
    await page.getByTestId('tab-incidents').click();
    await page.getByTestId('incident-show').click();
    const panel = page.getByTestId('chronicle-panel');
    await panel.getByTestId('chronicle-edit').click();
    await page.locator(`#consentBy-${incidentId}`).fill('die betroffene Person selbst');
    await page.locator(`#consentForm-${incidentId}`).selectOption('written');
    await page.locator(`#consentOn-${incidentId}`).fill(`${lastMonth}-20`);
    await page.locator(`#datePrecision-${incidentId}`).selectOption('month');
    await page.locator(`#placePrecision-${incidentId}`).selectOption('district');
    await page.locator(`#publicText-${incidentId}`).fill(PUBLIC_TEXT);
    await expectNoSeriousViolations(page);
    await page.getByTestId('chronicle-save').click();
    await expect
      .poll(() => panel.getByTestId('chronicle-entry').getAttribute('data-state'), POLL)
      .toBe('pending');
    expect(await panel.getByTestId('chronicle-text').textContent()).toBe(PUBLIC_TEXT);
    await page.context().close();
  });

  it('the team lead approves it, and the build has it in the HTML and the feed', async () => {
    const page = await signedInPage(lead);
    await page.getByRole('navigation').getByRole('link', { name: 'Chronik' }).click();
    await page.getByTestId('chronicle-approve').waitFor(POLL);
    await expectNoSeriousViolations(page);
    expect(await page.getByTestId('chronicle-text').textContent()).toBe(PUBLIC_TEXT);
    await page.getByTestId('chronicle-approve').click();
    await expect
      .poll(() => page.getByTestId('chronicle-page-status').textContent(), POLL)
      .toContain('Freigegeben');

    // The team lead downloads the same files from the web.
    const downloads: Download[] = [];
    page.on('download', (download) => downloads.push(download));
    await page.getByTestId('chronicle-build').click();
    await expect.poll(() => downloads.length, POLL).toBe(3);
    const html = downloads.find((download) => download.suggestedFilename() === 'index.html')!;
    const downloaded = await fs.readFile((await html.path())!, 'utf8');
    expect(downloaded).toContain(PUBLIC_TEXT);
    expect(downloaded).not.toContain(NARRATIVE);

    const first = await built();
    for (const file of [first.html, first.atom]) {
      expect(file).toContain(PUBLIC_TEXT);
      expect(file).not.toContain(NARRATIVE);
      expect(file).not.toContain('Zaunkönig');
      expect(file).not.toContain(`${lastMonth}-17`);
    }
    expect(first.html).toContain(`<time datetime="${lastMonth}">`);

    // The consent is withdrawn: the team lead records it, and sees where it was published.
    await page.locator('#chronicle-state').selectOption('approved');
    await page.getByTestId('chronicle-withdraw').waitFor(POLL);
    expect(await page.getByTestId('chronicle-publications').textContent()).toContain('website');
    await page.getByTestId('chronicle-withdraw').click();
    await page.getByTestId('confirm-action').click();
    await expect
      .poll(() => page.getByTestId('chronicle-page-status').textContent(), POLL)
      .toContain('nächste Build');

    const second = await built();
    expect(second.html).not.toContain(PUBLIC_TEXT);
    expect(second.atom).not.toContain(PUBLIC_TEXT);
    expect(second.html).toContain('Zurzeit sind keine Einträge veröffentlicht.');
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});

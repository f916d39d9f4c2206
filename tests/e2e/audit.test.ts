import fs from 'node:fs/promises';
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { asUser, newUser, signIn, type TestUser } from '../support/accounts.ts';
import { testSealer } from '../support/audit-sealer.ts';
import { collectPageErrors, launchBrowser } from '../support/browser.ts';
import { startE2eServer, type E2eServer } from '../support/e2e-server.ts';
import type { TestDatabase } from '../support/test-cluster.ts';
import { testClock } from '../support/test-clock.ts';

// One story: two BackUp counsellors open a case; an auditor finds out who did, follows the
// case's timeline, exports it, sees the export in the log, has a checkpoint sealed, and is told
// plainly when the log has been tampered with.
describe('the auditor workspace in the browser', () => {
  let server: E2eServer;
  let database: TestDatabase;
  let sealer: Awaited<ReturnType<typeof testSealer>>;
  let app: FastifyInstance;
  let baseUrl = '';
  let browser: Browser;
  let page: Page;
  let anna: TestUser;
  let ben: TestUser;
  let auditor: TestUser;
  let caseNumber = '';
  let caseId = '';
  const PSEUDONYM = 'Rotkehlchen Wiesengrund';
  const consoleErrors: string[] = [];

  // With the sealer's public key, so that verification can run.
  async function startServer() {
    server = await startE2eServer(async (config, database) => {
      sealer = await testSealer(database.sealerUrl, systemClock);
      return { ...config, audit: { ...config.audit, publicKeyFile: sealer.publicKeyFile } };
    });
    ({ app, database, baseUrl } = server);
  }

  /** A BackUp counsellor with an API session. Each has a clock of its own, set to now: a
   * session's sign-in moves its clock on by one TOTP step, within the server's drift window. */
  async function newCounsellor() {
    const clock = testClock(new Date());
    const user = await newUser(app, clock, { role: 'counsellor', service: 'backup', totp: true });
    return { user, http: asUser(app, await signIn(app, clock, user)) };
  }

  beforeAll(async () => {
    [, browser] = await Promise.all([startServer(), launchBrowser()]);

    const [first, second] = await Promise.all([newCounsellor(), newCounsellor()]);
    anna = first.user;
    ben = second.user;
    const created = await first.http('POST', '/api/cases', {
      person: { pseudonym: PSEUDONYM },
      coCounsellorId: ben.user.id,
    });
    expect(created.statusCode, created.body).toBe(201);
    ({ id: caseId, caseNumber } = created.json());
    for (const who of [first, second]) {
      const opened = await who.http('GET', `/api/cases/${caseId}`);
      expect(opened.statusCode, opened.body).toBe(200);
    }
    // Ben also tries the auditors' search, five times: refused, and an anomaly for the day.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await second.http('GET', '/api/audit')).statusCode).toBe(403);
    }
    auditor = await newUser(app, systemClock, { role: 'auditor', totp: true });

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    collectPageErrors(page, consoleErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await sealer?.close();
  });

  const POLL = { timeout: 10_000 };

  async function waitForTitle(title: string) {
    await page.waitForFunction(
      (expected) => document.querySelector('[data-testid=page-title]')?.textContent === expected,
      title,
    );
  }

  /** The element's text as it is now ('' while missing), for polling. */
  const currentText = (selector: string) => () =>
    page
      .locator(selector)
      .first()
      .textContent({ timeout: 250 })
      .then((text) => text?.replace(/\s+/g, ' ').trim() ?? '')
      .catch(() => '');

  /** The rows of the event table as shown, in order. */
  const rows = () =>
    page.locator('[data-testid=audit-row]').evaluateAll((elements) =>
      elements.map((row) => {
        const text = (selector: string) =>
          row.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim();
        return {
          action: row.getAttribute('data-action'),
          person: text('[data-testid=event-person] a'),
          role: text('[data-testid=event-role]'),
          time: text('[data-testid=event-time]'),
          case: text('[data-testid=event-case]'),
          label: text('[data-testid=event-action]'),
        };
      }),
    );

  async function expectNoSeriousViolations() {
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter(
      (v) => v.impact === 'serious' || v.impact === 'critical',
    );
    expect(serious.map((v) => `${new URL(page.url()).pathname} ${v.id}: ${v.help}`)).toEqual([]);
  }

  /** The accessible name of a person's link: screen readers hear where it leads. */
  const timelineOf = (username: string) => `Zeitleiste von ${username}`;
  const GERMAN_TIME = /^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2} Nr\. \d+$/;

  it('shows who opened a case and when, in the workspace and on the case timeline (axe)', async () => {
    await page.goto(baseUrl);
    await waitForTitle('Anmelden');
    await page.getByTestId('login-username').fill(auditor.username);
    await page.getByTestId('login-password').fill(auditor.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-totp').waitFor();
    // Enrolment used this 30-second step; the next one is within the drift window.
    const epoch = Math.floor(Date.now() / 1000) + 30;
    await page
      .getByTestId('login-totp')
      .fill(await generate({ secret: auditor.totpSecret!, epoch }));
    await page.getByTestId('login-submit').click();
    await waitForTitle('Fallverwaltung');

    await page.getByRole('navigation').getByRole('link', { name: 'Zugriffsprotokoll' }).click();
    await waitForTitle('Zugriffsprotokoll');
    const status = page.getByTestId('verify-status');
    await expect.poll(() => status.getAttribute('data-state'), POLL).toBe('intact');
    expect(await currentText('[data-testid=verify-status]')()).toBe(
      '✓ Intakt: Das Protokoll ist lückenlos und unverändert.',
    );
    expect(Number(await currentText('[data-testid=verify-checked]')())).toBeGreaterThan(5);

    // Anomalies: Ben's refusals, with the threshold in words and a link to his day.
    const denials = page.getByTestId('anomaly-group-repeated_denials');
    await denials.waitFor(POLL);
    expect(await denials.innerText()).toContain('Mindestens 5 verweigerte Zugriffe an einem Tag');
    const benFlag = denials.getByRole('link', { name: timelineOf(ben.username) });
    expect(await benFlag.getAttribute('href')).toMatch(
      new RegExp(
        `^/audit/user/${ben.username}\\?from=\\d{4}-\\d{2}-\\d{2}&to=\\d{4}-\\d{2}-\\d{2}$`,
      ),
    );
    expect(await denials.getByTestId('anomaly-flag').first().innerText()).toContain(
      '5 Verweigerungen',
    );

    // The filter: case number (typed in lower case) and the action "case opened".
    await page.getByTestId('filter-case-number').fill(caseNumber.toLowerCase());
    await page.getByTestId('filter-action').selectOption('case.view');
    await page.getByTestId('filter-submit').click();
    await page.waitForURL(
      (url) => url.search === `?caseNumber=${caseNumber}&action=case.view`,
      POLL,
    );
    await expect
      .poll(async () => (await rows()).map((row) => [row.action, row.person, row.case]), POLL)
      .toEqual([
        ['case.view', ben.username, caseNumber],
        ['case.view', anna.username, caseNumber],
      ]);
    for (const row of await rows()) {
      expect(row.time).toMatch(GERMAN_TIME);
      expect(row.label).toBe('Fall geöffnet');
      expect(row.role).toBe('Beratung · BackUp');
    }
    expect(await currentText('[data-testid=results-summary]')()).toBe(
      '2 Ereignisse, neuestes zuerst.',
    );
    // Nothing from the client's record, anywhere on the page or in its title.
    expect(await page.locator('body').innerText()).not.toContain(PSEUDONYM);
    await expectNoSeriousViolations();

    // The case's timeline: everything about it, oldest first.
    await page
      .getByRole('link', { name: `Zeitleiste zu Fall ${caseNumber}` })
      .first()
      .click();
    await waitForTitle(`Zeitleiste zu Fall ${caseNumber}`);
    expect(new URL(page.url()).pathname).toBe(`/audit/case/${caseNumber}`);
    expect(await page.title()).toBe(`Zeitleiste zu Fall ${caseNumber} · casework`);
    await expect
      .poll(async () => (await rows()).map((row) => [row.action, row.person]), POLL)
      .toEqual([
        ['case.create', anna.username],
        ['case.view', anna.username],
        ['case.view', ben.username],
      ]);
    expect(await currentText('[data-testid=timeline-summary]')()).toBe('3 Ereignisse.');
    expect(await page.locator('body').innerText()).not.toContain(PSEUDONYM);
    await expectNoSeriousViolations();

    // The same in English.
    await page.getByTestId('language-switch').selectOption('en');
    await waitForTitle(`Timeline of case ${caseNumber}`);
    expect((await rows())[0]?.label).toBe('Case created');
    await page.getByTestId('language-switch').selectOption('de');
    await waitForTitle(`Zeitleiste zu Fall ${caseNumber}`);
  });

  it('exports the case timeline as CSV, and the export is then in the log as the auditor’s own action', async () => {
    const download = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^access-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await fs.readFile((await file.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toMatch(/^seq,at,actorUsername,/);
    expect(lines.slice(1).map((line) => line.split(',').slice(2, 3)[0])).toEqual([
      ben.username,
      anna.username,
      anna.username,
    ]);
    expect(csv).toContain(caseNumber);
    expect(csv).not.toContain(PSEUDONYM);
    await expect
      .poll(currentText('[data-testid=export-status]'), POLL)
      .toMatch(/^Die Datei access-log-.*\.csv wurde heruntergeladen\./);

    // Ben's timeline, from his name.
    await page.getByRole('link', { name: timelineOf(ben.username) }).click();
    await waitForTitle(`Zeitleiste von ${ben.username}`);
    await expect
      .poll(async () => (await rows()).map((row) => row.action), POLL)
      .toContain('case.view');
    await expectNoSeriousViolations();

    // Back in the workspace, after a reload: the export is an event of the auditor.
    await page.goto(`${baseUrl}/audit?action=audit.export`);
    await waitForTitle('Zugriffsprotokoll');
    expect(await page.getByTestId('filter-action').inputValue()).toBe('audit.export');
    await expect
      .poll(async () => (await rows()).map((row) => [row.person, row.label]), POLL)
      .toEqual([[auditor.username, 'Protokoll exportiert']]);
  });

  it('requests a signed checkpoint and shows it as the last one', async () => {
    // The panel loads its status after the page: wait for it rather than read it at once.
    await expect.poll(currentText('[data-testid=last-checkpoint]')).toBe('Noch keiner');
    await page.getByTestId('request-checkpoint').click();
    // The sealer runs in this process: it seals until the server has seen the new checkpoint.
    const message = currentText('[data-testid=checkpoint-status]');
    const deadline = Date.now() + 8_000;
    while ((await message()) === '' && Date.now() < deadline) {
      await sealer.seal();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await message()).toMatch(/^Checkpoint erstellt: \d+ Ereignisse, \d{2}\.\d{2}\.\d{4}/);
    expect(await currentText('[data-testid=last-checkpoint]')()).toMatch(
      /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2} \(\d+ Ereignisse\)$/,
    );
  });

  it('says plainly that the log is not intact, naming the first bad event', async () => {
    // Tampering as the table owner would: triggers off, one event changed.
    const seq = await withClient(database.ownerUrl, async (client) => {
      await client.query('BEGIN');
      await client.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
      const { rows: changed } = await client.query(
        `UPDATE audit_events SET outcome = 'denied'
          WHERE action = 'case.view' AND actor_id = $1 RETURNING seq`,
        [ben.user.id],
      );
      await client.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
      await client.query('COMMIT');
      return String(changed[0].seq);
    });

    await page.getByTestId('verify-now').click();
    const alert = page.getByRole('alert').filter({ hasText: 'NICHT intakt' });
    await alert.waitFor(POLL);
    expect(await page.getByTestId('verify-status').getAttribute('data-state')).toBe('broken');
    expect(await alert.innerText()).toContain(`Erstes nicht belegtes Ereignis: Nr. ${seq}.`);
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
});

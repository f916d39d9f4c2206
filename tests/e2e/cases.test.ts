import { AxeBuilder } from '@axe-core/playwright';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock.ts';
import { newUser, type TestUser } from '../support/accounts.ts';
import { collectPageErrors, launchBrowser } from '../support/browser.ts';
import { startE2eServer, type E2eServer } from '../support/e2e-server.ts';

// One story: a BackUp counsellor opens a case with an incident, writes and corrects a
// note, plans appointments, finds the case again; a ComeBack counsellor finds nothing of it.
describe('case work in the browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let backup: TestUser;
  let comeback: TestUser;
  let page: Page;
  let caseId = '';
  let caseNumber = '';
  const PSEUDONYM = 'Kranich Abendrot';
  const REAL_NAME = 'Erika Musterfrau';
  const COURT_FILE = '12 Ds 345/26';
  const consoleErrors: string[] = [];
  /** Every address the browsers asked for: names and pseudonyms must never be in one. */
  const requestedUrls: string[] = [];
  const POLL = { timeout: 10_000 };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    [backup, comeback] = await Promise.all([
      newUser(server.app, systemClock, { role: 'counsellor', service: 'backup', totp: true }),
      newUser(server.app, systemClock, { role: 'counsellor', service: 'comeback', totp: true }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const next = await context.newPage();
    collectPageErrors(next, consoleErrors);
    next.on('request', (request) => requestedUrls.push(request.url()));
    return next;
  }

  const titleOf = (on: Page) => () =>
    on
      .getByTestId('page-title')
      .textContent({ timeout: 250 })
      .catch(() => '');

  async function expectNoSeriousViolations(on: Page) {
    const results = await new AxeBuilder({ page: on }).analyze();
    const serious = results.violations.filter(
      (v) => v.impact === 'serious' || v.impact === 'critical',
    );
    expect(serious.map((v) => `${new URL(on.url()).pathname} ${v.id}: ${v.help}`)).toEqual([]);
  }

  /** Signs in through the real form; enrolment used this TOTP step, the next one is allowed. */
  async function signIn(on: Page, who: TestUser) {
    await on.goto(`${server.baseUrl}/login`);
    await on.getByTestId('login-username').fill(who.username);
    await on.getByTestId('login-password').fill(who.password);
    await on.getByTestId('login-submit').click();
    await on.getByTestId('login-totp').waitFor();
    const epoch = Math.floor(Date.now() / 1000) + 30;
    await on.getByTestId('login-totp').fill(await generate({ secret: who.totpSecret!, epoch }));
    await on.getByTestId('login-submit').click();
    await expect.poll(titleOf(on), POLL).toBe('Fallverwaltung');
  }

  /** The browser's local day a week from now, as its date input takes it. */
  function dayInOneWeek(): string {
    const day = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
  }

  /** Nothing identifying in the address bar or the tab title. */
  async function expectNothingSensitiveShown(on: Page) {
    const exposed = `${on.url()} ${await on.title()}`;
    expect(exposed).not.toContain(PSEUDONYM.split(' ')[0]);
    expect(exposed).not.toContain(encodeURIComponent(PSEUDONYM));
    expect(exposed).not.toContain(REAL_NAME.split(' ')[0]);
  }

  it('a BackUp counsellor opens a case with an incident (axe: case list, new-case form, case page)', async () => {
    page = await newPage();
    await signIn(page, backup);

    await page.getByRole('link', { name: 'Fälle' }).first().click();
    await expect.poll(titleOf(page), POLL).toBe('Fälle');
    await page.getByTestId('case-list-empty').waitFor();
    await expectNoSeriousViolations(page);

    await page.getByTestId('new-case').click();
    await expect.poll(titleOf(page), POLL).toBe('Neuer Fall');
    // The pseudonym is required; the message stands next to the field.
    await page.getByTestId('case-create').click();
    await expect
      .poll(() => page.locator('#person-pseudonym-error').textContent(), POLL)
      .toBe('Bitte ausfüllen.');

    await page.getByTestId('case-pseudonym').fill(PSEUDONYM);
    expect(await page.locator('#person-pseudonym-error').textContent()).toBe('');
    await page.getByTestId('case-name').fill(REAL_NAME);
    await page.getByTestId('case-with-incident').check();
    await page.getByTestId('incident-form').waitFor();
    await expectNoSeriousViolations(page);

    await page.getByTestId('incident-date').fill('2026-11-02');
    await page.getByTestId('incident-offence').selectOption('simple_bodily_harm');
    await page.getByLabel('Rassismus: gegen Geflüchtete').check();
    await page.getByLabel('Antisemitismus').check();
    await page.getByTestId('incident-municipality').fill('Lünen');
    await page.getByTestId('incident-district').selectOption('kreis_unna');
    await page.getByTestId('incident-affected').fill('3');
    await page.getByTestId('incident-minors').fill('1');
    await page.getByTestId('incident-police').selectOption('yes');
    await page.getByTestId('incident-source').selectOption('affected_person');
    await page.getByTestId('incident-description').fill('Angriff an der Bushaltestelle.');
    await page.getByTestId('case-create').click();

    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/, POLL);
    caseId = new URL(page.url()).pathname.split('/').pop()!;
    await expect.poll(titleOf(page), POLL).toMatch(/^BU-\d{4}-\d{4}$/);
    caseNumber = (await titleOf(page)()) ?? '';
    expect(await page.title()).toBe(`${caseNumber} · casework`);
    await expectNothingSensitiveShown(page);
    expect(await page.getByTestId('person-details').textContent()).toContain(PSEUDONYM);
    await expectNoSeriousViolations(page);

    // The tabs follow the keyboard: arrow right moves from "Person" to "Vorfälle".
    await page.getByTestId('tab-person').focus();
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('incident-list').waitFor();
    expect(await page.getByTestId('incident').textContent()).toContain('Einfache Körperverletzung');
    expect(await page.getByTestId('tab-incidents').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('incident-show').click();
    expect(await page.getByTestId('incident-details').textContent()).toContain(
      'Angriff an der Bushaltestelle.',
    );

    // Pausing the case: the badge says so.
    await page.getByTestId('tab-person').click();
    await page.getByTestId('case-status').selectOption('paused');
    await page.getByTestId('case-status-save').click();
    await expect
      .poll(() => page.locator('[data-testid=panel-person] .badge').first().textContent(), POLL)
      .toBe('pausiert');

    // Contact data added later, through the same fields as on the new-case form.
    await page.getByTestId('person-edit').click();
    await page.locator('#person-safeContact').fill('nur telefonisch nach 18 Uhr');
    await page.getByTestId('person-save').click();
    await page.getByTestId('person-status').getByText('Angaben gespeichert.').waitFor();
    expect(await page.getByTestId('person-details').textContent()).toContain(
      'nur telefonisch nach 18 Uhr',
    );
  });

  it('adds a note and corrects it visibly, never in place', async () => {
    await page.getByTestId('tab-notes').click();
    await page.getByTestId('notes-empty').waitFor();
    await page.getByTestId('note-kind').selectOption('phone_call');
    await page.getByTestId('note-body').fill('Rückruf vereinbart, Termin am Montag.');
    await page.getByTestId('note-submit').click();
    await page.getByTestId('note-list').waitFor();
    expect(await page.getByTestId('note-kind-badge').first().textContent()).toBe('Telefonat');

    await page.getByTestId('note-amend').first().click();
    await page.getByTestId('amend-body').fill('Rückruf vereinbart, Termin am Dienstag.');
    await page.getByTestId('amend-submit').click();
    await page.getByTestId('note-correction').waitFor();
    const bodies = await page.locator('[data-testid=note] .body').allTextContents();
    expect(bodies).toEqual([
      'Rückruf vereinbart, Termin am Montag.',
      'Rückruf vereinbart, Termin am Dienstag.',
    ]);
    await page.getByTestId('note-amended').waitFor();
  });

  it('records an accompaniment, a compensation claim and a referral (axe: Begleitungen)', async () => {
    await page.getByTestId('tab-accompaniments').click();
    await page.getByTestId('accompaniments-empty').waitFor();
    await page.getByRole('button', { name: 'Begleitung erfassen' }).click();
    await page.locator('#acc-kind').selectOption('court_hearing');
    await page.locator('#acc-role').selectOption('joint_plaintiff');
    await page.locator('#acc-court').fill('Amtsgericht Lünen');
    await page.locator('#acc-file').fill(COURT_FILE);
    await page.getByRole('button', { name: 'Begleitung speichern' }).click();
    await page.getByTestId('accompaniment-list').waitFor();
    expect(await page.getByTestId('accompaniment-list').textContent()).toContain(COURT_FILE);

    await page.getByRole('button', { name: 'Antrag erfassen' }).click();
    await page.locator('#claim-status').selectOption('filed');
    await page.getByRole('button', { name: 'Antrag speichern' }).click();
    await page.getByText('gestellt', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Vermittlung erfassen' }).click();
    await page.locator('#referral-target').selectOption('lawyer');
    // Consent is never preselected.
    await page.getByRole('button', { name: 'Vermittlung speichern' }).click();
    await expect
      .poll(() => page.locator('#referral-consentForm-error').textContent(), POLL)
      .toBe('Bitte ausfüllen.');
    await page.locator('#referral-consentForm').selectOption('written');
    await page.getByRole('button', { name: 'Vermittlung speichern' }).click();
    await page.getByText('Anwält*in').waitFor();
    await expectNoSeriousViolations(page);
  });

  it('plans appointments for the case, warns of an overlap and shows them in the week (axe: week view)', async () => {
    await page.getByTestId('tab-appointments').click();
    await page.getByTestId('case-appointments-empty').waitFor();
    await page.getByRole('link', { name: 'Termin planen' }).click();
    await expect.poll(titleOf(page), POLL).toBe('Termine');
    await page.getByTestId('week-view').waitFor();
    expect(await page.getByTestId('appointment-case').inputValue()).toBe(caseId);

    // A week ahead: the case list shows the next appointment, and past ones are not next.
    await page.getByTestId('appointment-date').fill(dayInOneWeek());
    await page.getByTestId('appointment-start').fill('10:00');
    await page.getByTestId('appointment-end').fill('11:00');
    await page.getByTestId('appointment-location').fill('Beratungsstelle');
    await page.getByTestId('appointment-submit').click();
    await page.getByTestId('appointment-status').waitFor();
    expect(await page.getByTestId('appointment-overlap').count()).toBe(0);
    await page.getByTestId('week-next').click();
    await expect.poll(() => page.getByTestId('week-appointment').count(), POLL).toBe(1);
    expect(await page.getByTestId('week-appointment').textContent()).toContain(
      `Fall ${caseNumber}`,
    );

    await page.getByTestId('appointment-kind').selectOption('police_interview');
    await page.getByTestId('appointment-case').selectOption('');
    await page.getByTestId('appointment-start').fill('10:30');
    await page.getByTestId('appointment-end').fill('12:00');
    await page.getByTestId('appointment-submit').click();
    await page.getByTestId('appointment-overlap').waitFor();
    await expect.poll(() => page.getByTestId('week-appointment').count(), POLL).toBe(2);
    await expectNoSeriousViolations(page);

    await page.getByTestId('week-today').click();
    await expect.poll(() => page.getByTestId('week-appointment').count(), POLL).toBe(0);
    await page.getByTestId('week-next').click();
    await expect.poll(() => page.getByTestId('week-appointment').count(), POLL).toBe(2);
    // The team's week holds them too.
    await page.getByTestId('week-team').check();
    await expect.poll(() => page.getByTestId('week-appointment').count(), POLL).toBe(2);
    await page.getByTestId('week-team').uncheck();

    // The personal calendar feed: a link shown once, then revoked.
    await page.getByTestId('feed-create').click();
    expect(await page.getByTestId('feed-link').inputValue()).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/.*token=[A-Za-z0-9_-]{43}$/,
    );
    const feed = await fetch(await page.getByTestId('feed-link').inputValue());
    const calendar = await feed.text();
    expect(calendar).toContain('BEGIN:VCALENDAR');
    for (const word of ['Beratungsstelle', 'Kranich', caseNumber]) {
      expect(calendar).not.toContain(word);
    }
    await page.getByTestId('feed-revoke').click();
    await expect
      .poll(() => page.getByTestId('feed-state').textContent(), POLL)
      .toBe('Kein Kalender-Abo aktiv.');

    // The police interview is called off: after confirming, it leaves the week.
    await page.getByTestId('appointment-cancel').nth(1).click();
    await page.getByTestId('confirm-dialog').waitFor({ state: 'visible' });
    await page.getByTestId('confirm-action').click();
    await expect.poll(() => page.getByTestId('week-appointment').count(), POLL).toBe(1);
    expect(await page.getByTestId('week-appointment').textContent()).toContain('Beratung');
  });

  it('finds the case again by its pseudonym and by the court file number, with its next appointment', async () => {
    await page.getByRole('link', { name: 'Fälle' }).first().click();
    await expect.poll(titleOf(page), POLL).toBe('Fälle');
    // The list opens on the counsellor's own open cases (this one may be closed by now);
    // a search looks through every case of the service.
    await page.getByTestId('case-search').waitFor();
    // "/" jumps to the search box.
    await page.locator('body').click();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('case-search');
    await page.keyboard.type(PSEUDONYM);
    await page.keyboard.press('Enter');
    await page.getByTestId(`case-row-${caseNumber}`).waitFor();
    await page.getByTestId('case-search').fill(PSEUDONYM);
    await page.getByTestId('case-search-submit').click();
    const row = page.getByTestId(`case-row-${caseNumber}`);
    await row.waitFor();
    expect(await page.locator('[data-testid^=case-row-]').count()).toBe(1);
    expect(await row.getByTestId('case-pseudonym').textContent()).toBe(PSEUDONYM);
    expect(await row.textContent()).toContain('Beratung');
    await expectNothingSensitiveShown(page);

    // The court file number of the accompaniment finds it too.
    await page.getByTestId('case-search').fill(COURT_FILE);
    await page.getByTestId('case-search-submit').click();
    await expect.poll(() => page.locator('[data-testid^=case-row-]').count(), POLL).toBe(1);
    await row.waitFor();

    await page.getByTestId('case-search').fill('Niemand Bekanntes');
    await page.getByTestId('case-search-submit').click();
    await page.getByTestId('case-list-empty').waitFor();
  });

  it('a ComeBack counsellor finds nothing of it, not even by opening its address (axe: exit process)', async () => {
    const other = await newPage();
    await signIn(other, comeback);
    await other.getByRole('link', { name: 'Fälle' }).first().click();
    await other.getByTestId('case-list-empty').waitFor();
    await other.getByTestId('case-search').fill(PSEUDONYM);
    await other.getByTestId('case-search-submit').click();
    await expect
      .poll(() => other.getByTestId('case-list-empty').textContent(), POLL)
      .toBe('Kein Fall passt genau zu diesem Suchbegriff.');

    await other.goto(`${server.baseUrl}/cases/${caseId}`);
    await other.getByTestId('case-not-found').waitFor();
    expect(await other.getByTestId('page-title').textContent()).toBe('Fall nicht gefunden');

    // Its own case work goes on: an anonymous case with its exit process.
    await other.goto(`${server.baseUrl}/cases/new`);
    await other.getByTestId('case-pseudonym').fill('Eule Morgentau');
    await other.getByTestId('case-anonymous').check();
    expect(await other.getByTestId('case-with-incident').count()).toBe(0);
    await other.getByTestId('case-create').click();
    await expect.poll(titleOf(other), POLL).toMatch(/^CB-\d{4}-\d{4}$/);
    await other.getByTestId('tab-exit').click();
    await other.getByTestId('exit-phase').waitFor();
    await other.locator('#exit-phase-select').selectOption('motivation_and_risk');
    await other.getByRole('button', { name: 'Phase speichern' }).click();
    await expect
      .poll(() => other.getByTestId('exit-phase').textContent(), POLL)
      .toBe('Klärung von Motivation und Risiko');
    await expectNoSeriousViolations(other);
    await other.close();

    expect(consoleErrors).toEqual([]);
    const leaked = requestedUrls.filter((url) =>
      ['Kranich', 'Musterfrau', 'Eule', '345/26'].some((word) =>
        decodeURIComponent(url).includes(word),
      ),
    );
    expect(leaked).toEqual([]);
  });

  it('asks a BackUp colleague for a reason before opening a case not assigned to them', async () => {
    const colleague = await newUser(server.app, systemClock, {
      role: 'counsellor',
      service: 'backup',
      totp: true,
    });
    const other = await newPage();
    await signIn(other, colleague);
    await other.goto(`${server.baseUrl}/cases/${caseId}`);
    await other.getByTestId('access-reason').waitFor();
    await other.getByTestId('access-reason-submit').click();
    await expect
      .poll(() => other.locator('#access-reason-text-error').textContent())
      .toBe('Bitte geben Sie einen Grund an.');
    await other.getByTestId('access-reason-text').fill('Vertretung während des Urlaubs');
    await other.getByTestId('access-reason-submit').click();
    await expect.poll(titleOf(other), POLL).toBe(caseNumber);
    await expectNoSeriousViolations(other);
    // The case's tabs ask the server again; the page sends the same reason with each.
    await other.getByTestId('tab-notes').click();
    await other.getByTestId('note-list').waitFor(POLL);
    expect(await other.locator('[data-testid=note] .body').first().textContent()).toContain(
      'Rückruf vereinbart',
    );
    const { withClient } = await import('../../server/database/pg-client.ts');
    const events = await withClient(server.database.superuserUrl, (client) =>
      client.query(
        `SELECT reason, detail IS NOT NULL AS encrypted, position(convert_to('Vertretung', 'UTF8') IN coalesce(detail, ''::bytea)) AS plain
           FROM audit_events WHERE action = 'case.view' AND actor_id = $1 ORDER BY seq`,
        [colleague.user.id],
      ),
    );
    expect(events.rows.at(-1)).toEqual({ reason: 'unassigned', encrypted: true, plain: 0 });
    const notesRead = await withClient(server.database.superuserUrl, (client) =>
      client.query(
        `SELECT reason, detail IS NOT NULL AS encrypted FROM audit_events
          WHERE action = 'note.list' AND actor_id = $1 AND outcome = 'allowed'`,
        [colleague.user.id],
      ),
    );
    expect(notesRead.rows).toEqual([{ reason: 'unassigned', encrypted: true }]);
    expect(requestedUrls.some((url) => url.includes('Vertretung'))).toBe(false);
  });

  it('exports everything about the person for a subject-access request; a colleague needs a reason (axe: export)', async () => {
    await page.goto(`${server.baseUrl}/cases/${caseId}`);
    await page.getByTestId('case-export-link').click();
    const document = page.getByTestId('export-document');
    await document.waitFor(POLL);
    const text = (await document.textContent()) ?? '';
    expect(text).toContain(caseNumber);
    expect(text).toContain(PSEUDONYM);
    expect(text).toContain(REAL_NAME);
    expect(text).toContain(COURT_FILE);
    await expectNoSeriousViolations(page);

    const colleague = await newUser(server.app, systemClock, {
      role: 'counsellor',
      service: 'backup',
      totp: true,
    });
    const other = await newPage();
    await signIn(other, colleague);
    await other.goto(`${server.baseUrl}/cases/${caseId}/export`);
    await other.getByTestId('access-reason').waitFor();
    expect(await other.getByTestId('export-document').count()).toBe(0);
    await other.getByTestId('access-reason-text').fill('Auskunftsersuchen der Person, Vertretung');
    await other.getByTestId('access-reason-submit').click();
    await other.getByTestId('export-document').waitFor(POLL);
    expect(await other.getByTestId('export-document').textContent()).toContain(PSEUDONYM);
    await other.close();
    const { withClient } = await import('../../server/database/pg-client.ts');
    const exports = await withClient(server.database.superuserUrl, (client) =>
      client.query(
        `SELECT actor_id, reason FROM audit_events WHERE action = 'case.export' AND outcome = 'allowed' ORDER BY seq`,
      ),
    );
    expect(exports.rows.map((row) => row.actor_id)).toEqual([
      expect.any(String),
      colleague.user.id,
    ]);
  });

  it('a ComeBack counsellor records a prevention contact and a training and sees them listed (axe: prevention)', async () => {
    // A colleague of the ComeBack counsellor above (a TOTP step is good for one sign-in only).
    const counsellor = await newUser(server.app, systemClock, {
      role: 'counsellor',
      service: 'comeback',
      totp: true,
    });
    const other = await newPage();
    await signIn(other, counsellor);
    await other.getByRole('navigation').getByRole('link', { name: 'Prävention' }).click();
    await expect.poll(titleOf(other), POLL).toBe('Prävention');
    expect(await other.getByTestId('prevention-hint').textContent()).toContain(
      'keine personenbezogenen Daten',
    );
    await other.getByTestId('contacts-empty').waitFor();

    // The server's own messages stand next to the fields.
    await other.getByTestId('contact-submit').click();
    await expect
      .poll(() => other.locator('#contact-setting-error').textContent(), POLL)
      .toBe('Bitte ausfüllen.');
    await other.locator('#contact-setting').selectOption('school');
    await other.locator('#contact-participants').fill('0');
    await other.getByTestId('contact-submit').click();
    await other.locator('#contact-participants-error').waitFor();
    await other.locator('#contact-participants').fill('12');
    await other.getByTestId('contact-submit').click();
    await expect.poll(() => other.getByTestId('contact-row').count(), POLL).toBe(1);
    expect(await other.getByTestId('contact-row').textContent()).toContain('Schule');

    await other.locator('#training-format').selectOption('workshop');
    await other.locator('#training-audience').selectOption('school_staff');
    await other.locator('#training-participants').fill('25');
    await other.getByTestId('training-submit').click();
    await expect.poll(() => other.getByTestId('training-row').count(), POLL).toBe(1);
    const row = await other.getByTestId('training-row').textContent();
    expect(row).toContain('Workshop');
    expect(row).toContain('Schulpersonal');
    expect(row).toContain('25');
    await expectNoSeriousViolations(other);
    await other.close();

    // Prevention work is ComeBack's: BackUp has no menu entry for it, and a typed-in address
    // gets a calm notice, not an error.
    await page.goto(`${server.baseUrl}/prevention`);
    await page.getByTestId('prevention-not-for-service').waitFor();
    const menu = page.getByRole('navigation', { name: 'Hauptnavigation' });
    expect(await menu.getByRole('link', { name: 'Fälle' }).count()).toBe(1);
    expect(await menu.getByRole('link', { name: 'Prävention' }).count()).toBe(0);
  });

  it('a BackUp counsellor sets a co-counsellor on the case and sees it on the case page', async () => {
    const second = await newUser(server.app, systemClock, {
      role: 'counsellor',
      service: 'backup',
      totp: true,
    });
    await page.goto(`${server.baseUrl}/cases/${caseId}`);
    await expect.poll(titleOf(page), POLL).toBe(caseNumber);
    const select = page.getByTestId('co-counsellor-select');
    await expect
      .poll(() => select.locator('option', { hasText: second.username }).count(), POLL)
      .toBe(1);
    await select.selectOption({ label: second.username });
    await page.getByTestId('co-counsellor-save').click();
    await expect
      .poll(() => page.getByTestId('co-counsellor').textContent(), POLL)
      .toBe(second.username);
    await page.getByTestId('co-counsellor-status').waitFor();

    await page.reload();
    await expect
      .poll(() => page.getByTestId('co-counsellor').textContent(), POLL)
      .toBe(second.username);
  });

  it('unlinks the incident from the case and links it again from the list of incidents', async () => {
    await page.getByTestId('tab-incidents').click();
    await expect.poll(() => page.getByTestId('incident').count(), POLL).toBe(1);
    await page.getByTestId('incident-unlink').click();
    await page.getByTestId('incidents-empty').waitFor();

    // Linking asks for a choice first, then offers the incident it just let go.
    await page.getByTestId('incident-link-submit').click();
    await expect
      .poll(() => page.locator('#incident-link-error').textContent(), POLL)
      .toBe('Bitte ausfüllen.');
    const options = page.getByTestId('incident-link-select').locator('option:not([value=""])');
    await expect.poll(() => options.count(), POLL).toBeGreaterThan(0);
    const value = await options.first().getAttribute('value');
    await page.getByTestId('incident-link-select').selectOption(value ?? '');
    await page.getByTestId('incident-link-submit').click();
    await expect.poll(() => page.getByTestId('incident').count(), POLL).toBe(1);
    await expectNoSeriousViolations(page);
  });

  it('changes the saved compensation claim in place of recording a new one', async () => {
    await page.getByTestId('tab-accompaniments').click();
    await page.getByTestId('claim-edit').waitFor();
    expect(await page.getByTestId('claim-edit').count()).toBe(1);
    await page.getByTestId('claim-edit').click();
    // The form opens on the saved values, with the focus on its first field.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('claim-status');
    expect(await page.locator('#claim-status').inputValue()).toBe('filed');
    await page.locator('#claim-status').selectOption('granted');
    await page.locator('#claim-decidedOn').fill('2026-01-15');
    await page.getByRole('button', { name: 'Antrag speichern' }).click();
    await page.getByText('bewilligt', { exact: true }).waitFor();
    expect(await page.getByTestId('claim-edit').count()).toBe(1);
    expect(await page.getByText('gestellt', { exact: true }).count()).toBe(0);
  });

  it('adds the outcome to the saved accompaniment, keeping its court file number', async () => {
    await page.getByTestId('accompaniment-edit').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('acc-kind');
    expect(await page.locator('#acc-file').inputValue()).toBe(COURT_FILE);
    await page.locator('#acc-outcome').fill('Verfahren eingestellt');
    await page.getByRole('button', { name: 'Begleitung speichern' }).click();
    await expect
      .poll(() => page.getByTestId('accompaniment-list').textContent(), POLL)
      .toContain('Verfahren eingestellt');
    expect(await page.getByTestId('accompaniment-edit').count()).toBe(1);
    expect(await page.getByTestId('accompaniment-list').textContent()).toContain(COURT_FILE);
  });

  it('corrects the saved incident, keeping its place and description', async () => {
    await page.getByTestId('tab-incidents').click();
    await page.getByTestId('incident-edit').click();
    await page.getByTestId('incident-form').waitFor();
    expect(await page.getByTestId('incident-municipality').inputValue()).toBe('Lünen');
    await page.getByTestId('incident-affected').fill('4');
    await page.getByRole('button', { name: 'Vorfall speichern' }).click();
    await expect
      .poll(() => page.getByTestId('incident').textContent(), POLL)
      .toContain('Direkt Betroffene (Anzahl): 4');
    await page.getByTestId('incident-show').click();
    expect(await page.getByTestId('incident-details').textContent()).toContain(
      'Angriff an der Bushaltestelle.',
    );
  });
});

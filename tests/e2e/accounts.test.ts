import { AxeBuilder } from '@axe-core/playwright';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock.ts';
import { newUser } from '../support/accounts.ts';
import { collectPageErrors, launchBrowser } from '../support/browser.ts';
import { startE2eServer, type E2eServer } from '../support/e2e-server.ts';

// One story in order, as it happens on a fresh installation: the first admin, a counsellor
// the admin asks for and a team lead confirms, then the quick lock. Later tests use the
// accounts the earlier ones made.
const ADMIN = { username: 'ada.admin', password: 'Kranich Lakritz Mondsee Ziegelei' };
const COUNSELLOR = { username: 'bea.beratung', password: 'Tannenzapfen Blechdose Wolkenbruch' };
const TEAM_LEAD_USERNAME = 'tom.teamleitung';

describe('accounts in the browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let adminPage: Page;
  let counsellorTotpSecret = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // A context per person, like two browsers; axe needs a page made this way.
  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    collectPageErrors(page, consoleErrors);
    return page;
  }

  const path = (page: Page) => new URL(page.url()).pathname;

  async function waitForPage(page: Page, pathname: string, title: string) {
    await page.waitForURL((url) => url.pathname === pathname);
    const heading = page.getByTestId('page-title');
    await page.waitForFunction(
      (expected) => document.querySelector('[data-testid=page-title]')?.textContent === expected,
      title,
    );
    expect(await heading.textContent()).toBe(title);
  }

  /** The element's text once it is there; for values the test goes on with. */
  async function textOf(page: Page, selector: string): Promise<string> {
    const locator = page.locator(selector);
    await locator.waitFor();
    return (await locator.textContent())?.trim() ?? '';
  }

  /** The element's text as it is now ('' while missing), for polling until it says the right thing. */
  const currentText = (page: Page, selector: string) => () =>
    page
      .locator(selector)
      .first()
      .textContent({ timeout: 250 })
      .then((text) => text?.trim() ?? '')
      .catch(() => '');
  const POLL = { timeout: 10_000 };

  async function expectNoSeriousViolations(page: Page) {
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter(
      (v) => v.impact === 'serious' || v.impact === 'critical',
    );
    expect(serious.map((v) => `${path(page)} ${v.id}: ${v.help}`)).toEqual([]);
  }

  async function signIn(page: Page, who: { username: string; password: string }) {
    await page.getByTestId('login-username').fill(who.username);
    await page.getByTestId('login-password').fill(who.password);
    await page.getByTestId('login-submit').click();
  }

  async function signOut(page: Page) {
    await page.getByTestId('sign-out').click();
    await waitForPage(page, '/login', 'Anmelden');
    await expect
      .poll(currentText(page, '[data-testid=login-notice]'), POLL)
      .toBe('Sie haben sich abgemeldet.');
  }

  /** Enrolls TOTP on /setup-totp like a phone would; returns the secret and the recovery codes. */
  async function enrollTotp(page: Page, epochOffsetSeconds = 0) {
    await waitForPage(page, '/setup-totp', 'Zwei-Faktor-Anmeldung einrichten');
    const secret = (await page.getByTestId('totp-secret').getAttribute('data-secret')) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await expectNoSeriousViolations(page);

    const epoch = Math.floor(Date.now() / 1000) + epochOffsetSeconds;
    await page.getByTestId('totp-code').fill(await generate({ secret, epoch }));
    await page.getByTestId('totp-confirm').click();
    await page.getByTestId('recovery-codes').waitFor();
    const codes = await page.locator('[data-testid=recovery-codes] code').allTextContents();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);

    // "Continue" waits until the codes are stored.
    expect(await page.getByTestId('recovery-done').isDisabled()).toBe(true);
    await page.getByTestId('recovery-stored').check();
    await page.getByTestId('recovery-done').click();
    return { secret, codes };
  }

  /** Signs in with password and a code of the next 30-second step (the current one may be spent). */
  async function signInWithTotp(
    page: Page,
    who: { username: string; password: string },
    secret: string,
  ) {
    await signIn(page, who);
    await page.getByTestId('login-totp').waitFor();
    const epoch = Math.floor(Date.now() / 1000) + 30;
    await page.getByTestId('login-totp').fill(await generate({ secret, epoch }));
    await page.getByTestId('login-submit').click();
  }

  /**
   * On /activate with password and repetition filled in: a code from the page's secret, then
   * the recovery codes, then the sign-in page.
   */
  async function completeActivation(page: Page, secret: string) {
    const epoch = Math.floor(Date.now() / 1000);
    await page.getByTestId('activation-code').fill(await generate({ secret, epoch }));
    await page.getByTestId('activation-submit').click();
    await page.getByTestId('recovery-codes').waitFor();
    const codes = await page.locator('[data-testid=recovery-codes] code').allTextContents();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    await expectNoSeriousViolations(page);
    // "Continue" waits until the codes are stored.
    expect(await page.getByTestId('recovery-done').isDisabled()).toBe(true);
    await page.getByTestId('recovery-stored').check();
    await page.getByTestId('recovery-done').click();
    await waitForPage(page, '/login', 'Anmelden');
  }

  it('sets up the first admin from the one-time link, who then enrolls TOTP (axe: /setup, /setup-totp)', async () => {
    const page = await newPage();

    // A link with a token the server never issued: the form is refused as a whole.
    await page.goto(`${server.baseUrl}/setup#token=${'x'.repeat(32)}`);
    await waitForPage(page, '/setup', 'casework einrichten');
    await page.getByTestId('setup-username').fill(ADMIN.username);
    await page.getByTestId('setup-password').fill(ADMIN.password);
    await page.getByTestId('setup-confirm').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await expect
      .poll(currentText(page, '[data-testid=setup-status] .notice'), POLL)
      .toContain('Dieser Einrichtungslink gilt nicht mehr');

    const link = await server.app.services.firstAdmin.setupLink(server.baseUrl);
    expect(link).toMatch(/\/setup#token=[\w-]{20,}$/);
    // Pasted into the same tab: only the fragment changes, and the page takes the new token.
    await page.goto(link!);
    // The token leaves the address bar (and so the history) at once.
    await page.waitForURL(`${server.baseUrl}/setup`);
    expect(page.url()).toBe(`${server.baseUrl}/setup`);
    await page.waitForFunction(
      () => document.querySelector('[data-testid=setup-status]')?.textContent?.trim() === '',
    );
    expect(await page.getByTestId('setup-username').inputValue()).toBe(ADMIN.username);
    await expectNoSeriousViolations(page);

    // The browser checks the confirmation; the server judges the strength, next to the field.
    await page.getByTestId('setup-username').fill(ADMIN.username);
    await page.getByTestId('setup-password').fill('passwort1234');
    await page.getByTestId('setup-confirm').fill('passwort12345');
    await page.getByTestId('setup-submit').click();
    await expect
      .poll(currentText(page, '#setup-confirm-error'), POLL)
      .toBe('Die beiden Eingaben stimmen nicht überein.');
    await page.getByTestId('setup-confirm').fill('passwort1234');
    await page.getByTestId('setup-submit').click();
    await expect
      .poll(currentText(page, '#setup-password-error'), POLL)
      .toMatch(/zu leicht zu erraten/);
    expect(await page.getByTestId('setup-password').getAttribute('aria-invalid')).toBe('true');
    expect(await server.app.services.firstAdmin.isOpen()).toBe(true);

    await page.getByTestId('setup-password').fill(ADMIN.password);
    await page.getByTestId('setup-confirm').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await waitForPage(page, '/login', 'Anmelden');
    await expect
      .poll(currentText(page, '[data-testid=login-notice]'), POLL)
      .toBe('Das Administrationskonto ist angelegt. Bitte melden Sie sich jetzt damit an.');
    expect(await server.app.services.firstAdmin.isOpen()).toBe(false);

    // The same link a second time: a calm word and the way to sign in.
    const again = await newPage();
    await again.goto(link!);
    await expect
      .poll(currentText(again, '[data-testid=setup-status]'), POLL)
      .toBe('casework ist bereits eingerichtet. Bitte melden Sie sich mit Ihrem Konto an.');
    expect(await again.getByRole('link', { name: 'Zur Anmeldung' }).getAttribute('href')).toBe(
      '/login',
    );
    expect(await again.getByTestId('setup-username').count()).toBe(0);
    await again.context().close();

    // TOTP is required: signing in leads straight to the enrolment.
    await signIn(page, ADMIN);
    await enrollTotp(page);
    await waitForPage(page, '/', 'Fallverwaltung');
    await expect
      .poll(currentText(page, '[data-testid=current-user]'), POLL)
      .toContain(ADMIN.username);
    const admin = await server.app.repositories.users.findByUsername(ADMIN.username);
    expect(admin).toMatchObject({ role: 'admin', totpEnrolled: true, mustChangePassword: false });
    adminPage = page;
  });

  it('lets the admin ask for a counsellor whom a team lead confirms and who activates the account through the one-time link; a reset voids it until the next confirmation (axe: /admin/users, /accounts, /activate)', async () => {
    const page = adminPage;
    await page.getByRole('navigation').getByRole('link', { name: 'Benutzer' }).click();
    await waitForPage(page, '/admin/users', 'Benutzerkonten');
    await expect
      .poll(currentText(page, '[data-testid="user-row-ada.admin"]'), POLL)
      .toContain('Ihr eigenes Konto');
    expect(await page.locator('[data-testid="user-row-ada.admin"] button').count()).toBe(0);
    // The admin chooses no password; the form says so.
    expect(await page.getByTestId('create-password').count()).toBe(0);
    expect(await page.locator('form.create-user').innerText()).toContain(
      'Sie vergeben kein Passwort. Das Konto gilt, sobald eine zweite Person es bestätigt und die Person selbst Passwort und zweiten Faktor über einen einmaligen Link festlegt.',
    );

    // The service is asked for only where the role has one, and never guessed.
    await page.getByTestId('create-role').selectOption('auditor');
    expect(await page.getByTestId('create-service').count()).toBe(0);
    await page.getByTestId('create-role').selectOption('counsellor');
    await page.getByTestId('create-username').fill(COUNSELLOR.username);
    await page.getByTestId('create-submit').click();
    await expect
      .poll(currentText(page, '#create-service-error'), POLL)
      .toBe('Bitte wählen Sie das Angebot.');
    await page.getByTestId('create-service').selectOption('backup');
    // The server's refusal lands next to the field it is about.
    await page.getByTestId('create-username').fill(ADMIN.username);
    await page.getByTestId('create-submit').click();
    await expect
      .poll(currentText(page, '#create-username-error'), POLL)
      .toBe('Dieser Benutzername ist bereits vergeben.');
    await page.getByTestId('create-username').fill(COUNSELLOR.username);
    await page.getByTestId('create-submit').click();

    await expect
      .poll(currentText(page, '[data-testid=users-status]'), POLL)
      .toBe(
        `Das Konto ${COUNSELLOR.username} ist angelegt. Es gilt, sobald eine zweite Person es bestätigt und ${COUNSELLOR.username} es über den Aktivierungslink einrichtet.`,
      );
    // Nothing secret is shown: no temporary password, no link.
    expect(await page.getByTestId('temporary-password').count()).toBe(0);
    expect(await page.getByTestId('activation-link').count()).toBe(0);
    const row = page.getByTestId(`user-row-${COUNSELLOR.username}`);
    await row.waitFor();
    const badges = async () => (await row.locator('li').allInnerTexts()).map((t) => t.trim());
    const cells = await row.locator('th, td').allInnerTexts();
    expect(cells.slice(0, 2).map((cell) => cell.split('\n'))).toEqual([
      [COUNSELLOR.username],
      ['Beratung', 'BackUp'],
    ]);
    await expect
      .poll(badges, POLL)
      .toEqual(['Aktiv', 'Wartet auf Bestätigung', 'Kein zweiter Faktor']);
    // The admin who asked is not the second person: nothing waits for them.
    await expect
      .poll(currentText(page, '[data-testid=pending-empty]'), POLL)
      .toBe('Kein Konto wartet auf Ihre Bestätigung.');
    expect(await page.getByTestId(`pending-${COUNSELLOR.username}`).count()).toBe(0);
    expect(await server.app.repositories.users.findByUsername(COUNSELLOR.username)).toMatchObject({
      totpEnrolled: false,
      mustChangePassword: false,
      disabled: false,
    });
    await expectNoSeriousViolations(page);

    // Disabling says what it does; Escape leaves the account as it was.
    await row.getByTestId('action-disable').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.getAttribute('role')).toBe('alertdialog');
    expect(await dialog.innerText()).toContain(
      'Alle laufenden Sitzungen dieses Kontos werden sofort beendet.',
    );
    await expectNoSeriousViolations(page);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await badges())[0]).toBe('Aktiv');

    // Disable and enable again, each confirmed; the account keeps waiting.
    await row.getByTestId('action-disable').click();
    await page.getByTestId('confirm-action').click();
    await expect
      .poll(currentText(page, '[data-testid=users-status]'), POLL)
      .toBe(`Das Konto ${COUNSELLOR.username} ist deaktiviert.`);
    await row.getByTestId('action-enable').waitFor();
    await expect
      .poll(badges, POLL)
      .toEqual(['Deaktiviert', 'Wartet auf Bestätigung', 'Kein zweiter Faktor']);
    expect(
      (await server.app.repositories.users.findByUsername(COUNSELLOR.username))?.disabled,
    ).toBe(true);
    await row.getByTestId('action-enable').click();
    await page.getByTestId('confirm-action').click();
    await expect
      .poll(currentText(page, '[data-testid=users-status]'), POLL)
      .toBe(`Das Konto ${COUNSELLOR.username} ist wieder aktiv.`);
    await row.getByTestId('action-disable').waitFor();
    await expect
      .poll(badges, POLL)
      .toEqual(['Aktiv', 'Wartet auf Bestätigung', 'Kein zweiter Faktor']);

    // Nobody can sign in with the account yet (the password is unknown to everyone).
    const counsellorPage = await newPage();
    await counsellorPage.goto(server.baseUrl);
    await waitForPage(counsellorPage, '/login', 'Anmelden');
    await signIn(counsellorPage, COUNSELLOR);
    await expect
      .poll(currentText(counsellorPage, '[data-testid=login-status] .notice'), POLL)
      .toBe('Benutzername, Passwort oder Code stimmen nicht.');

    // The second person: a team lead of BackUp, made on the server like the operator's CLI
    // (`casework user create --password-stdin`) does, signed in with the second factor.
    const teamLead = await newUser(server.app, systemClock, {
      role: 'team_lead',
      service: 'backup',
      totp: true,
      username: TEAM_LEAD_USERNAME,
    });
    const leadPage = await newPage();
    await leadPage.goto(server.baseUrl);
    await waitForPage(leadPage, '/login', 'Anmelden');
    await signInWithTotp(leadPage, teamLead, teamLead.totpSecret!);
    await waitForPage(leadPage, '/', 'Fallverwaltung');
    await leadPage.getByRole('navigation').getByRole('link', { name: 'Konten bestätigen' }).click();
    await waitForPage(leadPage, '/accounts', 'Konten bestätigen');
    const waiting = leadPage.getByTestId(`pending-${COUNSELLOR.username}`);
    await waiting.waitFor();
    // Who, in which role and service, and what the account waits for.
    expect((await waiting.locator('strong').textContent())?.trim()).toBe(COUNSELLOR.username);
    expect((await waiting.locator('.who').innerText()).split('·').map((t) => t.trim())).toEqual([
      COUNSELLOR.username,
      'Beratung',
      'BackUp',
    ]);
    expect((await waiting.locator('.state').textContent())?.trim()).toBe('wartet auf Bestätigung');
    await expectNoSeriousViolations(leadPage);

    /** Confirms on /accounts and answers the one-time link the page shows. */
    async function confirmOnAccountsPage(): Promise<string> {
      await waiting.getByRole('button', { name: `${COUNSELLOR.username} bestätigen` }).click();
      const linkTitle = leadPage.locator('#activation-link-title');
      await linkTitle.waitFor();
      expect((await linkTitle.textContent())?.trim()).toBe(
        `Aktivierungslink für ${COUNSELLOR.username}`,
      );
      // The heading takes the focus, so that a screen reader says what appeared.
      expect(await leadPage.evaluate(() => document.activeElement?.id)).toBe(
        'activation-link-title',
      );
      const link = await textOf(leadPage, '[data-testid=activation-link]');
      expect(link).toMatch(
        new RegExp(`^${server.baseUrl.replace(/\./g, '\\.')}/activate#token=[\\w-]{40,}$`),
      );
      expect(await leadPage.locator('.activation-link').innerText()).toContain(
        `Er wird nur jetzt angezeigt und gilt 72 Stunden, einmal. Geben Sie ihn ${COUNSELLOR.username} persönlich weiter.`,
      );
      // Now waiting for its owner, with a new link on offer.
      await expect
        .poll(currentText(leadPage, `[data-testid="pending-${COUNSELLOR.username}"]`), POLL)
        .toContain('bestätigt, wartet auf die Person');
      expect(
        await waiting
          .getByRole('button', { name: `Neuen Link für ${COUNSELLOR.username}` })
          .count(),
      ).toBe(1);
      return link;
    }

    const firstLink = await confirmOnAccountsPage();
    await expectNoSeriousViolations(leadPage);
    // Handed over: the link leaves the page.
    await leadPage.getByRole('button', { name: 'Weitergegeben, ausblenden' }).click();
    await leadPage.getByTestId('activation-link').waitFor({ state: 'detached' });

    // The admin sees the account confirmed and waiting for its owner.
    await page.reload();
    await waitForPage(page, '/admin/users', 'Benutzerkonten');
    await expect
      .poll(badges, POLL)
      .toEqual(['Aktiv', 'Wartet auf Aktivierung', 'Kein zweiter Faktor']);

    // The counsellor opens the link and chooses password and second factor.
    await counsellorPage.goto(firstLink);
    await waitForPage(counsellorPage, '/activate', 'Konto einrichten');
    // The token leaves the address bar (and so the history) at once.
    expect(counsellorPage.url()).toBe(`${server.baseUrl}/activate`);
    await expect
      .poll(currentText(counsellorPage, '.intro'), POLL)
      .toBe(
        `Willkommen, ${COUNSELLOR.username}. Legen Sie Ihr Passwort fest und richten Sie den zweiten Faktor ein. Beides kennen nur Sie.`,
      );
    const firstSecret =
      (await counsellorPage.getByTestId('totp-secret').getAttribute('data-secret')) ?? '';
    expect(firstSecret).toMatch(/^[A-Z2-7]{16,}$/);
    await expectNoSeriousViolations(counsellorPage);

    // The browser checks the repetition and the code's form; the server the code itself.
    await counsellorPage.getByTestId('activation-password').fill(COUNSELLOR.password);
    await counsellorPage.getByTestId('activation-confirm').fill(`${COUNSELLOR.password}!`);
    await counsellorPage.getByTestId('activation-code').fill('12345');
    await counsellorPage.getByTestId('activation-submit').click();
    await expect
      .poll(currentText(counsellorPage, '#activation-confirm-error'), POLL)
      .toBe('Die beiden Eingaben stimmen nicht überein.');
    expect(await currentText(counsellorPage, '#activation-code-error')()).toBe(
      'Bitte geben Sie die sechs Ziffern aus der App ein.',
    );
    await counsellorPage.getByTestId('activation-confirm').fill(COUNSELLOR.password);
    const staleEpoch = Math.floor(Date.now() / 1000) - 600;
    await counsellorPage
      .getByTestId('activation-code')
      .fill(await generate({ secret: firstSecret, epoch: staleEpoch }));
    await counsellorPage.getByTestId('activation-submit').click();
    await expect
      .poll(currentText(counsellorPage, '#activation-code-error'), POLL)
      .toBe(
        'Der Code stimmt nicht. Bitte prüfen Sie die Uhrzeit auf Ihrem Smartphone und geben Sie den nächsten Code ein.',
      );
    // A wrong code does not spend the link.
    await completeActivation(counsellorPage, firstSecret);

    // With password and a code of the next step: the start page, as a BackUp counsellor.
    await signInWithTotp(counsellorPage, COUNSELLOR, firstSecret);
    await waitForPage(counsellorPage, '/', 'Fallverwaltung');
    const identity = await textOf(counsellorPage, '[data-testid=current-user]');
    expect(identity).toContain('BackUp');
    expect(identity).toContain(COUNSELLOR.username);
    expect(
      await counsellorPage.getByRole('navigation').getByRole('link', { name: 'Fälle' }).count(),
    ).toBe(1);
    expect(await server.app.repositories.users.findByUsername(COUNSELLOR.username)).toMatchObject({
      mustChangePassword: false,
      totpEnrolled: true,
      service: 'backup',
      activation: null,
    });
    // Counsellors have no business on the admin page or among the confirmations.
    await counsellorPage.goto(`${server.baseUrl}/admin/users`);
    await waitForPage(counsellorPage, '/', 'Fallverwaltung');
    await counsellorPage.goto(`${server.baseUrl}/accounts`);
    await waitForPage(counsellorPage, '/', 'Fallverwaltung');

    // The link worked once.
    const other = await newPage();
    await other.goto(firstLink);
    await waitForPage(other, '/activate', 'Konto einrichten');
    await expect
      .poll(currentText(other, '[data-testid=activation-status]'), POLL)
      .toBe(
        'Dieser Aktivierungslink gilt nicht (mehr): schon benutzt oder abgelaufen. Bitten Sie Ihre Teamleitung um einen neuen.',
      );
    expect(await other.getByTestId('activation-password').count()).toBe(0);
    await other.context().close();

    // The admin resets the password: the account waits again, and the session ends.
    await page.reload();
    await waitForPage(page, '/admin/users', 'Benutzerkonten');
    await expect.poll(badges, POLL).toEqual(['Aktiv', 'Zweiter Faktor eingerichtet']);
    await row.getByTestId('action-reset-password').click();
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain(
      `Das bisherige Passwort, der zweite Faktor und die Wiederherstellungscodes gelten nicht mehr, und alle laufenden Sitzungen dieses Kontos werden sofort beendet. Eine zweite Person bestätigt danach das Konto, und ${COUNSELLOR.username} legt über einen einmaligen Link selbst ein neues Passwort und einen neuen zweiten Faktor fest.`,
    );
    await page.getByTestId('confirm-action').click();
    await expect
      .poll(currentText(page, '[data-testid=users-status]'), POLL)
      .toBe(
        `Das Konto ${COUNSELLOR.username} ist zurückgesetzt und wartet auf Bestätigung durch eine zweite Person.`,
      );
    // Nothing to hand out.
    expect(await page.getByTestId('temporary-password').count()).toBe(0);
    expect(await page.getByTestId('activation-link').count()).toBe(0);
    await expect
      .poll(badges, POLL)
      .toEqual(['Aktiv', 'Wartet auf Bestätigung', 'Kein zweiter Faktor']);

    await counsellorPage.reload();
    await waitForPage(counsellorPage, '/login', 'Anmelden');
    // The password the counsellor chose is void.
    await signIn(counsellorPage, COUNSELLOR);
    await expect
      .poll(currentText(counsellorPage, '[data-testid=login-status] .notice'), POLL)
      .toBe('Benutzername, Passwort oder Code stimmen nicht.');
    expect(await counsellorPage.getByTestId('login-totp').count()).toBe(0);

    // The team lead confirms again; a new link, and the counsellor sets up anew.
    await leadPage.reload();
    await waitForPage(leadPage, '/accounts', 'Konten bestätigen');
    await expect
      .poll(currentText(leadPage, `[data-testid="pending-${COUNSELLOR.username}"]`), POLL)
      .toContain('wartet auf Bestätigung');
    const secondLink = await confirmOnAccountsPage();
    expect(secondLink).not.toBe(firstLink);
    await leadPage.getByRole('button', { name: 'Weitergegeben, ausblenden' }).click();

    await counsellorPage.goto(secondLink);
    await waitForPage(counsellorPage, '/activate', 'Konto einrichten');
    const secondSecret =
      (await counsellorPage.getByTestId('totp-secret').getAttribute('data-secret')) ?? '';
    expect(secondSecret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(secondSecret).not.toBe(firstSecret);
    await counsellorPage.getByTestId('activation-password').fill(COUNSELLOR.password);
    await counsellorPage.getByTestId('activation-confirm').fill(COUNSELLOR.password);
    await completeActivation(counsellorPage, secondSecret);
    counsellorTotpSecret = secondSecret;
    expect(await server.app.repositories.users.findByUsername(COUNSELLOR.username)).toMatchObject({
      totpEnrolled: true,
      activation: null,
      disabled: false,
    });

    // Nothing waits any more, for the team lead or in the admin's list.
    await leadPage.reload();
    await waitForPage(leadPage, '/accounts', 'Konten bestätigen');
    await expect
      .poll(currentText(leadPage, '[data-testid=pending-empty]'), POLL)
      .toBe('Kein Konto wartet auf Ihre Bestätigung.');
    await page.reload();
    await waitForPage(page, '/admin/users', 'Benutzerkonten');
    await expect.poll(badges, POLL).toEqual(['Aktiv', 'Zweiter Faktor eingerichtet']);

    await signOut(leadPage);
    await leadPage.context().close();
    await counsellorPage.context().close();
    await signOut(page);
  }, 300_000);

  it('locks at once with Ctrl+Alt+L and the lock button, unlocks only with the password, and stays locked across a reload', async () => {
    const page = await newPage();
    await page.goto(server.baseUrl);
    await waitForPage(page, '/login', 'Anmelden');
    await signIn(page, COUNSELLOR);
    await page.getByTestId('login-totp').waitFor();
    // Enrolment used this 30-second step; a code of the next one is within the server's drift
    // window and not a replay.
    const epoch = Math.floor(Date.now() / 1000) + 30;
    await page
      .getByTestId('login-totp')
      .fill(await generate({ secret: counsellorTotpSecret, epoch }));
    await page.getByTestId('login-submit').click();
    await waitForPage(page, '/', 'Fallverwaltung');

    const lockScreen = page.getByTestId('lock-screen');
    const main = page.locator('#main');
    const mainIsInert = () => main.evaluate((element) => element.closest('[inert]') !== null);
    const expectLocked = async () => {
      await lockScreen.waitFor();
      expect(await main.isVisible()).toBe(false);
      expect(await mainIsInert()).toBe(true);
      expect(await page.title()).toBe('Bildschirm gesperrt · casework');
    };
    const expectUnlocked = async () => {
      await lockScreen.waitFor({ state: 'hidden' });
      expect(await main.isVisible()).toBe(true);
      expect(await mainIsInert()).toBe(false);
      expect(await page.getByTestId('page-title').textContent()).toBe('Fallverwaltung');
    };
    const lockAnswered = () =>
      page.waitForResponse((r) => r.url().endsWith('/api/auth/lock') && r.status() === 204);

    let locked = lockAnswered();
    await page.keyboard.press('Control+Alt+KeyL');
    await expectLocked();
    await locked;
    // The password field has the focus, ready to type.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lock-password');

    await page.getByTestId('lock-password').fill('nicht das Passwort');
    await page.getByTestId('unlock-submit').click();
    await expect
      .poll(currentText(page, '#lock-password-error'), POLL)
      .toBe('Das Passwort stimmt nicht. Bitte versuchen Sie es erneut.');
    await expectLocked();

    await page.getByTestId('lock-password').fill(COUNSELLOR.password);
    await page.getByTestId('unlock-submit').click();
    await expectUnlocked();

    locked = lockAnswered();
    await page.getByTestId('lock-button').click();
    await expectLocked();
    await locked;

    await page.reload();
    await expectLocked();
    await page.getByTestId('lock-password').fill(COUNSELLOR.password);
    await page.getByTestId('unlock-submit').click();
    await expectUnlocked();

    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
});

import fs from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock.ts';
import cases from '../../web/src/lib/i18n/locales/cases.de.json' with { type: 'json' };
import de from '../../web/src/lib/i18n/locales/de.json' with { type: 'json' };
import { asUser, newUser, signIn as signInApi, type TestUser } from '../support/accounts.ts';
import { launchBrowser } from '../support/browser.ts';
import { startE2eServer, type E2eServer } from '../support/e2e-server.ts';
import { testClock } from '../support/test-clock.ts';

// What a raw validator or server text looks like; none of it may reach a person.
const ENGLISH = /must|NOT have|cannot|needs a|characters|body\/|querystring/;
// What an action, rule or reason code looks like (`case.erase`, `request.art17_request`,
// `access_reason_required`); the auditor's screens say all of them in words.
const CODE = /\b[a-z_]+\.[a-z_.]+\b|\b[a-z]+_[a-z_]+\b/;

describe('errors and exports in German', () => {
  let server: E2eServer;
  let browser: Browser;
  let counsellor: TestUser;
  let lead: TestUser;
  const POLL = { timeout: 10_000 };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    [counsellor, lead] = await Promise.all([
      newUser(server.app, systemClock, { role: 'counsellor', service: 'backup', totp: true }),
      newUser(server.app, systemClock, { role: 'team_lead', service: 'backup', totp: true }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      acceptDownloads: true,
    });
    return context.newPage();
  }

  const textOf = (page: Page, selector: string) => () =>
    page
      .locator(selector)
      .textContent({ timeout: 250 })
      .then((text) => (text ?? '').trim())
      .catch(() => '');

  async function signIn(page: Page, who: TestUser) {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByTestId('login-username').fill(who.username);
    await page.getByTestId('login-password').fill(who.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-totp').waitFor();
    const epoch = Math.floor(Date.now() / 1000) + 30;
    await page.getByTestId('login-totp').fill(await generate({ secret: who.totpSecret!, epoch }));
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => url.pathname !== '/login', POLL);
  }

  it('sign-in: a missing user name is said in German next to the field; a wrong code keeps the password', async () => {
    const page = await newPage();
    await page.goto(`${server.baseUrl}/login`);
    await page.getByTestId('login-password').fill(counsellor.password);
    await page.getByTestId('login-submit').click();
    await expect.poll(textOf(page, '#login-username-error'), POLL).toBe(de.errors.required);

    await page.getByTestId('login-username').fill(counsellor.username);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-totp').waitFor(POLL);
    await page.getByTestId('login-totp').fill('000000');
    await page.getByTestId('login-submit').click();
    await expect
      .poll(textOf(page, '[data-testid="login-status"]'), POLL)
      .toBe(de.errors.invalid_credentials);
    expect(await page.getByTestId('login-password').inputValue()).toBe(counsellor.password);
    expect(await page.getByTestId('login-totp').inputValue()).toBe('');
    await page.context().close();
  });

  it('new case and note: a missing field and the limit of a long text are said in German', async () => {
    const page = await newPage();
    await signIn(page, counsellor);
    await page.goto(`${server.baseUrl}/cases/new`);
    await page.getByTestId('case-create').click();
    await expect.poll(textOf(page, '#person-pseudonym-error'), POLL).toBe(cases.cases.required);
    expect(await textOf(page, '#person-pseudonym-error')()).not.toMatch(ENGLISH);
    expect(await page.locator('#person-pseudonym').getAttribute('aria-invalid')).toBe('true');

    await page.locator('#person-pseudonym').fill('Reiher Morgengrau');
    await page.getByTestId('case-create').click();
    await page.waitForURL((url) => /\/cases\/[0-9a-f-]{36}/.test(url.pathname), POLL);
    // The note form is on the notes tab of the new case.
    await page.getByTestId('tab-notes').click();
    const body = page.getByTestId('note-body');
    await body.waitFor(POLL);
    expect(await body.getAttribute('maxlength')).toBe('20000');
    // Far from the limit the counter is silent; near it, it counts in German.
    await body.fill('x'.repeat(1_000));
    expect(await textOf(page, '#note-body-count')()).toBe('');
    await body.fill('x'.repeat(19_000));
    // German groups the thousands of a five-digit number ("20.000", not "20000").
    await expect.poll(textOf(page, '#note-body-count'), POLL).toBe('19.000 von 20.000 Zeichen');
    await page.context().close();
  });

  it('the statistics CSV has the BOM, semicolons and German headers', async () => {
    const page = await newPage();
    await signIn(page, lead);
    // The file a team lead downloads from the statistics page (the year view it opens on).
    await page.goto(`${server.baseUrl}/stats`);
    const button = page.locator('[data-testid=stats-export][data-table=incidents_by_offence]');
    await button.waitFor(POLL);
    const download = page.waitForEvent('download');
    await button.click();
    const downloaded = await download;
    const year = new Date().getFullYear();
    expect(downloaded.suggestedFilename()).toBe(`statistics-incidents_by_offence-year-${year}.csv`);
    const file = await fs.readFile((await downloaded.path())!);
    expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(file.toString('utf8'), { bom: true, delimiter: ';' }) as string[][];
    expect(rows[0]).toEqual([
      'Tatbestand',
      ...[4, 3, 2, 1, 0].map((back) => String(year - back)),
      'Summe',
      'Code',
    ]);
    expect(rows.every((row) => row.length === 8)).toBe(true);
    // Rows named in words, their codes last; the totals row has no code.
    expect(rows.find((row) => row.at(-1) === 'arson')?.[0]).toBe('Brandstiftung');
    expect(rows.at(-1)![0]).toBe('Summe');
    expect(rows.at(-1)!.at(-1)).toBe('');
    const labels = rows.slice(1, -1).map((row) => row[0]!);
    expect(labels.length).toBeGreaterThan(1);
    expect(
      labels.filter((label) => label === '' || /_/.test(label) || ENGLISH.test(label)),
    ).toEqual([]);
    await page.context().close();
  });
  /** A BackUp counsellor of their own: a second sign-in in one TOTP step would be a replay. */
  const freshCounsellor = () =>
    newUser(server.app, systemClock, { role: 'counsellor', service: 'backup', totp: true });

  it('appointment form: a missing time and a too-long place are said in German next to the field', async () => {
    const page = await newPage();
    await signIn(page, await freshCounsellor());
    await page.goto(`${server.baseUrl}/appointments`);
    const form = page.getByTestId('appointment-form');
    await form.waitFor(POLL);
    await page.getByTestId('appointment-start').fill('');
    await page.getByTestId('appointment-submit').click();
    await expect.poll(textOf(page, '#appointment-start-error'), POLL).toBe(cases.cases.required);

    await page.getByTestId('appointment-start').fill('10:00');
    const place = page.getByTestId('appointment-location');
    expect(await place.getAttribute('maxlength')).toBe('500');
    // Past the browser's own limit (a pasted text, an old browser): the server's answer.
    await place.evaluate((input) => input.removeAttribute('maxlength'));
    await place.fill('Ü'.repeat(501));
    await page.getByTestId('appointment-submit').click();
    await expect
      .poll(textOf(page, '#appointment-location-error'), POLL)
      .toBe(de.errors.too_long.replace('{limit}', '500'));
    expect(await textOf(page, '#appointment-location-error')()).not.toMatch(ENGLISH);
    await page.context().close();
  });

  it('a business rule: an incident dated in the future is refused in German next to its date', async () => {
    const page = await newPage();
    await signIn(page, await freshCounsellor());
    await page.goto(`${server.baseUrl}/cases/new`);
    await page.locator('#person-pseudonym').fill('Kranich Zukunft');
    await page.getByTestId('case-with-incident').check();
    await page.getByTestId('incident-date').fill(`${new Date().getFullYear() + 1}-01-15`);
    await page.getByTestId('incident-offence').selectOption({ index: 1 });
    await page.getByTestId('incident-motives').locator('input[type=checkbox]').first().check();
    await page.getByTestId('incident-district').selectOption({ index: 1 });
    await page.getByTestId('incident-affected').fill('1');
    await page.getByTestId('incident-minors').fill('0');
    await page.getByTestId('incident-police').selectOption({ index: 1 });
    await page.getByTestId('incident-source').selectOption({ index: 1 });
    await page.getByTestId('case-create').click();
    await expect
      .poll(textOf(page, '#incident-occurredOn-error'), POLL)
      .toBe(de.errors.date_in_future);
    expect(await textOf(page, '[data-testid="new-case-status"]')()).not.toMatch(ENGLISH);
    await page.context().close();
  });

  it('the auditor’s screens and the deletion certificate say every action, reason and rule in words', async () => {
    // Events of many kinds, made through the API by people of BackUp.
    const apiUser = async (role: 'counsellor' | 'team_lead') => {
      const user = await newUser(server.app, systemClock, { role, service: 'backup', totp: true });
      // A clock of its own, set to now: the sign-in moves it on by one TOTP step.
      const clock = testClock(new Date());
      return { user, http: asUser(server.app, await signInApi(server.app, clock, user)) };
    };
    const [anna, ben, apiLead] = [
      await apiUser('counsellor'),
      await apiUser('counsellor'),
      await apiUser('team_lead'),
    ];
    const [uiLead, auditor] = await Promise.all([
      newUser(server.app, systemClock, { role: 'team_lead', service: 'backup', totp: true }),
      newUser(server.app, systemClock, { role: 'auditor', totp: true }),
    ]);
    const call = async (
      who: typeof anna,
      method: 'GET' | 'POST' | 'PATCH',
      url: string,
      status: number,
      body?: object,
      headers?: Record<string, string>,
    ) => {
      const response = await who.http(method, url, body, headers);
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(status);
      return response.body ? response.json() : undefined;
    };
    const made = (pseudonym: string) =>
      call(anna, 'POST', '/api/cases', 201, { person: { pseudonym } }) as Promise<{
        id: string;
        caseNumber: string;
      }>;
    const kept = await made('Amsel Protokoll');
    // A form sends every field again: only the address and the summary really change.
    await call(anna, 'PATCH', `/api/cases/${kept.id}`, 200, {
      anonymous: false,
      summary: 'Neue Lage',
      person: { pseudonym: 'Amsel Protokoll', address: 'Hafenweg 2' },
    });
    await call(anna, 'GET', `/api/cases/${kept.id}/legal-hold`, 200);
    await call(anna, 'POST', `/api/cases/${kept.id}/legal-hold`, 200, { reason: 'Verfahren' });
    await call(anna, 'POST', `/api/cases/${kept.id}/legal-hold/lift`, 200, {});
    // A colleague without a reason, five times (an anomaly), then with one.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await call(ben, 'GET', `/api/cases/${kept.id}`, 403);
    }
    await call(ben, 'GET', `/api/cases/${kept.id}`, 200, undefined, {
      'x-access-reason': encodeURIComponent('Vertretung im Urlaub'),
    });
    const erasedByApi = await made('Amsel Weg');
    await call(apiLead, 'POST', '/api/erasures', 200, {
      caseNumber: erasedByApi.caseNumber,
      ground: 'consent_withdrawn',
    });
    const held = await made('Amsel Sperre');
    await call(anna, 'POST', `/api/cases/${held.id}/legal-hold`, 200, { reason: 'Verfahren' });
    const doomed = await made('Amsel Bescheinigung');

    // The team lead's erasure page: unknown and held numbers stop before the dialog, the
    // dialog shows what is about to go, the certificate says the rule in words.
    const lead = await newPage();
    await signIn(lead, uiLead);
    await lead.goto(`${server.baseUrl}/erasure`);
    await lead.getByTestId('erasure-form').waitFor(POLL);
    const review = async (caseNumber: string) => {
      await lead.getByLabel('Fallnummer', { exact: true }).fill(caseNumber);
      await lead.getByLabel('Fallnummer wiederholen').fill(caseNumber);
      await lead.getByLabel('Rechtsgrund').selectOption('art17_request');
      await lead.getByTestId('erasure-review').click();
    };
    await review('BU-2026-999999');
    await expect
      .poll(textOf(lead, '#erasure-case-number-error'), POLL)
      .toBe('In Ihrem Dienst gibt es keinen Fall mit dieser Nummer.');
    await review(held.caseNumber);
    await expect.poll(textOf(lead, '#erasure-case-number-error'), POLL).toContain('Löschsperre');
    expect(await lead.getByRole('alertdialog').count()).toBe(0);
    await review(doomed.caseNumber);
    const dialog = lead.getByRole('alertdialog');
    await expect
      .poll(textOf(lead, '[data-testid="erasure-preview"]'), POLL)
      .toContain('Amsel Bescheinigung');
    const preview = await textOf(lead, '[data-testid="erasure-preview"]')();
    expect(preview).toContain(anna.user.username);
    expect(preview).toContain('offen');
    await dialog.getByTestId('confirm-action').click();
    const certificate = lead.getByTestId('deletion-certificate');
    await certificate.waitFor(POLL);
    const certificateText = await certificate.innerText();
    expect(certificateText).toContain('Auf Antrag: Antrag der Person (Art. 17 DSGVO)');
    expect(certificateText).not.toMatch(CODE);
    await lead.context().close();

    // The auditor reads it all.
    const page = await newPage();
    await signIn(page, auditor);
    await page.goto(`${server.baseUrl}/audit`);
    const table = page.getByTestId('audit-table').first();
    await table.waitFor(POLL);
    await expect
      .poll(() => page.locator('[data-testid=audit-row][data-action="case.erase"]').count(), POLL)
      .toBeGreaterThanOrEqual(2);
    const denials = page.getByTestId('anomaly-group-repeated_denials');
    await denials.waitFor(POLL);

    const expectInWords = async (where: string) => {
      for (const selector of ['[data-testid=audit-table]', '[data-testid=anomalies]']) {
        const region = page.locator(selector);
        if ((await region.count()) === 0) continue;
        const text = await region.first().innerText();
        expect(text.match(CODE)?.[0] ?? null, `${where}: ${selector}`).toBeNull();
      }
    };
    const actionsShown = () =>
      page
        .locator('[data-testid=audit-row]')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
    const shown = new Set(await actionsShown());
    for (const action of [
      'case.erase',
      'case.erasure_preview',
      'case.legal_hold.set',
      'case.legal_hold.lift',
      'case.legal_hold.view',
      'case.update',
      'case.view',
    ]) {
      expect(shown.has(action), action).toBe(true);
    }
    await expectInWords('access log');
    const tableText = await table.innerText();
    expect(tableText).toContain('Geändert: Adresse, Zusammenfassung');
    expect(tableText).toContain('Fall nicht zugewiesen, Begründung fehlte');
    expect(tableText).toContain('Löschsperre gesetzt');
    expect(tableText).toContain('Auf Antrag: Einwilligung widerrufen');

    // Readable at 1366 px: no sideways scrolling, no towering rows.
    const layout = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      tables: [...document.querySelectorAll('.table-scroll')].map(
        (element) => element.scrollWidth - element.clientWidth,
      ),
      tallest: Math.max(
        ...[...document.querySelectorAll('[data-testid=audit-row]')].map(
          (row) => row.getBoundingClientRect().height,
        ),
      ),
    }));
    expect(layout.page).toBeLessThanOrEqual(1366);
    expect(layout.tables.filter((overflow) => overflow > 0)).toEqual([]);
    expect(layout.tallest).toBeLessThan(200);

    // A case's timeline, with its update, hold and denied reads; and the erased one's.
    for (const caseNumber of [kept.caseNumber, doomed.caseNumber]) {
      await page.goto(`${server.baseUrl}/audit/case/${caseNumber}`);
      await page.getByTestId('audit-row').first().waitFor(POLL);
      await expectInWords(`timeline of ${caseNumber}`);
    }
    expect(await page.getByTestId('audit-table').innerText()).toContain('Fall gelöscht');

    // One English rendering.
    await page.getByTestId('language-switch').selectOption('en');
    await expect.poll(textOf(page, '[data-testid=audit-table]'), POLL).toContain('Case erased');
    const english = await page.getByTestId('audit-table').innerText();
    expect(english).toContain('On request: Request of the person (GDPR Art. 17)');
    expect(english.match(CODE)?.[0] ?? null).toBeNull();
    await page.getByTestId('language-switch').selectOption('de');
    await page.context().close();
  });
});

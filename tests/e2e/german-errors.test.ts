import fs from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock.ts';
import cases from '../../web/src/lib/i18n/locales/cases.de.json' with { type: 'json' };
import de from '../../web/src/lib/i18n/locales/de.json' with { type: 'json' };
import { newUser, type TestUser } from '../support/accounts.ts';
import { launchBrowser } from '../support/browser.ts';
import { startE2eServer, type E2eServer } from '../support/e2e-server.ts';

// What a raw validator or server text looks like; none of it may reach a person.
const ENGLISH = /must|NOT have|cannot|needs a|characters|body\/|querystring/;

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
});

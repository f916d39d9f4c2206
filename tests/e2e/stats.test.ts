import fs from 'node:fs/promises';
import { AxeBuilder } from '@axe-core/playwright';
import { parse } from 'csv-parse/sync';
import { generate } from 'otplib';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { asUser, newUser, signIn, type TestUser } from '../support/accounts.ts';
import { collectPageErrors, launchBrowser } from '../support/browser.ts';
import { startE2eServer, type E2eServer } from '../support/e2e-server.ts';
import { testClock } from '../support/test-clock.ts';

// One story: BackUp counsellors record cases and incidents; the team lead opens the
// statistics, switches period and breakdowns, reads charts and tables, exports a table as CSV
// and opens the printable annual report. Three arson attacks in March are a category of three:
// no page, chart caption or CSV may show a count from 1 to 4 for them — or anywhere else.
// Every hidden cell shows the same neutral mark "•" on screen and the same word in a file.
describe('team lead statistics in the browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let page: Page;
  let lead: TestUser;
  const consoleErrors: string[] = [];
  const POLL = { timeout: 10_000 };
  const YEAR = new Date().getFullYear();
  const SMALL_COUNT = /^[1-4]$/;
  /** A hidden cell as read: the mark, and what it says to screen readers. */
  const HIDDEN = '• ausgeblendet: weniger als 5 oder zum Schutz anderer Felder';
  const HIDDEN_EN = '• hidden: fewer than 5, or hidden to protect other cells';
  /** The month headings of this year, as the German page and the German file write them. */
  const MONTHS_DE = Array.from({ length: 12 }, (_unused, month) =>
    new Date(YEAR, month, 1).toLocaleDateString('de', { month: 'short', year: 'numeric' }),
  );

  /** A BackUp counsellor's API session (a clock of its own, set to now, like the audit e2e). */
  async function newCounsellor() {
    const clock = testClock(new Date());
    const user = await newUser(server.app, clock, {
      role: 'counsellor',
      service: 'backup',
      totp: true,
    });
    return asUser(server.app, await signIn(server.app, clock, user));
  }

  async function seed() {
    const http = await newCounsellor();
    // Three cases (a category of three: "cases opened" this month).
    for (let index = 0; index < 3; index += 1) {
      const created = await http('POST', '/api/cases', {
        person: { pseudonym: `Eichelhäher ${index}` },
      });
      expect(created.statusCode, created.body).toBe(201);
    }
    const incident = (occurredOn: string, offenceType: string, district: string) => ({
      occurredOn,
      offenceType,
      motives: ['racism_against_refugees'],
      district,
      affectedCount: 1,
      affectedMinors: 0,
      reportedToPolice: 'yes',
      source: 'affected_person',
    });
    const incidents = [
      // The small category: three arson attacks in Kreis Soest in March.
      ...Array.from({ length: 3 }, () => incident(`${YEAR}-03-10`, 'arson', 'kreis_soest')),
      // Larger ones, so that the tables also show counts.
      ...Array.from({ length: 7 }, () =>
        incident(`${YEAR}-05-12`, 'simple_bodily_harm', 'dortmund'),
      ),
      ...Array.from({ length: 6 }, () =>
        incident(`${YEAR}-06-20`, 'simple_bodily_harm', 'dortmund'),
      ),
      ...Array.from({ length: 6 }, () => incident(`${YEAR}-06-02`, 'coercion_threat', 'bochum')),
    ];
    for (const body of incidents) {
      const created = await http('POST', '/api/incidents', body);
      expect(created.statusCode, created.body).toBe(201);
    }
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    await seed();
    lead = await newUser(server.app, systemClock, {
      role: 'team_lead',
      service: 'backup',
      totp: true,
    });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    page = await context.newPage();
    collectPageErrors(page, consoleErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const titleOf = () =>
    page
      .getByTestId('page-title')
      .textContent({ timeout: 250 })
      .catch(() => '');

  async function expectNoSeriousViolations() {
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter(
      (v) => v.impact === 'serious' || v.impact === 'critical',
    );
    expect(serious.map((v) => `${new URL(page.url()).pathname} ${v.id}: ${v.help}`)).toEqual([]);
  }

  /** Every figure cell of every statistics table on the page, as shown. */
  const figureCells = () =>
    page
      .locator('[data-testid=stats-table] td.number')
      .evaluateAll((cells) => cells.map((cell) => cell.textContent?.replace(/\s+/g, ' ').trim()));

  /** The shown cells of one row of one table: [label, ...cells]. */
  const rowOf = (table: string, label: string) =>
    page
      .locator(`[data-testid=stats-table][data-table=${table}] tbody tr`)
      .filter({ has: page.getByRole('rowheader', { name: label, exact: true }) })
      .locator('td')
      .allTextContents()
      .then((cells) => cells.map((cell) => cell.replace(/\s+/g, ' ').trim()));

  /** Column headings of one table (after the row dimension). */
  const columnsOf = (table: string) =>
    page
      .locator(`[data-testid=stats-table][data-table=${table}] thead th`)
      .allTextContents()
      .then((cells) => cells.slice(1).map((cell) => cell.trim()));

  /**
   * No count from 1 to 4 anywhere in the figures, every cell a count or the hidden mark, and at
   * least one count of 5 or more shown.
   */
  async function expectOnlySafeCounts(hidden = HIDDEN) {
    const cells = await figureCells();
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.filter((text) => SMALL_COUNT.test(text ?? ''))).toEqual([]);
    expect(cells.filter((text) => text !== hidden && !/^\d+$/.test(text ?? ''))).toEqual([]);
    expect(cells.some((text) => Number(text) >= 5)).toBe(true);
  }

  /** A downloaded statistics file, read back as CSV: BOM first, then `;`-separated rows. */
  async function csvRows(file: Download) {
    const bytes = await fs.readFile((await file.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    return parse(bytes.toString('utf8'), { bom: true, delimiter: ';' }) as string[][];
  }

  /** Every chart has drawn something (Chart.js paints the canvas; an empty one is blank). */
  async function expectChartsDrawn() {
    const charts = page.getByTestId('stats-chart');
    const sections = await page.getByTestId('stats-section').count();
    await expect.poll(() => charts.count(), POLL).toBe(sections);
    const painted = await charts.evaluateAll((canvases) =>
      canvases.map((canvas) => {
        const element = canvas as HTMLCanvasElement;
        const context = element.getContext('2d');
        if (!context || element.width === 0 || element.height === 0) return false;
        const pixels = context.getImageData(0, 0, element.width, element.height).data;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) return true;
        return false;
      }),
    );
    expect(painted.length).toBeGreaterThan(0);
    expect(painted.every(Boolean)).toBe(true);
  }

  it('a team lead signs in and sees charts and tables with small counts suppressed (axe)', async () => {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByTestId('login-username').fill(lead.username);
    await page.getByTestId('login-password').fill(lead.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-totp').waitFor();
    const epoch = Math.floor(Date.now() / 1000) + 30;
    await page.getByTestId('login-totp').fill(await generate({ secret: lead.totpSecret!, epoch }));
    await page.getByTestId('login-submit').click();
    await expect.poll(titleOf, POLL).toBe('Fallverwaltung');

    await page.getByRole('navigation').getByRole('link', { name: 'Statistik' }).click();
    await expect.poll(titleOf, POLL).toBe('Statistik');
    await page.getByTestId('stats-table').first().waitFor(POLL);
    expect(new URL(page.url()).pathname).toBe('/stats');
    // The page opens on the year view, where the fewest cells are hidden.
    expect(await page.getByTestId('stats-granularity-year').isChecked()).toBe(true);
    await page.getByTestId('stats-granularity-month').check();
    await page.waitForURL((url) => url.searchParams.get('granularity') === 'month', POLL);
    await page.getByTestId('stats-table').first().waitFor(POLL);

    // Months of this year, with the offence table labelled in German.
    await expect
      .poll(() => columnsOf('incidents_by_offence'), POLL)
      .toEqual([...MONTHS_DE, 'Summe']);
    const arson = await rowOf('incidents_by_offence', 'Brandstiftung');
    expect(arson).toHaveLength(13);
    // March and the year's total are hidden, never the 3; no other month has any.
    expect(arson[2]).toBe(HIDDEN);
    expect(arson[12]).toBe(HIDDEN);
    expect(arson.filter((cell) => cell !== '0' && cell !== HIDDEN)).toEqual([]);
    // What hidden cells show on screen is the mark alone; the words are for screen readers.
    const marks = await page
      .locator('[data-testid=stats-table] td.suppressed > span[aria-hidden=true]')
      .allTextContents();
    expect(marks.length).toBeGreaterThanOrEqual(2);
    expect(marks.filter((mark) => mark.trim() !== '•')).toEqual([]);

    await expectOnlySafeCounts();
    await expectChartsDrawn();
    // The explanation of the mark, and a hidden cell says so to screen readers too.
    expect(await page.getByTestId('stats-suppression-note').innerText()).toMatch(
      /^• steht für eine ausgeblendete Zahl: Anzahlen von 1 bis 4 werden nie gezeigt, /,
    );
    // Workload: the counsellor's open cases, counts only.
    await page.getByTestId('workload-row').first().waitFor(POLL);
    expect(await page.getByTestId('workload-row').count()).toBe(1);
    await expectNoSeriousViolations();
  });

  it('switches to quarters and to years, with the choice in the address bar', async () => {
    await page.getByTestId('stats-granularity-quarter').check();
    await page.waitForURL((url) => url.searchParams.get('granularity') === 'quarter', POLL);
    await expect
      .poll(() => columnsOf('incidents_by_offence'), POLL)
      .toEqual([1, 2, 3, 4].map((quarter) => `${quarter}. Quartal ${YEAR}`).concat('Summe'));
    expect((await rowOf('incidents_by_offence', 'Brandstiftung'))[0]).toBe(HIDDEN);
    await expectOnlySafeCounts();
    await expectChartsDrawn();

    await page.getByTestId('stats-granularity-year').check();
    await page.waitForURL((url) => url.searchParams.get('granularity') === 'year', POLL);
    await expect
      .poll(() => columnsOf('incidents_by_offence'), POLL)
      .toEqual([4, 3, 2, 1, 0].map((back) => String(YEAR - back)).concat('Summe'));
    expect((await rowOf('incidents_by_offence', 'Brandstiftung'))[4]).toBe(HIDDEN);
    await expectOnlySafeCounts();
    await expectChartsDrawn();

    // A year picked in the list: last year's five-year view has nothing of this year.
    await page.getByTestId('stats-year').selectOption(String(YEAR - 1));
    await page.waitForURL((url) => url.searchParams.get('year') === String(YEAR - 1), POLL);
    await expect
      .poll(() => columnsOf('incidents_by_offence'), POLL)
      .toEqual([4, 3, 2, 1, 0].map((back) => String(YEAR - 1 - back)).concat('Summe'));
    expect(await rowOf('incidents_by_offence', 'Brandstiftung')).toEqual(Array(6).fill('0'));

    // Back to this year's months, by reloading a bookmarked address.
    await page.goto(`${server.baseUrl}/stats?granularity=month&year=${YEAR}`);
    await page.getByTestId('stats-table').first().waitFor(POLL);
    expect(await page.getByTestId('stats-granularity-month').isChecked()).toBe(true);
  });

  it('shows only the breakdowns chosen', async () => {
    const sections = page.getByTestId('stats-section');
    const all = await sections.count();
    expect(all).toBeGreaterThan(3);
    const shownTables = () =>
      page
        .locator('[data-testid=stats-table]')
        .evaluateAll((tables) => tables.map((table) => table.getAttribute('data-table')));

    await page.locator('[data-testid=stats-breakdown][data-table=incidents_by_district]').uncheck();
    await expect.poll(() => sections.count(), POLL).toBe(all - 1);
    expect(await shownTables()).not.toContain('incidents_by_district');
    expect(new URL(page.url()).searchParams.get('show')?.split(',')).not.toContain(
      'incidents_by_district',
    );

    await page.getByTestId('stats-breakdowns-none').click();
    await expect.poll(() => sections.count(), POLL).toBe(0);
    await page.locator('[data-testid=stats-breakdown][data-table=incidents_by_offence]').check();
    await expect.poll(shownTables, POLL).toEqual(['incidents_by_offence']);
    await expectChartsDrawn();

    await page.getByTestId('stats-breakdowns-all').click();
    await expect.poll(() => sections.count(), POLL).toBe(all);
    expect(new URL(page.url()).searchParams.has('show')).toBe(false);
  });

  it('exports a table as CSV with the same suppression', async () => {
    const download = page.waitForEvent('download');
    await page.locator('[data-testid=stats-export][data-table=incidents_by_offence]').click();
    const file = await download;
    const filename = `statistics-incidents_by_offence-month-${YEAR}.csv`;
    expect(file.suggestedFilename()).toBe(filename);
    // For German office software: BOM, `;`, headers and rows in words, the codes last.
    const rows = await csvRows(file);
    expect(rows[0]).toEqual(['Tatbestand', ...MONTHS_DE, 'Summe', 'Code']);
    expect(rows.every((row) => row.length === 15)).toBe(true);
    const arson = rows.find((row) => row.at(-1) === 'arson')!;
    expect(arson[0]).toBe('Brandstiftung');
    expect(arson[3]).toBe('verborgen');
    expect(arson[13]).toBe('verborgen');
    expect(rows.at(-1)![0]).toBe('Summe');
    expect(rows.at(-1)!.at(-1)).toBe('');
    // No field of the file is a count from 1 to 4; every one is a count or the hidden word.
    const fields = rows.slice(1).flatMap((row) => row.slice(1, -1));
    expect(fields.filter((field) => SMALL_COUNT.test(field))).toEqual([]);
    expect(fields.filter((field) => field !== 'verborgen' && !/^\d+$/.test(field))).toEqual([]);
    // The file says what the table says, cell by cell ("•" there is "verborgen" here).
    const shown = await rowOf('incidents_by_offence', 'Brandstiftung');
    expect(shown.map((cell) => (cell === HIDDEN ? 'verborgen' : cell))).toEqual(arson.slice(1, -1));
    const status = page
      .getByTestId('stats-section')
      .filter({ has: page.locator('[data-table=incidents_by_offence]') })
      .getByTestId('stats-export-status');
    await expect
      .poll(() => status.innerText(), POLL)
      .toBe(`Die Datei ${filename} wurde heruntergeladen.`);

    // The export, like every view before it, is in the access log as the team lead's action.
    const events = await withClient(server.database.superuserUrl, async (client) => {
      const result = await client.query(
        `SELECT action, reason FROM audit_events
          WHERE actor_id = $1 AND action LIKE 'stats.%' ORDER BY seq`,
        [lead.user.id],
      );
      return result.rows as { action: string; reason: string | null }[];
    });
    expect(events.at(-1)).toEqual({
      action: 'stats.export',
      reason: `incidents_by_offence:month:${YEAR}`,
    });
    expect(events.filter((event) => event.action === 'stats.view').length).toBeGreaterThan(3);
  });

  it('speaks English when asked', async () => {
    await page.getByTestId('language-switch').selectOption('en');
    await expect.poll(titleOf, POLL).toBe('Statistics');
    const arson = await rowOf('incidents_by_offence', 'Arson');
    expect(arson).toHaveLength(13);
    expect(arson[2]).toBe(HIDDEN_EN);
    await expectOnlySafeCounts(HIDDEN_EN);
    expect(await page.getByTestId('stats-granularity-quarter').locator('..').innerText()).toMatch(
      /^\s*Quarters\s*$/,
    );
    // The file in English too: the same shape, every hidden cell "suppressed".
    const download = page.waitForEvent('download');
    await page.locator('[data-testid=stats-export][data-table=incidents_by_offence]').click();
    const rows = await csvRows(await download);
    expect(rows[0]).toEqual([
      'Offence',
      ...Array.from({ length: 12 }, (_unused, month) =>
        new Date(YEAR, month, 1).toLocaleDateString('en', { month: 'short', year: 'numeric' }),
      ),
      'Total',
      'Code',
    ]);
    const arsonRow = rows.find((row) => row.at(-1) === 'arson')!;
    expect(arsonRow[0]).toBe('Arson');
    expect(arsonRow.slice(1, -1)).toEqual(
      arson.map((cell) => (cell === HIDDEN_EN ? 'suppressed' : cell)),
    );
    const fields = rows.slice(1).flatMap((row) => row.slice(1, -1));
    expect(fields.filter((field) => field !== 'suppressed' && !/^\d+$/.test(field))).toEqual([]);
    await page.getByTestId('language-switch').selectOption('de');
    await expect.poll(titleOf, POLL).toBe('Statistik');
  });

  it('erases a case on request from the erasure page; a case on legal hold is refused (axe)', async () => {
    const http = await newCounsellor();
    const made = async (pseudonym: string) => {
      const created = await http('POST', '/api/cases', { person: { pseudonym } });
      expect(created.statusCode, created.body).toBe(201);
      return created.json() as { id: string; caseNumber: string };
    };
    const held = await made('Rotkehlchen Sperre');
    const held2 = await http('POST', `/api/cases/${held.id}/legal-hold`, {
      reason: 'Strafverfahren läuft noch',
    });
    expect(held2.statusCode, held2.body).toBe(200);
    const doomed = await made('Rotkehlchen Auskunft');

    const menuEntry = page.locator('nav[aria-label="Hauptnavigation"] a[href="/erasure"]');
    expect(await menuEntry.textContent()).toBe('Löschung');
    await menuEntry.click();
    await page.getByTestId('erasure-form').waitFor(POLL);
    await expectNoSeriousViolations();
    // The number is typed twice: a slip in one of them stops before anything is asked.
    await page.getByLabel('Fallnummer', { exact: true }).fill(doomed.caseNumber);
    await page.getByLabel('Fallnummer wiederholen').fill(held.caseNumber);
    await page.getByLabel('Rechtsgrund').selectOption('art17_request');
    await page.getByTestId('erasure-review').click();
    await expect
      .poll(() => page.locator('#erasure-case-number-again-error').textContent(), POLL)
      .toBe('Die beiden Fallnummern stimmen nicht überein.');
    expect(await page.getByRole('alertdialog').count()).toBe(0);

    const review = async (caseNumber: string) => {
      await page.getByLabel('Fallnummer', { exact: true }).fill(caseNumber.toLowerCase());
      await page.getByLabel('Fallnummer wiederholen').fill(caseNumber);
      await page.getByLabel('Rechtsgrund').selectOption('art17_request');
      await page.getByTestId('erasure-review').click();
    };
    const numberError = () => page.locator('#erasure-case-number-error').textContent();

    // An unknown number and a case on legal hold stop before the confirmation.
    await review('BU-2026-999999');
    await expect
      .poll(numberError, POLL)
      .toBe('In Ihrem Dienst gibt es keinen Fall mit dieser Nummer.');
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    await review(held.caseNumber);
    await expect.poll(numberError, POLL).toContain('Löschsperre');
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    expect((await http('GET', `/api/cases/${held.id}`)).statusCode).toBe(200);

    // The dialog says what is about to be destroyed before anything is.
    await review(doomed.caseNumber);
    const dialog = page.getByRole('alertdialog');
    await expect
      .poll(() => dialog.getByTestId('erasure-preview').textContent(), POLL)
      .toContain('Rotkehlchen Auskunft');
    const preview = (await dialog.getByTestId('erasure-preview').textContent()) ?? '';
    expect(preview).toContain('offen');
    expect(preview).toContain('noch nicht abgeschlossen');
    expect(await dialog.getByTestId('confirm-action').textContent()).toContain('Endgültig löschen');
    await dialog.getByTestId('confirm-action').click();
    const certificate = page.getByTestId('deletion-certificate');
    await certificate.waitFor(POLL);
    const text = (await certificate.textContent()) ?? '';
    expect(text).toContain(doomed.caseNumber);
    expect(text).toContain('Auf Antrag: Antrag der Person (Art. 17 DSGVO)');
    expect(text).not.toContain('request.');
    expect(text).not.toContain('Rotkehlchen');
    expect((await http('GET', `/api/cases/${doomed.id}`)).statusCode).toBe(404);

    await page.goto(`${server.baseUrl}/stats`);
    await page.getByTestId('stats-table').first().waitFor(POLL);
  });

  it('opens the printable annual report: tables with codes, no app frame on paper (axe)', async () => {
    await page.getByTestId('stats-report-link').click();
    await expect.poll(titleOf, POLL).toBe(`BackUp – Monitoring ${YEAR}`);
    expect(new URL(page.url()).pathname).toBe('/stats/report');
    await page.getByTestId('report-section').first().waitFor(POLL);
    expect(await page.getByTestId('stats-chart').count()).toBe(0);

    // Each row carries its category code, for merging with a partner service's figures.
    const arson = await rowOf('incidents_by_offence', 'Brandstiftung');
    expect(arson).toEqual(['arson', HIDDEN, '0', '0', '0', HIDDEN]);
    await expectOnlySafeCounts();
    await expectNoSeriousViolations();

    // The same quarters as a file, for merging.
    const download = page.waitForEvent('download');
    await page.locator('[data-testid=stats-export][data-table=incidents_by_offence]').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`statistics-incidents_by_offence-quarter-${YEAR}.csv`);
    const rows = await csvRows(file);
    expect(rows[0]).toEqual([
      'Tatbestand',
      ...[1, 2, 3, 4].map((quarter) => `${quarter}. Quartal ${YEAR}`),
      'Summe',
      'Code',
    ]);
    expect(rows.find((row) => row.at(-1) === 'arson')).toEqual([
      'Brandstiftung',
      'verborgen',
      '0',
      '0',
      '0',
      'verborgen',
      'arson',
    ]);

    // On paper: the report without the app's header and controls.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    expect(await page.getByTestId('report-print').isVisible()).toBe(false);
    expect(await page.getByTestId('stats-export').first().isVisible()).toBe(false);
    expect(await page.getByTestId('report-section').first().isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    expect(await page.locator('.app-header').isVisible()).toBe(true);
  });

  it("shows a ComeBack team lead ComeBack's tables only, every row named in words", async () => {
    const comebackLead = await newUser(server.app, systemClock, {
      role: 'team_lead',
      service: 'comeback',
      totp: true,
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const other = await context.newPage();
    other.on('pageerror', (error) => consoleErrors.push(error.message));
    await other.goto(`${server.baseUrl}/login`);
    await other.getByTestId('login-username').fill(comebackLead.username);
    await other.getByTestId('login-password').fill(comebackLead.password);
    await other.getByTestId('login-submit').click();
    await other.getByTestId('login-totp').waitFor();
    const epoch = Math.floor(Date.now() / 1000) + 30;
    await other
      .getByTestId('login-totp')
      .fill(await generate({ secret: comebackLead.totpSecret!, epoch }));
    await other.getByTestId('login-submit').click();
    await other.getByTestId('current-user').waitFor(POLL);
    await other.goto(`${server.baseUrl}/stats`);
    await other.getByTestId('stats-table').first().waitFor(POLL);

    const tables = await other
      .locator('[data-testid=stats-table]')
      .evaluateAll((found) => found.map((table) => table.getAttribute('data-table')));
    expect(tables).toContain('exit_phases_reached');
    expect(tables).toContain('durations_to_exit');
    expect(
      tables.filter((id) => id?.startsWith('incidents_') || id?.startsWith('affected_')),
    ).toEqual([]);
    // Row and column headings are words, never a raw code such as "breaking_off" or "0-3m".
    const headings = await other
      .locator('[data-testid=stats-table] th')
      .allTextContents()
      .then((texts) => texts.map((text) => text.trim()));
    expect(headings.filter((text) => /_|^\d+-\d+m$|\+$/.test(text))).toEqual([]);
    expect(headings).toContain('Abbruch');
    expect(headings).toContain('bis 3 Monate');
    await context.close();

    // Nothing the browsers logged: no script error and no Content-Security-Policy violation.
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
});

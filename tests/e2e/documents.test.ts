import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock.ts';
import { newUser, type TestUser } from '../support/accounts.ts';
import { launchBrowser } from '../support/browser.ts';
import { fakePdf } from '../support/documents.ts';
import { startE2eServer, type E2eServer } from '../support/e2e-server.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

// A BackUp counsellor uploads a PDF and a photo to a case in the browser, sees them listed,
// downloads the PDF byte for byte; a colleague must give a reason; ComeBack finds nothing.
describe('documents of a case in the browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let anna: TestUser;
  let bert: TestUser;
  let cleo: TestUser;
  let caseId = '';
  const pdf = fakePdf(300 * 1024, 'E2E-ANZEIGE');
  const png = Buffer.concat([
    Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
    Buffer.alloc(256, 3),
  ]);
  const POLL = { timeout: 10_000 };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    [anna, bert, cleo] = await Promise.all([
      newUser(server.app, systemClock, { role: 'counsellor', service: 'backup', totp: true }),
      newUser(server.app, systemClock, { role: 'counsellor', service: 'backup', totp: true }),
      newUser(server.app, systemClock, { role: 'counsellor', service: 'comeback', totp: true }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signedIn(who: TestUser): Promise<Page> {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/login`);
    await page.getByTestId('login-username').fill(who.username);
    await page.getByTestId('login-password').fill(who.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-totp').waitFor();
    const epoch = Math.floor(Date.now() / 1000) + 30;
    await page.getByTestId('login-totp').fill(await generate({ secret: who.totpSecret!, epoch }));
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    return page;
  }

  it('uploads a PDF and a photo, lists them, and downloads the PDF with the same SHA-256', async () => {
    const page = await signedIn(anna);
    // The case itself through the API, in this session: the case form is another test's story.
    const me = await page.request.get(`${server.baseUrl}/api/auth/me`);
    const { csrfToken } = (await me.json()) as { csrfToken: string };
    const created = await page.request.post(`${server.baseUrl}/api/cases`, {
      data: { person: { pseudonym: 'Reiher Morgen' } },
      headers: { 'x-csrf-token': csrfToken },
    });
    caseId = ((await created.json()) as { id: string }).id;
    await page.goto(`${server.baseUrl}/cases/${caseId}`);
    await page.getByTestId('tab-documents').click();
    await page.getByTestId('document-upload').waitFor();
    await page.getByTestId('document-file').setInputFiles({
      name: 'anzeige.pdf',
      mimeType: 'application/pdf',
      buffer: pdf,
    });
    await page.getByTestId('document-kind').selectOption('police_report');
    await page.getByTestId('document-upload').getByRole('button', { name: 'Hochladen' }).click();
    await expect
      .poll(() => page.getByTestId('document-status').textContent(), POLL)
      .toContain('verschlüsselt gespeichert');
    await page.getByTestId('document-file').setInputFiles({
      name: 'foto.png',
      mimeType: 'image/png',
      buffer: png,
    });
    await page.getByTestId('document-kind').selectOption('photo');
    await page.getByTestId('document-upload').getByRole('button', { name: 'Hochladen' }).click();
    await expect.poll(() => page.getByTestId('document-list').locator('li').count(), POLL).toBe(2);
    const listed = await page.getByTestId('document-list').textContent();
    expect(listed).toContain('anzeige.pdf');
    expect(listed).toContain('foto.png');
    expect(listed).toContain(sha256(pdf));

    const item = page.getByTestId('document-list').locator('li', { hasText: 'anzeige.pdf' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      item.getByRole('button', { name: 'Herunterladen' }).click(),
    ]);
    const saved = await download.path();
    expect(sha256(fs.readFileSync(saved))).toBe(sha256(pdf));
    expect(download.suggestedFilename()).toMatch(/^document-[0-9a-f-]{36}\.pdf$/);
  });

  it('asks a colleague for a reason before the case and its documents open', async () => {
    const page = await signedIn(bert);
    await page.goto(`${server.baseUrl}/cases/${caseId}`);
    await page.getByTestId('access-reason').waitFor();
    await page.getByTestId('access-reason-text').fill('Vertretung während des Urlaubs');
    await page.getByTestId('access-reason-submit').click();
    await page.getByTestId('tab-documents').click();
    await expect.poll(() => page.getByTestId('document-list').locator('li').count(), POLL).toBe(2);
  });

  it('shows the other service nothing: the case is not found', async () => {
    const page = await signedIn(cleo);
    await page.goto(`${server.baseUrl}/cases/${caseId}`);
    await page.getByTestId('case-not-found').waitFor();
  });
});

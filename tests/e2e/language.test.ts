import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchBrowser } from '../support/browser.ts';
import { startE2eServer, type E2eServer } from '../support/e2e-server.ts';

describe('the UI in Chromium', () => {
  let server: E2eServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    server = await startE2eServer();
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    collectPageErrors(page, consoleErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('speaks German first, switches to English and remembers the choice', async () => {
    await page.goto(server.baseUrl);
    const title = page.getByTestId('page-title');
    await expect.poll(() => title.textContent()).toBe('Anmelden');
    expect(await page.getAttribute('html', 'lang')).toBe('de');

    await page.getByTestId('language-switch').selectOption('en');
    await expect.poll(() => title.textContent()).toBe('Sign in');
    expect(await page.getAttribute('html', 'lang')).toBe('en');

    await page.reload();
    await expect.poll(() => page.getByTestId('page-title').textContent()).toBe('Sign in');
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });

  it('has no serious or critical accessibility violations on the sign-in page', async () => {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByTestId('page-title').waitFor();
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter(
      (v) => v.impact === 'serious' || v.impact === 'critical',
    );
    expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });
});

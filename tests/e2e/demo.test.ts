import { execFile } from 'node:child_process';
import path from 'node:path';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { startE2eServer, type E2eServer } from '../support/e2e-server.ts';
import { REPOSITORY_ROOT } from '../support/test-config.ts';

const BIN = path.join(REPOSITORY_ROOT, 'bin', 'casework.js');

/** One demo account's line of the seed's output, and its otpauth URI. */
function credentials(output: string, username: string) {
  const account = output.match(new RegExp(`^  ${username} +counsellor +\\S+ +(\\S+)$`, 'm'));
  const uri = output.match(new RegExp(`^  ${username} +(otpauth://\\S+)$`, 'm'));
  if (!account || !uri) throw new Error(`no credentials for ${username} in:\n${output}`);
  const secret = new URL(uri[1]!).searchParams.get('secret')!;
  return { username, password: account[1]!, secret };
}

// A newcomer's first steps: `npx casework demo seed` next to a running server, then sign in as a
// demo counsellor and find the seeded cases and this week's appointments.
describe('demo data in the browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let page: Page;
  let env: NodeJS.ProcessEnv;
  const POLL = { timeout: 10_000 };

  const casework = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        { env, cwd: REPOSITORY_ROOT },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    env = {
      ...process.env,
      DATABASE_URL: server.database.appUrl,
      CASEWORK_MIGRATION_DATABASE_URL: server.database.ownerUrl,
      CASEWORK_SEALER_DATABASE_URL: server.database.sealerUrl,
      // The test server's master key (tests/support/test-config.ts).
      CASEWORK_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
      CASEWORK_LOG_LEVEL: 'silent',
    };
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

  let seedOutput = '';

  it('seeds a fresh installation and prints the demo accounts once', async () => {
    const seeded = await casework(['demo', 'seed']);
    expect(seeded.stderr).toBe('');
    expect(seeded.code).toBe(0);
    seedOutput = seeded.stdout;
    for (const username of ['demo-admin', 'demo-auditor', 'demo-backup-lead', 'demo-comeback-1']) {
      expect(seedOutput).toContain(`  ${username} `);
    }

    const again = await casework(['demo', 'seed']);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe(
      'casework: demo seed refused: the demo data is there already (the demo accounts exist). It runs once, on a fresh installation.\n',
    );
  });

  it('a demo counsellor signs in and sees the seeded cases and this week', async () => {
    const who = credentials(seedOutput, 'demo-backup-1');
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      // The demo's appointments are planned in German time; the week view is the browser's.
      timezoneId: 'Europe/Berlin',
      locale: 'de-DE',
    });
    page = await context.newPage();
    await page.goto(`${server.baseUrl}/login`);
    await page.getByTestId('login-username').fill(who.username);
    await page.getByTestId('login-password').fill(who.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-totp').waitFor();
    // Enrolment used the current 30-second step; the next one is accepted and not yet used.
    const epoch = Math.floor(Date.now() / 1000) + 30;
    await page.getByTestId('login-totp').fill(await generate({ secret: who.secret, epoch }));
    await page.getByTestId('login-submit').click();
    await expect.poll(titleOf(page), POLL).toBe('Fallverwaltung');

    await page.getByRole('link', { name: 'Fälle' }).first().click();
    await expect.poll(titleOf(page), POLL).toBe('Fälle');
    // The list starts on the counsellor's own open cases; all of the service's are one click on.
    await page.getByTestId('case-mine-only').uncheck();
    await page.getByTestId('case-list').waitFor();
    const rows = page.locator('[data-testid^=case-row-BU-]');
    await expect.poll(() => rows.count(), POLL).toBe(24);
    expect(await page.locator('[data-testid^=case-row-CB-]').count()).toBe(0);
    const pseudonyms = await page.getByTestId('case-pseudonym').allTextContents();
    expect(pseudonyms).toHaveLength(24);
    for (const pseudonym of pseudonyms) expect(pseudonym).toMatch(/^Demo \S+ \d{2}$/);

    await page.getByRole('link', { name: 'Termine' }).first().click();
    await expect.poll(titleOf(page), POLL).toBe('Termine');
    await page.getByTestId('week-view').waitFor();
    // Monday to Friday one each, and the team meeting on Wednesday.
    await expect.poll(() => page.getByTestId('week-appointment').count(), POLL).toBe(6);
  });
});

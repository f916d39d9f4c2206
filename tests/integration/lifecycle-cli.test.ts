import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedLongAgo, expectStatus, snapshot, startTeam } from '../support/case-work.ts';
import { REPOSITORY_ROOT } from '../support/test-config.ts';

const BIN = path.join(REPOSITORY_ROOT, 'bin', 'casework.js');

let env: NodeJS.ProcessEnv;
const cases: Record<'due' | 'held' | 'recent', { id: string; caseNumber: string }> = {} as never;

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

const closed = (closedOn: string) => closedLongAgo(t, anna, '2020-02-01', closedOn);

const { t, anna } = await startTeam({ anna: 'backup' });
beforeAll(async () => {
  env = {
    ...process.env,
    DATABASE_URL: t.database.appUrl,
    CASEWORK_MIGRATION_DATABASE_URL: t.database.ownerUrl,
    // The test app's master key (tests/support/test-config.ts).
    CASEWORK_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    CASEWORK_LOG_LEVEL: 'silent',
  };
  // Closed long ago (BackUp keeps closed cases 3 years), one of them on hold; one recent.
  cases.due = await closed('2021-03-31');
  cases.held = await closed('2021-04-30');
  cases.recent = await closed('2025-12-31');
  expectStatus(
    await anna.http('POST', `/api/cases/${cases.held.id}/legal-hold`, { reason: 'Revision' }),
    200,
  );
});
afterAll(() => t.close());

describe('npx casework retention run', () => {
  it('--help names the dry run', async () => {
    const { code, stdout } = await casework(['retention', 'run', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--dry-run');
  });

  it('--dry-run lists what is due with case number and rule, and changes nothing', async () => {
    const before = await snapshot(t);
    const { code, stdout, stderr } = await casework(['retention', 'run', '--dry-run']);
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^backup\\s+${cases.due.caseNumber}\\s+due since 2021-03-31T[0-9:.]+Z\\s+rule retention\\.backup\\.closed_case\\.3y$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(`^backup\\s+${cases.held.caseNumber}\\s+.*ON LEGAL HOLD: kept$`),
      ),
      'dry run: 2 due, 1 on legal hold; nothing was changed',
    ]);
    expect(stdout).not.toContain(cases.recent.caseNumber);
    expect(await snapshot(t)).toEqual(before);
    expectStatus(await anna.http('GET', `/api/cases/${cases.due.id}`), 200);
  });

  it('erases what is due and keeps the case on hold', async () => {
    const { code, stdout, stderr } = await casework(['retention', 'run']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(
      '2 due: erased 1 cases, 0 appointments and 0 incidents of no case, kept 1 on legal hold',
    );
    expectStatus(await anna.http('GET', `/api/cases/${cases.due.id}`), 404);
    expectStatus(await anna.http('GET', `/api/cases/${cases.held.id}`), 200);
    expectStatus(await anna.http('GET', `/api/cases/${cases.recent.id}`), 200);
  });

  it('refuses an unknown option with a non-zero exit', async () => {
    const { code, stderr } = await casework(['retention', 'run', '--everything']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('--everything');
  });
});

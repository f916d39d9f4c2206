import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { generate } from 'otplib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { systemClock } from '../../server/clock.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { newUser, type TestUser } from '../support/accounts.ts';
import { testSealer } from '../support/audit-sealer.ts';
import { createTestDatabase } from '../support/test-cluster.ts';
import { REPOSITORY_ROOT, testConfig } from '../support/test-config.ts';

// Issue 9: SIGKILL in the middle of a stream of writes. Every acknowledged write must be there
// after a restart and decrypt, nothing half-written may be visible, and the access log verifies.

const database = await createTestDatabase();
const sealer = await testSealer(database.sealerUrl, systemClock);
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await sealer.close();
  await database.drop();
});

async function startServer(): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join('tests', 'support', 'crash-server-main.ts'),
      database.appUrl,
      sealer.publicKeyFile,
    ],
    { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

/** Signs in over HTTP; `step` picks a TOTP step no earlier sign-in of this user has claimed. */
async function signIn(base: string, who: TestUser, step: number) {
  const epoch = Math.floor(Date.now() / 1000) + step * 30;
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: who.username,
      password: who.password,
      totp: await generate({ secret: who.totpSecret!, epoch }),
    }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  const cookie = response.headers
    .getSetCookie()
    .find((c) => c.startsWith('casework_session='))!
    .split(';')[0]!;
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
}

describe('a server killed with SIGKILL during a stream of writes', () => {
  it('keeps every acknowledged note, shows nothing half-written, and its access log verifies', async () => {
    const setup = await buildApp(testConfig({ databaseUrl: database.appUrl }));
    await setup.ready();
    const counsellor = await newUser(setup, systemClock, {
      role: 'counsellor',
      service: 'backup',
      totp: true,
    });
    const auditor = await newUser(setup, systemClock, { role: 'auditor', totp: true });
    await setup.close();

    const first = await startServer();
    const headers = await signIn(first.base, counsellor, 1);
    const created = await fetch(`${first.base}/api/cases`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ person: { pseudonym: 'Kranich Absturz' } }),
    });
    expect(created.status).toBe(201);
    const { id: caseId } = (await created.json()) as { id: string };
    expect((await sealer.seal()).signed).toBe(true);

    // Eight writers post notes until the process dies under them.
    const acknowledged: string[] = [];
    let sent = 0;
    let killed = false;
    const writer = async (lane: number) => {
      for (let n = 0; !killed; n++) {
        const body = `Absturznotiz ${lane}-${n}: Gespräch nach der Anhörung`;
        sent += 1;
        try {
          const response = await fetch(`${first.base}/api/cases/${caseId}/notes`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ kind: 'phone_call', body }),
          });
          if (response.status === 201) acknowledged.push(body);
        } catch {
          return; // the connection died with the process: not acknowledged
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, lane) => writer(lane));
    while (acknowledged.length < 40) await new Promise((resolve) => setTimeout(resolve, 20));
    first.child.kill('SIGKILL');
    killed = true;
    await Promise.all(writers);
    expect(sent).toBeGreaterThan(acknowledged.length); // some writes were cut off mid-flight

    const second = await startServer();
    // Sessions live in PostgreSQL: the counsellor's session survived the crash.
    const listed: string[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await fetch(
        `${second.base}/api/cases/${caseId}/notes?limit=100&offset=${offset}`,
        { headers },
      );
      expect(page.status).toBe(200); // every stored note decrypts, or this is a 500
      const { notes, total } = (await page.json()) as {
        notes: { body: string }[];
        total: number;
      };
      listed.push(...notes.map((note) => note.body));
      if (offset + 100 >= total) break;
    }
    expect(listed).toEqual(expect.arrayContaining(acknowledged));

    // Nothing half-written: every stored note is listed, and each has its access-log event.
    const stored = await withClient(database.superuserUrl, async (client) => {
      const notes = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM case_notes WHERE case_id = $1',
        [caseId],
      );
      const events = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_events WHERE action = 'note.create' AND outcome = 'allowed' AND target_id = $1",
        [caseId],
      );
      const all = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
      return { notes: notes.rows[0]!.n, events: events.rows[0]!.n, allEvents: all.rows[0]!.n };
    });
    expect(stored.notes).toBe(listed.length);
    expect(stored.events).toBe(stored.notes);

    expect((await sealer.seal()).signed).toBe(true); // a checkpoint over the crash, too
    const auditorHeaders = await signIn(second.base, auditor, 1);
    const verify = await fetch(`${second.base}/api/audit/verify`, { headers: auditorHeaders });
    expect(verify.status).toBe(200);
    const report = (await verify.json()) as { ok: boolean; checked: number };
    expect(report.ok).toBe(true);
    expect(report.checked).toBeGreaterThan(stored.allEvents); // and the auditor's sign-in
    second.child.kill('SIGTERM');
  }, 120_000);
});

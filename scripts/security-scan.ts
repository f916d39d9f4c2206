/**
 * `npm run security:scan`: Debian's sqlmap and wapiti against a real casework server.
 *
 * Starts its own embedded PostgreSQL, migrates a fresh database, serves the built UI and the
 * API on a loopback port (the same `buildApp` as `npm start`, configured like production
 * behind a TLS proxy), creates signed-in users of every role and a few cases, then:
 *   - sqlmap on the search and id parameters, signed in (session cookie + CSRF header);
 *   - wapiti on the UI and on every GET route of each role, signed in as that role.
 * Prints what it tried and a summary; exits 1 on any finding, 2 when a scan could not run
 * properly. Reports stay in a temporary folder (printed) when something was found or with
 * --keep. See docs/security-scan.md.
 *
 *   npm run security:scan [-- --level 3 --risk 2 --wapiti-seconds 60 --only sqlmap|wapiti --keep]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config/load-config.ts';
import {
  APP_LOGIN_ROLE,
  ensureDatabase,
  ensureRoles,
  OWNER_ROLE,
  roleUrl,
  SEALER_LOGIN_ROLE,
} from '../server/database/database-roles.ts';
import { startEmbeddedPostgres } from '../server/database/embedded-postgres.ts';
import { applyMigrations } from '../server/database/migrate.ts';
import { withClient } from '../server/database/pg-client.ts';
import type { Role, ServiceCode } from '../server/generated/prisma/enums.ts';
import type { RequestContext } from '../server/services/actor.ts';
import { ensureWebBuild } from '../server/web-build.ts';
import { startSealerProcess, type SealerProcess } from '../server/audit/sealer-process.ts';
import {
  readSqlmapOutput,
  readWapitiReport,
  type Finding,
  type WapitiReport,
} from './security-scan/findings.ts';
import { startUrls, type OpenApiDocument, type SampleContext } from './security-scan/targets.ts';

const { values: options } = parseArgs({
  options: {
    level: { type: 'string', default: '3' },
    risk: { type: 'string', default: '2' },
    'wapiti-seconds': { type: 'string', default: '60' },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const LEVEL = Number(options.level);
const RISK = Number(options.risk);
const WAPITI_SECONDS = Number(options['wapiti-seconds']);
const RUN_SQLMAP = options.only !== 'wapiti';
const RUN_WAPITI = options.only !== 'sqlmap';
const SYSTEM: RequestContext = { actor: null, clientAddress: null, requestId: 'security-scan' };
// Requests that would end or lock the session the scanners use: never crawled.
const SESSION_ENDING = ['/api/auth/logout', '/api/auth/lock', '/api/auth/password'];
// Wapiti modules: the default set plus the injection and misconfiguration checks that apply to
// a JSON API with an SPA (ssrf/xxe need an external endpoint; nikto/buster are path guessing).
const WAPITI_MODULES =
  'blindsql,sql,exec,file,xss,permanentxss,crlf,redirect,csp,http_headers,cookieflags,methods,backup,htaccess,csrf';

const log = (message: string) => console.log(`[security:scan] ${message}`);
const elapsed = (since: bigint) =>
  `${(Number(process.hrtime.bigint() - since) / 1e9).toFixed(0)} s`;

interface Account {
  role: Role;
  service: ServiceCode | null;
  id: string;
  username: string;
  password: string;
}

interface Session {
  cookie: string;
  csrfToken: string;
}

interface TargetResult {
  scanner: 'sqlmap' | 'wapiti';
  name: string;
  seconds: number;
  requests: string;
  findings: Finding[];
  problems: string[];
  tried: string;
}

if (!options.level || !Number.isInteger(LEVEL) || LEVEL < 1 || LEVEL > 5) usage('--level 1…5');
if (!Number.isInteger(RISK) || RISK < 1 || RISK > 3) usage('--risk 1…3');
if (!(WAPITI_SECONDS > 0)) usage('--wapiti-seconds > 0');
for (const tool of [RUN_SQLMAP && 'sqlmap', RUN_WAPITI && 'wapiti'].filter(Boolean) as string[]) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`[security:scan] ${tool} is missing: apt-get install -y sqlmap wapiti`);
    process.exit(2);
  }
}

// Ctrl-C or SIGTERM: stop the scanner, then the finally block below stops server and database.
let scanner: ChildProcess | undefined;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    scanner?.kill('SIGTERM');
  });
}

const started = process.hrtime.bigint();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-security-scan-'));
fs.chmodSync(scratch, 0o711); // PostgreSQL runs as 'postgres' when we are root
const reports = path.join(scratch, 'reports');
fs.mkdirSync(reports);
const cluster = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'data'), log: () => {} });
let app: FastifyInstance | undefined;
let sealer: SealerProcess | undefined;
const results: TargetResult[] = [];
let exitCode = 0;
try {
  const passwords = {
    owner: randomBytes(18).toString('base64url'),
    app: randomBytes(18).toString('base64url'),
    sealer: randomBytes(18).toString('base64url'),
  };
  await withClient(cluster.superuserUrl(), async (client) => {
    await ensureRoles(client, passwords);
    await ensureDatabase(client, 'scan');
  });
  await applyMigrations(roleUrl(cluster.port, OWNER_ROLE, passwords.owner, 'scan'));
  const config = loadConfig({
    CASEWORK_MASTER_KEY: randomBytes(32).toString('base64'),
    // The scan's accounts sign in without TOTP; everything else as in production.
    CASEWORK_TOTP: 'optional',
    // Production runs behind a TLS proxy: HSTS and Secure cookies are part of what is scanned.
    CASEWORK_TRUST_PROXY: 'true',
    CASEWORK_LOG_LEVEL: 'error',
    CASEWORK_DATA_DIR: scratch,
    CASEWORK_RETENTION_SWEEP_HOURS: '0',
    DATABASE_URL: roleUrl(cluster.port, APP_LOGIN_ROLE, passwords.app, 'scan'),
  });
  await ensureWebBuild(config.webDir, log);
  // As `npm start` runs it: the access log is sealed and verified at the end of the scan.
  sealer = await startSealerProcess({
    databaseUrl: roleUrl(cluster.port, SEALER_LOGIN_ROLE, passwords.sealer, 'scan'),
    signingKeyFile: config.audit.signingKeyFile,
    intervalSeconds: config.audit.checkpointIntervalSeconds,
    log,
  });
  app = await buildApp(config);
  const traffic = countTraffic(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  log(`server at ${base} (database and reports in ${scratch})`);

  // Users of every role, through the real account service.
  const accounts = {
    backup: await newAccount(app, 'counsellor', 'backup'),
    backupColleague: await newAccount(app, 'counsellor', 'backup'),
    comeback: await newAccount(app, 'counsellor', 'comeback'),
    teamLead: await newAccount(app, 'team_lead', 'backup'),
    auditor: await newAccount(app, 'auditor', null),
    admin: await newAccount(app, 'admin', null),
  };

  // A few cases, notes and appointments in both services, through the API.
  const seeded = {
    backup: await seed(base, accounts.backup),
    comeback: await seed(base, accounts.comeback),
  };
  await seed(base, accounts.backupColleague);
  const caseNumber = seeded.backup.caseNumber;
  log(
    `seeded users of every role and cases in both services (${caseNumber}, ${seeded.comeback.caseNumber}, …)`,
  );
  const today = new Date().toISOString().slice(0, 10);

  if (RUN_SQLMAP) {
    const targets: {
      name: string;
      who: Account;
      url: string;
      body?: Record<string, unknown>;
      testsHeaders?: boolean;
    }[] = [
      {
        name: 'POST /api/cases/search (JSON body)',
        who: accounts.backup,
        url: `${base}/api/cases/search`,
        testsHeaders: true,
        body: {
          q: seeded.backup.pseudonym,
          status: 'open',
          from: '2020-01-01',
          to: today,
          limit: 10,
          offset: 0,
        },
      },
      {
        name: 'GET /api/cases/:id (path)',
        who: accounts.backup,
        url: `${base}/api/cases/${seeded.backup.caseId}*`,
      },
      {
        name: 'GET /api/cases?… (list filters)',
        who: accounts.backup,
        url: `${base}/api/cases?status=open&counsellorId=${accounts.backup.id}&from=2020-01-01&to=${today}&limit=10&offset=0`,
      },
      {
        name: 'GET /api/cases?q=… (search in the query string)',
        who: accounts.comeback,
        url: `${base}/api/cases?q=${encodeURIComponent(seeded.comeback.pseudonym)}&limit=10`,
      },
      {
        name: 'GET /api/audit?… (auditor)',
        who: accounts.auditor,
        url: `${base}/api/audit?actor=${accounts.backup.username}&action=case.view&outcome=allowed&caseNumber=${caseNumber}&limit=10`,
      },
    ];
    for (const target of targets) {
      results.push(await runSqlmap(base, target, traffic));
    }
  }

  if (RUN_WAPITI) {
    await app.ready();
    const openApi = app.swagger() as OpenApiDocument;
    const context = (who: Account, own?: typeof seeded.backup): SampleContext => ({
      idsBySegment: own ? { cases: own.caseId, appointments: own.appointmentId } : {},
      byName: {
        counsellorId: who.id,
        caseNumber,
        actor: who.role === 'auditor' ? accounts.backup.username : who.username,
        ...(own ? { noteId: own.noteId } : {}),
      },
      now: new Date(),
    });
    // Wapiti 3.0.4's --max-scan-time bounds the crawl, --max-attack-time each module.
    const runs: { who: Account; own?: typeof seeded.backup }[] = [
      { who: accounts.backup, own: seeded.backup },
      { who: accounts.auditor },
      { who: accounts.teamLead },
      { who: accounts.admin },
    ];
    for (const run of runs) {
      const urls = startUrls(
        app.routeTable,
        openApi,
        run.who.role,
        context(run.who, run.own),
        (route) => SESSION_ENDING.includes(route.url) || route.url === '/api/calendar/feed.ics',
      );
      results.push(await runWapiti(base, run.who, urls, WAPITI_SECONDS, traffic));
    }
  }

  // The server is still healthy and the audit trail intact after all of it.
  const health = await fetch(`${base}/api/health`);
  const auditor = await signIn(base, accounts.auditor);
  const verify = await fetch(`${base}/api/audit/verify`, { headers: { cookie: auditor.cookie } });
  const verification = (await verify.json()) as {
    ok?: boolean;
    checked?: number;
    reason?: string;
    message?: string;
  };
  const afterwards: string[] = [];
  if (health.status !== 200)
    afterwards.push(`/api/health answered ${health.status} after the scan`);
  if (verify.status !== 200 || verification.ok !== true) {
    afterwards.push(
      `the access log does not verify after the scan (${verify.status}: ${verification.reason ?? verification.message})`,
    );
  }

  // Summary.
  console.log('');
  console.log('Security scan summary');
  console.log('=====================');
  for (const result of results) {
    const verdict = result.findings.length
      ? `${result.findings.length} FINDING(S)`
      : result.problems.length
        ? 'INCOMPLETE'
        : 'no finding';
    console.log(`${result.scanner.padEnd(7)} ${result.name}: ${verdict} (${result.seconds} s)`);
    console.log(`        tried: ${result.tried}`);
    console.log(`        server saw: ${result.requests}`);
    for (const finding of result.findings) console.log(`        FINDING ${finding.what}`);
    for (const problem of result.problems) console.log(`        PROBLEM ${problem}`);
  }
  console.log(
    `after the scan: /api/health ${health.status}, access log ${verification.ok ? `verifies (${verification.checked} events)` : 'DOES NOT VERIFY'}`,
  );
  const findings = results.flatMap((result) => result.findings);
  const problems = [...results.flatMap((result) => result.problems), ...afterwards];
  console.log(
    `total time ${elapsed(started)}; ${findings.length} finding(s), ${problems.length} problem(s)`,
  );
  if (findings.length) exitCode = 1;
  else if (problems.length) exitCode = 2;
} catch (error) {
  if (interrupted)
    console.error('[security:scan] interrupted: stopping the server and the database');
  else console.error('[security:scan] failed:', error);
  exitCode = 2;
} finally {
  await app?.close();
  await sealer?.stop();
  await cluster.stop();
  if (exitCode === 0 && !options.keep) {
    fs.rmSync(scratch, { recursive: true, force: true });
  } else {
    fs.rmSync(path.join(scratch, 'data'), { recursive: true, force: true });
    log(`reports kept in ${reports}`);
  }
}
process.exit(exitCode);

function usage(problem: string): never {
  console.error(
    `[security:scan] ${problem}\nusage: npm run security:scan [-- --level 3 --risk 2 --wapiti-seconds 60 --only sqlmap|wapiti --keep]`,
  );
  process.exit(2);
}

async function newAccount(
  app: FastifyInstance,
  role: Role,
  service: ServiceCode | null,
): Promise<Account> {
  const username = `scan-${role.replace('_', '')}-${service ?? 'all'}-${randomBytes(3).toString('hex')}`;
  const password = `Leuchtfeuer ${randomBytes(6).toString('base64url')} Dünengras`;
  const { user } = await app.services.accounts.create(SYSTEM, {
    username,
    role,
    service,
    password,
  });
  return { role, service, id: user.id, username, password };
}

/** Signs in through the API like the UI (behind the TLS proxy), once per scanner run. */
async function signIn(base: string, who: Account): Promise<Session> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
    body: JSON.stringify({ username: who.username, password: who.password }),
  });
  if (!response.ok)
    throw new Error(
      `sign-in of ${who.username} failed: ${response.status} ${await response.text()}`,
    );
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('casework_session='));
  if (!cookie) throw new Error('sign-in set no session cookie');
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie: cookie.split(';')[0]!, csrfToken };
}

async function api(base: string, session: Session, method: string, url: string, body?: unknown) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrfToken,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Three cases of the counsellor, with notes and an appointment; returns the first one's ids. */
async function seed(base: string, who: Account) {
  const session = await signIn(base, who);
  const pseudonyms = ['Kranich', 'Eisvogel', 'Zaunkönig'].map(
    (bird) => `${bird} ${randomBytes(2).toString('hex')}`,
  );
  const created: { id: string; caseNumber: string }[] = [];
  for (const [i, pseudonym] of pseudonyms.entries()) {
    created.push(
      (await api(base, session, 'POST', '/api/cases', {
        person: {
          pseudonym,
          ...(i === 0 ? { name: 'Erika Mustermann', phone: '+49 170 0000000' } : {}),
        },
        summary: 'Erstgespräch in der Beratungsstelle; Begleitung zum Amtsgericht vereinbart.',
      })) as { id: string; caseNumber: string },
    );
  }
  const first = created[0]!;
  const note = await api(base, session, 'POST', `/api/cases/${first.id}/notes`, {
    kind: 'phone_call',
    body: 'Rückruf: Termin bestätigt.',
  });
  const start = new Date(Date.now() + 2 * 86_400_000);
  const appointment = (await api(base, session, 'POST', '/api/appointments', {
    start: start.toISOString(),
    end: new Date(start.getTime() + 3_600_000).toISOString(),
    kind: 'counselling_session',
    caseId: first.id,
    location: 'Beratungsstelle',
  })) as { appointment: { id: string } };
  return {
    caseId: first.id,
    caseNumber: first.caseNumber,
    pseudonym: pseudonyms[0]!,
    noteId: String(note.id),
    appointmentId: appointment.appointment.id,
  };
}

interface Traffic {
  start(): void;
  /** "1234 requests: 200 ×12, 400 ×1200 …" since start(), and the routes that answered 5xx. */
  stop(): { summary: string; serverErrors: string[] };
}

function countTraffic(server: FastifyInstance): Traffic {
  let statuses = new Map<number, number>();
  let serverErrors = new Map<string, number>();
  server.addHook('onResponse', async (request, reply) => {
    statuses.set(reply.statusCode, (statuses.get(reply.statusCode) ?? 0) + 1);
    if (reply.statusCode >= 500) {
      const route = `${request.method} ${request.routeOptions.url ?? '(no route)'} → ${reply.statusCode}`;
      serverErrors.set(route, (serverErrors.get(route) ?? 0) + 1);
    }
  });
  return {
    start() {
      statuses = new Map();
      serverErrors = new Map();
    },
    stop() {
      const total = [...statuses.values()].reduce((a, b) => a + b, 0);
      const byStatus = [...statuses.entries()]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status} ×${count}`)
        .join(', ');
      return {
        summary: `${total} requests (${byStatus || 'none'})`,
        serverErrors: [...serverErrors.entries()].map(([route, count]) => `${route} (${count}×)`),
      };
    },
  };
}

/** Runs a scanner, its output into a file; resolves with the output when it exits. */
function runTool(
  command: string,
  args: string[],
  logFile: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    if (interrupted) return reject(new Error('interrupted'));
    const out = fs.openSync(logFile, 'w');
    const child = spawn(command, args, {
      stdio: ['ignore', out, out],
      env: { ...process.env, HOME: path.join(scratch, 'home') },
    });
    scanner = child;
    child.on('error', reject);
    child.on('exit', (code) => {
      scanner = undefined;
      fs.closeSync(out);
      if (interrupted) return reject(new Error('interrupted'));
      resolve({ code, output: fs.readFileSync(logFile, 'utf8') });
    });
  });
}

async function runSqlmap(
  base: string,
  target: {
    name: string;
    who: Account;
    url: string;
    body?: Record<string, unknown>;
    testsHeaders?: boolean;
  },
  traffic: Traffic,
): Promise<TargetResult> {
  const since = process.hrtime.bigint();
  const session = await signIn(base, target.who);
  // The unmodified request must succeed, or sqlmap would only ever see 401/403/404.
  const baseline = await fetch(target.url.replace('*', ''), {
    method: target.body ? 'POST' : 'GET',
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrfToken,
      ...(target.body ? { 'content-type': 'application/json' } : {}),
    },
    body: target.body ? JSON.stringify(target.body) : undefined,
  });
  if (baseline.status !== 200) {
    throw new Error(
      `${target.name}: the unmodified request answered ${baseline.status}: ${await baseline.text()}`,
    );
  }
  const slug = target.name
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
  const outputDir = path.join(reports, 'sqlmap', slug);
  const args = [
    '-u',
    target.url,
    ...(target.body
      ? ['--data', JSON.stringify(target.body), '-H', 'Content-Type: application/json']
      : []),
    '--cookie',
    session.cookie,
    // The server's own Set-Cookie never replaces the session under test.
    '--drop-set-cookie',
    '-H',
    `X-CSRF-Token: ${session.csrfToken}`,
    // At level 3 sqlmap also injects into the session cookie, the User-Agent and the Referer.
    // The server reads neither header, and a tampered cookie answers 401, at which sqlmap gives
    // up on a target: the first target tests all three (401 expected there), the others only
    // their own parameters.
    ...(target.testsHeaders
      ? ['--ignore-code=401']
      : ['--skip=casework_session,User-Agent,Referer']),
    '--batch',
    `--level=${LEVEL}`,
    `--risk=${RISK}`,
    '--flush-session',
    `--output-dir=${outputDir}`,
    '--disable-coloring',
    // A JSON API answers hostile input with 400 (schema validation); that is not a WAF.
    '--skip-waf',
    '--timeout=15',
    '--retries=1',
  ];
  log(`sqlmap ${target.name} as ${target.who.role} (level ${LEVEL}, risk ${RISK}) …`);
  traffic.start();
  const { code, output } = await runTool('sqlmap', args, path.join(reports, `sqlmap-${slug}.log`));
  const seen = traffic.stop();
  const parsed = readSqlmapOutput(target.name, output);
  // sqlmap also writes every injection point it identified to <output dir>/<host>/log.
  const stored = path.join(outputDir, '127.0.0.1', 'log');
  if (fs.existsSync(stored) && fs.readFileSync(stored, 'utf8').trim()) {
    parsed.findings.push({
      scanner: 'sqlmap',
      target: target.name,
      what: `sqlmap stored injection points in ${stored}`,
    });
  }
  const problems = [...parsed.problems];
  if (code !== 0 && !parsed.findings.length) problems.push(`sqlmap exited with ${code}`);
  const still = await fetch(`${base}/api/auth/me`, { headers: { cookie: session.cookie } });
  if (still.status !== 200)
    problems.push(`the scanner's session ended during the run (${still.status})`);
  const result: TargetResult = {
    scanner: 'sqlmap',
    name: target.name,
    seconds: Math.round(Number(process.hrtime.bigint() - since) / 1e9),
    requests: seen.summary,
    findings: [
      ...parsed.findings,
      ...seen.serverErrors.map((what) => ({
        scanner: 'server' as const,
        target: target.name,
        what: `5xx: ${what}`,
      })),
    ],
    problems,
    tried: `${parsed.payloadTests} payload tests on ${parsed.testedParameters.join(', ') || 'no parameter'}`,
  };
  log(
    `sqlmap ${target.name}: ${result.findings.length} finding(s), ${result.seconds} s, ${seen.summary}`,
  );
  return result;
}

async function runWapiti(
  base: string,
  who: Account,
  paths: string[],
  seconds: number,
  traffic: Traffic,
): Promise<TargetResult> {
  const since = process.hrtime.bigint();
  const session = await signIn(base, who);
  const name = `UI and API as ${who.role}`;
  const reportFile = path.join(reports, `wapiti-${who.role}.json`);
  const args = [
    '-u',
    `${base}/`,
    '--scope',
    'folder',
    ...paths.flatMap((p) => ['-s', `${base}${p}`]),
    '-m',
    WAPITI_MODULES,
    '-H',
    `Cookie: ${session.cookie}`,
    '-H',
    `X-CSRF-Token: ${session.csrfToken}`,
    '-d',
    '3',
    '--max-links-per-page',
    '50',
    '--max-files-per-dir',
    '50',
    '--max-scan-time',
    String(seconds),
    '--max-attack-time',
    String(seconds),
    '-t',
    '10',
    '--flush-session',
    '--store-session',
    path.join(scratch, 'wapiti-session'),
    '--store-config',
    path.join(scratch, 'wapiti-config'),
    '--no-bugreport',
    '-v',
    '1',
    '-f',
    'json',
    '-o',
    reportFile,
  ];
  log(
    `wapiti ${name}: ${paths.length} API start URLs, crawl and each module at most ${seconds} s …`,
  );
  traffic.start();
  const { code, output } = await runTool(
    'wapiti',
    args,
    path.join(reports, `wapiti-${who.role}.log`),
  );
  // Modules the time limits stopped before they had attacked everything.
  const stopped = [
    ...output.matchAll(/Max attack time was reached for module (\w+)/g),
    ...output.matchAll(/Max scan time was reached/g),
  ].map((match) => match[1] ?? 'the whole scan');
  const seen = traffic.stop();
  const problems: string[] = [];
  let findings: Finding[] = [];
  let reported: string[] = [];
  let accepted: { entry: string; reason: string }[] = [];
  if (!fs.existsSync(reportFile)) {
    problems.push(`wapiti wrote no report (exit ${code})`);
  } else {
    const parsed = readWapitiReport(
      name,
      JSON.parse(fs.readFileSync(reportFile, 'utf8')) as WapitiReport,
    );
    ({ findings, reported, accepted } = parsed);
  }
  const still = await fetch(`${base}/api/auth/me`, { headers: { cookie: session.cookie } });
  if (still.status !== 200)
    problems.push(`the scanner's session ended during the run (${still.status})`);
  for (const entry of accepted)
    log(`wapiti accepted (documented): ${entry.entry}: ${entry.reason}`);
  for (const entry of reported) log(`wapiti reported: ${entry}`);
  const result: TargetResult = {
    scanner: 'wapiti',
    name,
    seconds: Math.round(Number(process.hrtime.bigint() - since) / 1e9),
    requests: seen.summary,
    findings: [
      ...findings,
      ...seen.serverErrors.map((what) => ({
        scanner: 'server' as const,
        target: name,
        what: `5xx: ${what}`,
      })),
    ],
    problems,
    tried: `modules ${WAPITI_MODULES} on / and ${paths.length} GET routes (${paths.map((p) => p.split('?')[0]).join(' ')}); ${accepted.length} accepted result(s)${stopped.length ? `; stopped by the time limit: ${stopped.join(', ')}` : ''}`,
  };
  log(`wapiti ${name}: ${result.findings.length} finding(s), ${result.seconds} s, ${seen.summary}`);
  return result;
}

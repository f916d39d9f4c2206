/**
 * What `npm run security:scan` counts as a finding, read from sqlmap's console output and
 * wapiti's JSON report. Pure functions, so that tests/unit can prove that a vulnerable run is
 * never read as a clean one.
 */

export interface Finding {
  scanner: 'sqlmap' | 'wapiti' | 'server';
  target: string;
  what: string;
}

export interface SqlmapResult {
  findings: Finding[];
  /** Parameters sqlmap reports as tested and not injectable (e.g. "GET parameter 'q'"). */
  testedParameters: string[];
  /** Payload tests sqlmap announced ("testing '…'"). */
  payloadTests: number;
  /** Why the run cannot be trusted (connection lost, no parameter tested); empty when fine. */
  problems: string[];
}

// sqlmap 1.7 wording. Positive results only: "does not appear"/"do not appear" never match.
const SQLMAP_POSITIVE: readonly RegExp[] = [
  /identified the following injection point/i,
  /\bparameter '[^']+' (?:is vulnerable|appears to be '.*' injectable)/i,
  /\bparameter '[^']+' is '.*' injectable/i,
  /heuristic \(basic\) test shows that .* might be injectable/i,
  /heuristic \(XSS\) test shows that .* might be vulnerable/i,
  /heuristic \(FI\) test shows that .* might be vulnerable/i,
  /sqlmap resumed the following injection point/i,
  /the back-end DBMS is /i,
];

// The run did not do its job: nothing it says about injection can be trusted.
const SQLMAP_BROKEN: readonly RegExp[] = [
  /\[CRITICAL\] (?!all tested parameters do not appear to be injectable)(.*)/,
];

/** sqlmap's console output (stdout and stderr) of one run against one target. */
export function readSqlmapOutput(target: string, output: string): SqlmapResult {
  const lines = output.split(/\r?\n/);
  const findings: Finding[] = [];
  const problems: string[] = [];
  const tested = new Set<string>();
  let payloadTests = 0;
  for (const line of lines) {
    if (/\[INFO\] testing '/.test(line)) payloadTests += 1;
    const negative = /\[WARNING\] (.*parameter '[^']+') does not seem to be injectable/i.exec(line);
    if (negative) tested.add(negative[1]!.replace(/^\(custom\) /, ''));
    if (SQLMAP_POSITIVE.some((pattern) => pattern.test(line))) {
      findings.push({ scanner: 'sqlmap', target, what: line.replace(/^\[[\d:]+\] /, '').trim() });
    }
    for (const pattern of SQLMAP_BROKEN) {
      const match = pattern.exec(line);
      if (match) problems.push(match[0]);
    }
  }
  if (payloadTests === 0) problems.push('sqlmap ran no payload test');
  if (!/all tested parameters do not appear to be injectable/i.test(output) && !findings.length) {
    problems.push('sqlmap did not finish with its "not injectable" verdict');
  }
  return { findings, testedParameters: [...tested], payloadTests, problems };
}

/** One entry of wapiti's JSON report (`vulnerabilities`, `anomalies`, `additionals`). */
export interface WapitiEntry {
  method?: string;
  path?: string;
  info?: string;
  level?: number;
  parameter?: string;
  http_request?: string;
}

export interface WapitiReport {
  vulnerabilities?: Record<string, WapitiEntry[]>;
  anomalies?: Record<string, WapitiEntry[]>;
  additionals?: Record<string, WapitiEntry[]>;
  infos?: Record<string, unknown>;
}

/**
 * A wapiti result that is not a finding, and why. Each names the exact category and text, so
 * that a different result in the same category still fails the scan.
 */
export interface AcceptedResult {
  category: string;
  info: string;
  reason: string;
}

export const ACCEPTED_WAPITI_RESULTS: readonly AcceptedResult[] = [
  {
    category: 'HTTP Secure Headers',
    info: 'X-XSS-Protection is not set',
    reason:
      'the server sends "X-XSS-Protection: 0" on purpose (helmet default, OWASP Secure Headers ' +
      'Project): the legacy browser XSS auditor that "1" turns on is itself exploitable and gone ' +
      'from current browsers; the Content-Security-Policy is the protection',
  },
];

export interface WapitiResult {
  findings: Finding[];
  accepted: { entry: string; reason: string }[];
  /** Everything reported, category by category, for the summary. */
  reported: string[];
}

/**
 * Every vulnerability is a finding unless accepted above; of the anomalies, "Internal Server
 * Error" is one (a 5xx under hostile input is a bug, and may leak), and so is "Resource
 * consumption" (a request that timed out: a blind time-based injection or a denial of service
 * until shown otherwise). `additionals` are informational (fingerprints) and only listed.
 */
export function readWapitiReport(target: string, report: WapitiReport): WapitiResult {
  const findings: Finding[] = [];
  const accepted: WapitiResult['accepted'] = [];
  const reported: string[] = [];
  const describe = (category: string, entry: WapitiEntry) =>
    `${category}: ${entry.info ?? ''} (${entry.method ?? '?'} ${entry.path ?? '?'}${entry.parameter ? `, parameter ${entry.parameter}` : ''})`;
  for (const group of ['vulnerabilities', 'anomalies'] as const) {
    for (const [category, entries] of Object.entries(report[group] ?? {})) {
      for (const entry of entries ?? []) {
        const text = describe(category, entry);
        reported.push(`${group}: ${text}`);
        const acceptance = ACCEPTED_WAPITI_RESULTS.find(
          (a) => a.category === category && a.info === entry.info,
        );
        if (acceptance && group === 'vulnerabilities') {
          accepted.push({ entry: text, reason: acceptance.reason });
        } else {
          findings.push({ scanner: 'wapiti', target, what: text });
        }
      }
    }
  }
  for (const [category, entries] of Object.entries(report.additionals ?? {})) {
    for (const entry of entries ?? []) reported.push(`additionals: ${describe(category, entry)}`);
  }
  return { findings, accepted, reported };
}

import { describe, expect, it } from 'vitest';
import { readSqlmapOutput, readWapitiReport } from '../../../scripts/security-scan/findings.ts';
import { sampleUrl, startUrls } from '../../../scripts/security-scan/targets.ts';

// Lines as Debian's sqlmap 1.7.2 prints them (taken from real runs against casework).
const CLEAN_RUN = `
[22:56:54] [INFO] testing if (custom) POST parameter 'JSON q' is dynamic
[22:56:54] [WARNING] heuristic (basic) test shows that (custom) POST parameter 'JSON q' might not be injectable
[22:56:54] [INFO] testing 'AND boolean-based blind - WHERE or HAVING clause'
[22:56:54] [INFO] testing 'PostgreSQL > 8.1 AND time-based blind'
[22:56:55] [WARNING] (custom) POST parameter 'JSON q' does not seem to be injectable
[22:56:55] [INFO] testing 'Generic UNION query (NULL) - 1 to 10 columns'
[22:56:55] [WARNING] GET parameter 'limit' does not seem to be injectable
[22:57:00] [CRITICAL] all tested parameters do not appear to be injectable. Try to increase values for '--level'/'--risk' options if you wish to perform more tests
`;

const VULNERABLE_RUN = `
[10:00:01] [INFO] testing 'AND boolean-based blind - WHERE or HAVING clause'
[10:00:01] [INFO] heuristic (basic) test shows that GET parameter 'status' might be injectable (possible DBMS: 'PostgreSQL')
[10:00:02] [INFO] GET parameter 'status' appears to be 'AND boolean-based blind - WHERE or HAVING clause' injectable
[10:00:05] [INFO] GET parameter 'status' is 'PostgreSQL AND error-based - WHERE or HAVING clause' injectable
GET parameter 'status' is vulnerable. Do you want to keep testing the others (if any)? [y/N] N
sqlmap identified the following injection point(s) with a total of 46 HTTP(s) requests:
`;

describe('reading sqlmap output', () => {
  it('reads a clean run as clean, with the parameters it tested', () => {
    const result = readSqlmapOutput('search', CLEAN_RUN);
    expect(result.findings).toEqual([]);
    expect(result.problems).toEqual([]);
    expect(result.payloadTests).toBe(3);
    expect(result.testedParameters).toEqual(["POST parameter 'JSON q'", "GET parameter 'limit'"]);
  });

  it('reports every line of an injectable parameter as a finding', () => {
    const result = readSqlmapOutput('list', VULNERABLE_RUN);
    expect(result.findings.map((f) => f.what)).toEqual([
      expect.stringContaining(
        "heuristic (basic) test shows that GET parameter 'status' might be injectable",
      ),
      expect.stringContaining("appears to be 'AND boolean-based blind"),
      expect.stringContaining("is 'PostgreSQL AND error-based"),
      expect.stringContaining("GET parameter 'status' is vulnerable"),
      expect.stringContaining('identified the following injection point'),
    ]);
    expect(result.findings.every((f) => f.scanner === 'sqlmap' && f.target === 'list')).toBe(true);
  });

  it('does not read a run that broke off or tested nothing as clean', () => {
    const broken = readSqlmapOutput(
      'id',
      "[10:00:00] [CRITICAL] unable to connect to the target URL ('Connection refused')\n",
    );
    expect(broken.findings).toEqual([]);
    expect(broken.problems).toEqual([
      "[CRITICAL] unable to connect to the target URL ('Connection refused')",
      'sqlmap ran no payload test',
      'sqlmap did not finish with its "not injectable" verdict',
    ]);
    const waf = readSqlmapOutput(
      'id',
      `[10:00:00] [CRITICAL] heuristics detected that the target is protected by some kind of WAF/IPS\n${CLEAN_RUN}`,
    );
    expect(waf.problems).toHaveLength(1);
  });
});

describe('reading the wapiti report', () => {
  const entry = (info: string, path = '/api/cases') => ({
    method: 'GET',
    path,
    info,
    level: 1,
    parameter: 'q',
  });

  it('counts every vulnerability and the 5xx and timeout anomalies as findings', () => {
    const result = readWapitiReport('as counsellor', {
      vulnerabilities: {
        'SQL Injection': [
          entry('SQL Injection (DBMS: PostgreSQL) via injection in the parameter q'),
        ],
        'Cross Site Scripting': [],
      },
      anomalies: {
        'Internal Server Error': [entry('The server responded with a 500 HTTP error code')],
        'Resource consumption': [entry('The request timed out')],
      },
      additionals: { Fingerprint: [entry('nginx')] },
    });
    expect(result.findings.map((f) => f.what)).toEqual([
      'SQL Injection: SQL Injection (DBMS: PostgreSQL) via injection in the parameter q (GET /api/cases, parameter q)',
      'Internal Server Error: The server responded with a 500 HTTP error code (GET /api/cases, parameter q)',
      'Resource consumption: The request timed out (GET /api/cases, parameter q)',
    ]);
    expect(result.reported).toHaveLength(4);
    expect(result.accepted).toEqual([]);
  });

  it('accepts only the documented X-XSS-Protection result, not others of its category', () => {
    const result = readWapitiReport('as counsellor', {
      vulnerabilities: {
        'HTTP Secure Headers': [
          entry('X-XSS-Protection is not set', '/'),
          entry('Strict-Transport-Security is not set', '/'),
        ],
      },
    });
    expect(result.accepted.map((a) => a.entry)).toEqual([
      expect.stringContaining('X-XSS-Protection is not set'),
    ]);
    expect(result.findings.map((f) => f.what)).toEqual([
      expect.stringContaining('Strict-Transport-Security is not set'),
    ]);
  });
});

describe('scanner start URLs', () => {
  const openApi = {
    paths: {
      '/api/cases': {
        get: {
          parameters: [
            { name: 'q', in: 'query', schema: { type: 'string', pattern: '^[^\\u0000]*$' } },
            {
              name: 'status',
              in: 'query',
              schema: { anyOf: [{ const: 'open' }, { const: 'closed' }] },
            },
            { name: 'counsellorId', in: 'query', schema: { type: 'string', format: 'uuid' } },
            { name: 'from', in: 'query', schema: { type: 'string', format: 'date' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, default: 50 } },
          ],
        },
      },
      '/api/cases/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true }] } },
      '/api/audit': {
        get: {
          parameters: [
            {
              name: 'caseNumber',
              in: 'query',
              required: true,
              schema: { type: 'string', pattern: '^(BU|CB)-[0-9]{4}-[0-9]{4,6}$' },
            },
          ],
        },
      },
    },
  };
  const context = {
    idsBySegment: { cases: 'c0ffee00-0000-4000-8000-000000000001' },
    byName: { counsellorId: 'c0ffee00-0000-4000-8000-000000000002' },
    now: new Date('2026-11-23T12:00:00Z'),
  };

  it('fills path ids of the role and every query parameter with a valid value', () => {
    expect(sampleUrl('/api/cases', openApi, context)).toBe(
      '/api/cases?q=Falke&status=open&counsellorId=c0ffee00-0000-4000-8000-000000000002&from=2025-11-23&limit=50',
    );
    expect(sampleUrl('/api/cases/:id', openApi, context)).toBe(
      '/api/cases/c0ffee00-0000-4000-8000-000000000001',
    );
  });

  it('leaves out routes it cannot fill rather than scan them with invalid values', () => {
    expect(sampleUrl('/api/appointments/:id', openApi, context)).toBeUndefined();
    expect(sampleUrl('/api/audit', openApi, context)).toBeUndefined();
  });

  it("lists only the role's GET routes", () => {
    const routes = [
      {
        method: 'GET',
        url: '/api/cases',
        access: ['counsellor'] as const,
        audit: 'event' as const,
        hasParams: false,
      },
      {
        method: 'POST',
        url: '/api/cases',
        access: ['counsellor'] as const,
        audit: 'event' as const,
        hasParams: false,
      },
      {
        method: 'GET',
        url: '/api/audit',
        access: ['auditor'] as const,
        audit: 'event' as const,
        hasParams: false,
      },
      {
        method: 'GET',
        url: '/api/health',
        access: 'public' as const,
        audit: 'none' as const,
        hasParams: false,
      },
    ];
    expect(
      startUrls(routes, openApi, 'auditor', { ...context, byName: { caseNumber: 'BU-2026-0001' } }),
    ).toEqual(['/api/audit?caseNumber=BU-2026-0001', '/api/health']);
    expect(startUrls(routes, openApi, 'counsellor', context).map((u) => u.split('?')[0])).toEqual([
      '/api/cases',
      '/api/health',
    ]);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../server/config/load-config.ts';
import { startRetentionSweep } from '../../server/services/lifecycle/retention-sweep.ts';
import {
  monthsBefore,
  yearsBefore,
  type RetentionService,
} from '../../server/services/lifecycle/retention.service.ts';
import { testClock, HOUR } from '../support/test-clock.ts';

// The sweep's scheduling, with fake timers and a stand-in retention service (the sweep itself
// is tested against the database in lifecycle-retention.test.ts).

const quietLog = { info: () => {}, error: () => {} };

function fakeRetention(lastSweepAt: Date | null) {
  const runs: { dryRun: boolean; actor: unknown }[] = [];
  const retention = {
    lastSweepAt: async () => lastSweepAt,
    run: async (context: { actor: unknown }, options: { dryRun: boolean }) => {
      runs.push({ dryRun: options.dryRun, actor: context.actor });
      return { due: [], erased: [], held: [], skipped: [], erasedAppointments: 0, dryRun: false };
    },
  } as unknown as RetentionService;
  return { retention, runs };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the retention sweep inside the server', () => {
  it('on a fresh installation waits one interval, then sweeps every interval, as no one', async () => {
    const clock = testClock();
    const { retention, runs } = fakeRetention(null);
    const sweep = startRetentionSweep({ retention, clock, intervalHours: 24, log: quietLog });
    await vi.advanceTimersByTimeAsync(24 * HOUR - 1_000);
    expect(runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toEqual([{ dryRun: false, actor: null }]);
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(runs).toHaveLength(2);
    await sweep.stop();
  });

  it('after a restart continues from the last sweep the access log records (by the injected clock)', async () => {
    const clock = testClock(new Date('2026-11-23T09:00:00Z'));
    const { retention, runs } = fakeRetention(new Date('2026-11-22T11:00:00Z'));
    const sweep = startRetentionSweep({ retention, clock, intervalHours: 24, log: quietLog });
    await vi.advanceTimersByTimeAsync(2 * HOUR - 1_000);
    expect(runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toHaveLength(1);
    await sweep.stop();
  });

  it('runs an overdue sweep a minute after start, not at once', async () => {
    const clock = testClock(new Date('2026-11-23T09:00:00Z'));
    const { retention, runs } = fakeRetention(new Date('2026-11-01T00:00:00Z'));
    const sweep = startRetentionSweep({ retention, clock, intervalHours: 24, log: quietLog });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toHaveLength(1);
    await sweep.stop();
  });

  it('stops when the server closes', async () => {
    const { retention, runs } = fakeRetention(null);
    const sweep = startRetentionSweep({
      retention,
      clock: testClock(),
      intervalHours: 1,
      log: quietLog,
    });
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(runs).toHaveLength(1);
    await sweep.stop();
    await vi.advanceTimersByTimeAsync(10 * HOUR);
    expect(runs).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is off with an interval of 0 hours', async () => {
    const { retention, runs } = fakeRetention(null);
    const sweep = startRetentionSweep({
      retention,
      clock: testClock(),
      intervalHours: 0,
      log: quietLog,
    });
    await vi.advanceTimersByTimeAsync(1_000 * HOUR);
    expect(runs).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
    await sweep.stop();
  });

  it('keeps sweeping after a failed sweep, and logs the failure', async () => {
    const errors: string[] = [];
    let calls = 0;
    const retention = {
      lastSweepAt: async () => null,
      run: async () => {
        calls += 1;
        throw new Error('database unavailable');
      },
    } as unknown as RetentionService;
    const sweep = startRetentionSweep({
      retention,
      clock: testClock(),
      intervalHours: 1,
      log: { info: () => {}, error: (_fields, message) => errors.push(message) },
    });
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    expect(calls).toBe(2);
    expect(errors).toEqual(['retention sweep failed', 'retention sweep failed']);
    await sweep.stop();
  });
});

describe('retention configuration', () => {
  const KEY = { CASEWORK_MASTER_KEY: Buffer.alloc(32, 1).toString('base64') };

  it('defaults to 3 years for BackUp, 5 for ComeBack, 12 months for appointments, a daily sweep', () => {
    expect(loadConfig(KEY).retention).toEqual({
      closedCaseYears: { backup: 3, comeback: 5 },
      appointmentMonths: 12,
      unlinkedIncidentMonths: 36,
      sweepHours: 24,
    });
  });

  it('takes CASEWORK_RETENTION_* from the environment', () => {
    const config = loadConfig({
      ...KEY,
      CASEWORK_RETENTION_BACKUP_CLOSED_CASE_YEARS: '2',
      CASEWORK_RETENTION_COMEBACK_CLOSED_CASE_YEARS: '10',
      CASEWORK_RETENTION_APPOINTMENT_MONTHS: '6',
      CASEWORK_RETENTION_SWEEP_HOURS: '0',
    });
    expect(config.retention).toEqual({
      closedCaseYears: { backup: 2, comeback: 10 },
      appointmentMonths: 6,
      unlinkedIncidentMonths: 36,
      sweepHours: 0,
    });
  });

  it('refuses a retention period of zero years with one line naming the setting', () => {
    expect(() => loadConfig({ ...KEY, CASEWORK_RETENTION_BACKUP_CLOSED_CASE_YEARS: '0' })).toThrow(
      /^CASEWORK_RETENTION_BACKUP_CLOSED_CASE_YEARS=0 is invalid/,
    );
  });
});

describe('retention cut-off days', () => {
  it('counts whole years back from the Berlin day, 29 February becoming 28 February', () => {
    expect(yearsBefore('2026-11-23', 3)).toBe('2023-11-23');
    expect(yearsBefore('2028-02-29', 3)).toBe('2025-02-28');
    expect(yearsBefore('2028-02-29', 4)).toBe('2024-02-28');
  });

  it('counts months back from an instant', () => {
    expect(monthsBefore(new Date('2026-11-23T09:00:00Z'), 12).toISOString()).toBe(
      '2025-11-23T09:00:00.000Z',
    );
  });
});

import type { Clock } from '../../server/clock.ts';

export interface TestClock extends Clock {
  advance(ms: number): void;
  set(at: Date): void;
}

/** A clock tests move by hand (session timeouts, lockouts, TOTP windows). */
export function testClock(start = new Date('2026-11-23T09:00:00Z')): TestClock {
  let now = start.getTime();
  const clock: TestClock = {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
    set: (at) => {
      now = at.getTime();
    },
  };
  return clock;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

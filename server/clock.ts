/** Time behind an interface, so tests can move it (session timeouts, lockouts, TOTP). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** How long before the server's idle timeout the warning appears. */
export const WARNING_SECONDS = 60;

/**
 * User activity sends a keep-alive at most this often. The server restarts its idle clock on
 * every request, so a counsellor typing a long note is not signed out for "inactivity".
 */
export const KEEPALIVE_INTERVAL_MS = 60_000;

/** Whole seconds left until the server ends a session last used at `lastContactAt`. */
export function secondsUntilExpiry(
  now: number,
  lastContactAt: number,
  idleTimeoutSeconds: number,
): number {
  return Math.max(0, Math.ceil((lastContactAt + idleTimeoutSeconds * 1000 - now) / 1000));
}

/**
 * The one-time token of a link (first-admin setup, account activation). It travels in the URL
 * fragment, which browsers never send to a server, and leaves the address bar at once, so that
 * no history entry, bookmark or screen share keeps it. (The plain History API on purpose:
 * SvelteKit's replaceState would file the old URL, token included, in the history entry's
 * state.)
 */
export function takeTokenFromAddressBar(): string | null {
  const value = new URLSearchParams(location.hash.slice(1)).get('token');
  if (location.hash) {
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  // Shorter than any token the server issues: a link cut off in copying.
  return value && value.length >= 16 ? value : null;
}

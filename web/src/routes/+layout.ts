import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { redirectTarget } from '$lib/route-guard';
import { session } from '$lib/session.svelte';
import type { LayoutLoad } from './$types';

// A single-page app: the server hands out one index.html and all data comes from /api.
export const ssr = false;
export const prerender = false;

// Reading `url` makes this run on every navigation, so each page is guarded, not only the first.
export const load: LayoutLoad = async ({ url }) => {
  await session.ensureLoaded();
  const target = redirectTarget(url.pathname, { user: session.user, status: session.status });
  if (target !== null) redirect(307, resolve(target));
};

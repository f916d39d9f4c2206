import adapter from '@sveltejs/adapter-static';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  compilerOptions: {
    runes: true,
  },
  kit: {
    // A single-page app: the server serves build/index.html for every non-API path.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html' }),
    alias: {
      // TypeBox schemas written by the server; the web imports their types only (`import type`),
      // and values only from plain modules without imports (text-limits.ts).
      $schemas: '../server/schemas',
      // The enum values Prisma generates from prisma/schema.prisma: constants only, no imports.
      $enums: '../server/generated/prisma/enums.ts',
    },
    // The hash of SvelteKit's start script lands in a CSP meta tag; the server reads it from
    // build/index.html and repeats it in its CSP header (plus frame-ancestors, which a meta
    // tag cannot carry).
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self'],
        // The one inline style attribute in the app: SvelteKit's own route announcer
        // (`position: absolute; … height: 1px`, in @sveltejs/kit/src/core/sync/write_root.js).
        // Allowing exactly that value keeps the console free of CSP violations and allows no
        // other inline style. If SvelteKit changes the string, the e2e console check says so.
        'style-src-attr': ['unsafe-hashes', 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='],
        'img-src': ['self', 'data:'],
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['none'],
        'form-action': ['self'],
      },
    },
  },
};

export default config;

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Three tiers (see README): unit tests need nothing, integration tests a real PostgreSQL
// (started once per run by the global setup), e2e tests the built web app and Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
        // Web modules read the server's shared lists through the alias SvelteKit gives them.
        resolve: { alias: { $schemas: fileURLToPath(new URL('server/schemas', import.meta.url)) } },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/support/database.global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/support/database.global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

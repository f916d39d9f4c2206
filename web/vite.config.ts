import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// Only the dev server needs to know where the API runs; the built app talks to its own origin.
const apiUrl = process.env.CASEWORK_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    proxy: {
      '/api': apiUrl,
    },
  },
});

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console builds to static files (console/dist): `npm start` serves them at `/` next to the
 * API, and on AWS CloudFront serves them from S3 with the API under `/v1` on the same origin.
 * No inline script or style ends up in index.html, so the strict CSP needs no exceptions.
 */
export default defineConfig({
  root: import.meta.dirname,
  mode: 'production',
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: { port: 5173 },
});

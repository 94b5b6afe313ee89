/**
 * The web screens' build: a single-page app served by the API from web/dist (api/web.ts). `npm start`
 * and `npm test` build it when it is missing or stale (scripts/build-web.ts); `npm run web:dev` serves
 * it with hot reload on :5173, the API proxied from :3000.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const API = process.env.YJS_API_URL ?? 'http://127.0.0.1:3000';
/** Paths the API answers; the dev server proxies them (the screens use their own paths, never these). */
const API_PATHS = ['/health', '/openapi.json', '/docs', '/definitions', '/cases', '/departments', '/supervision/', '/statistics', '/seals', '/admin', '/problems', '/lifecycle'];

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The studio's chunk (CodeMirror, elkjs) is large and loaded only when opened.
    chunkSizeWarningLimit: 3000,
    // Quiet in `npm start` and `npm test`: no per-plugin timing report.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(API_PATHS.map((path) => [path, { target: API, changeOrigin: false }])),
  },
});

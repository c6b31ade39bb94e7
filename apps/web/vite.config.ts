import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';
import { initialLoadBudget } from './scripts/initial-load-budget.ts';

// Dev: the Fastify server runs on :3000; the proxy keeps the app same-origin so the
// HttpOnly session cookie and the Origin check work as in production.
export default defineConfig({
  plugins: [
    react(),
    // Precompressed next to each file (x.js.br, x.js.gz); the server sends the one the browser
    // accepts (@fastify/static preCompressed), so nothing is compressed per request.
    compression({ algorithms: ['brotliCompress', 'gzip'], exclude: [/\.map$/], threshold: 1024 }),
    initialLoadBudget(),
  ],
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/ws': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
  // Maps are written for whoever debugs a production build, but not linked from the code, and
  // the server does not serve them (plugins/web-app.ts).
  build: { outDir: 'dist', sourcemap: 'hidden' },
});

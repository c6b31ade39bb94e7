import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Dev: the Fastify server runs on :3000; the proxy keeps the app same-origin so the
// HttpOnly session cookie and the Origin check work as in production.
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/ws': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
  build: { outDir: 'dist', sourcemap: true },
});

import { defineConfig } from 'vitest/config';

// Unit tests of pure modules need no DOM; component tests (*.test.tsx) ask for jsdom per file.
// scripts/ holds checks over the source and the build (catalogs, bundle size), run in Node.
export default defineConfig({
  test: { include: ['src/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'], environment: 'node' },
});

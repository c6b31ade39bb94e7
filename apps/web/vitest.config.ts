import { defineConfig } from 'vitest/config';

// Unit tests of pure modules need no DOM; component tests (*.test.tsx) ask for jsdom per file.
export default defineConfig({
  test: { include: ['src/**/*.test.{ts,tsx}'], environment: 'node' },
});

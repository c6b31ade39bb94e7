import { defineConfig } from 'vitest/config';

// Unit tests cover pure modules (merge, backoff, cache updates); they need no DOM.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});

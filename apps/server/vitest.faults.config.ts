import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `pnpm test:faults`: the slow fault and capacity runs, kept out of the everyday `pnpm test`.
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/faults/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    fileParallelism: false,
  },
});

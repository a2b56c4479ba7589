import { defineConfig } from 'vitest/config';

// The headless-Chromium tests of the browser demo (`npx -y pnpm@10 --filter browser-demo test`). They build pages
// with Vite and drive the system Chromium, so they run one file at a time, apart from the root suite.
export default defineConfig({
  test: {
    include: ['browser/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});

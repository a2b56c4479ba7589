import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@edl/source'] },
  ssr: { resolve: { conditions: ['@edl/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/scripts/**/*.test.ts', 'examples/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    restoreMocks: true,
  },
});

import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@edl/source'] },
  ssr: { resolve: { conditions: ['@edl/source'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/scripts/**/*.test.ts',
      'examples/**/*.test.ts',
      'scripts/**/*.test.mjs',
    ],
    // The headless-Chromium tests of examples/browser-demo build pages and drive a browser: they run on their own
    // (`npx -y pnpm@10 --filter browser-demo test`, .ci/steps/browser.sh).
    exclude: [...configDefaults.exclude, 'examples/browser-demo/**'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    restoreMocks: true,
  },
});

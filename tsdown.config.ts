import { defineConfig, type UserConfig } from 'tsdown';

/** Shared build settings: ESM + type declarations, tfjs and @edl/* left external. */
export const baseConfig: UserConfig = {
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  platform: 'neutral',
  external: [/^@tensorflow\//, /^@edl\//, /^node:/],
};

export default defineConfig(baseConfig);

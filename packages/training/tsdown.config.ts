import { defineConfig } from 'tsdown';
import { baseConfig } from '../../tsdown.config.ts';

// Two entries: the library (index) and the `edl` CLI (bin: dist/cli.mjs).
export default defineConfig({ ...baseConfig, entry: { index: 'src/index.ts', cli: 'src/cli/bin.ts' } });

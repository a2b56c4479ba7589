import { defineConfig } from 'tsdown';
import { baseConfig } from '../../tsdown.config.ts';

// Two entries: the library (index) and the `edl` CLI (bin/edl.js imports dist/cli.js).
export default defineConfig({ ...baseConfig, entry: { index: 'src/index.ts', cli: 'src/cli/bin.ts' } });

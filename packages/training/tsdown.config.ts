import { defineConfig } from 'tsdown';
import { baseConfig } from '../../tsdown.config.ts';

// Three entries: the browser-safe library (index), its Node-only `./node` subpath, and the `edl` CLI (bin/edl.js
// imports dist/cli.js).
export default defineConfig({
  ...baseConfig,
  entry: { index: 'src/index.ts', node: 'src/node.ts', cli: 'src/cli/bin.ts' },
});

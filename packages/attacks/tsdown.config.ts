import { defineConfig } from 'tsdown';
import { baseConfig } from '../../tsdown.config.ts';

// Two entries: the browser-safe main entry and the Node-only `@edl/attacks/node` (file output, terminal progress).
export default defineConfig({ ...baseConfig, entry: { index: 'src/index.ts', node: 'src/node/index.ts' } });

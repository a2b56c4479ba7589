import { defineConfig } from 'tsdown';
import { baseConfig } from '../../tsdown.config.ts';

// Two entries: the browser-safe main entry and the Node-only `./node` subpath.
export default defineConfig({ ...baseConfig, entry: { index: 'src/index.ts', node: 'src/node.ts' } });

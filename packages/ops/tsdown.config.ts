import { defineConfig } from 'tsdown';
import { baseConfig } from '../../tsdown.config.ts';

// Two entries: dist/index.js (browsers and bundles, the `default` export condition) and dist/index.node.js (`node`).
export default defineConfig({ ...baseConfig, entry: ['src/index.ts', 'src/index.node.ts'] });

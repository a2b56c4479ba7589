#!/usr/bin/env node
// The `edl` executable of the published package: the CLI itself is built to dist/cli.js by `pnpm build`.
import '../dist/cli.js';

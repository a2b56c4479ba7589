#!/usr/bin/env node
// The `edl` executable: runs the CLI on the process arguments and exits with its code.
import { runCli } from './main.ts';

process.exit(await runCli(process.argv.slice(2)));

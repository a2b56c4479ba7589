#!/usr/bin/env bash
# Smoke benchmark: the elastic DictConv2D (T = 3) forward + backward against a plain conv2d of the same shape,
# measured in the same process, on wasm and on wasm + the native addon; fails only if the ratio is more than 3x the
# reference ratio written in scripts/bench-smoke.mjs (never on an absolute time). Needs `pnpm install` done first
# (it builds the native addon with g++). About 20 s on a 2-core machine (two processes of 6-10 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
node scripts/bench-smoke.mjs

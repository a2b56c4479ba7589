#!/usr/bin/env bash
# Packaging check: packs every public package as npm would publish it and runs publint --strict and
# attw --profile esm-only on the tarballs, plus our metadata checks (LICENSE shipped, repository, engines, peers).
# Needs `pnpm install` and `pnpm build` done first (run it after the build step of .ci/run); builds nothing itself.
# About 45 s on the 2-core CI machine (pnpm pack ~1.5 s, publint ~0.3 s, attw ~5 s per package).
set -euo pipefail
cd "$(dirname "$0")/../.."
npx -y pnpm@10 run check:packages

#!/usr/bin/env bash
# Changeset guardrail: fails when a package's src/ (non-test files) changed since the base commit without a
# .changeset/*.md added in that range that names the package. Base: $EDL_CHANGESET_BASE if set, else
# `git merge-base HEAD origin/main` when origin/main exists, else HEAD~1. Needs git history (a clone with depth >= 2,
# or origin/main fetched). Node only, no install needed; about 0.2 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
node scripts/check-changesets.mjs

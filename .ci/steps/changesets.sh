#!/usr/bin/env bash
# Changeset guardrail (scripts/check-changesets.mjs, tested by scripts/changeset-format.test.mjs):
# 1. every .changeset/*.md is well-formed: front matter of "<package>": <bump> lines, each a public workspace package
#    named once with major, minor or patch, then a non-empty summary (meaningful on any clone, also a clean main);
# 2. a package's src/ (non-test files) changed since the base commit needs a .changeset/*.md added in that range that
#    names the package. Base: $EDL_CHANGESET_BASE if set, else `git merge-base HEAD origin/main` when origin/main
#    exists, else HEAD~1 (skipped, saying so, in a single-commit clone).
# Node only, no install needed; about 0.2 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
node scripts/check-changesets.mjs

#!/usr/bin/env bash
# Opens a report in headless Debian Chromium (offline) and writes a PNG screenshot next to it.
# Usage: packages/training/scripts/screenshot-report.sh runs/quickstart/report.html [out.png]
set -euo pipefail
html="$(realpath "$1")"
png="${2:-${html%.html}.png}"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --screenshot="$png" \
  --window-size=1200,2000 "file://$html" 2>/dev/null
echo "wrote $png"

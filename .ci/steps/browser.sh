#!/usr/bin/env bash
# EDL.js in a real browser: builds the six packages, then runs the tests of examples/browser-demo: each package's
# built entry bundled by esbuild for the browser with nothing external (no warning, no Node built-in); in headless
# Chromium, a layers page (DictConv2D on wasm / webgl / webgpu against cpu, setupBackend('auto')), a page with
# @edl/layers alone (model.fit on plain tf.setBackend('wasm')), an attacks-only page (FGSM / PGD / AutoAttack on
# cpu / webgl / webgpu) and the demo page (vite build + vite preview, attacks through the UI, a screenshot); then
# scripts/measure.ts (bundle sizes, median time from page load to the first attack result over 3 loads). Chromium is
# Debian's (/usr/bin/chromium), driven by playwright-core: no browser is downloaded. Measurements and the screenshot
# go to $EDL_BROWSER_OUT (default runs/browser/). 2.5-4 min on the 2-core machine with Chromium installed (builds
# ~45 s, tests 70-150 s, measure ~40 s; more while other work shares it).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CI=true
PNPM="npx -y pnpm@10"

if [ ! -x /usr/bin/chromium ] || ! ldconfig -p | grep libvulkan.so.1 >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "browser.sh: needs /usr/bin/chromium and libvulkan1; run as root or: apt-get install -y chromium libvulkan1 fonts-liberation" >&2
    exit 1
  fi
  apt-get update -qq
  # chromium-common ships SwiftShader's Vulkan driver (WebGPU without a GPU); libvulkan1 is its loader.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libvulkan1 fonts-liberation >/dev/null
fi
/usr/bin/chromium --version

[ -d node_modules/.pnpm ] || $PNPM install --frozen-lockfile
$PNPM run build   # all six packages: the bundle test and the measurements bundle each one's dist/
export EDL_BROWSER_OUT="${EDL_BROWSER_OUT:-$PWD/runs/browser}"
# SwiftShader is installed above: the WebGPU cases must find an adapter (fail, not skip, when Chromium has none)
export EDL_TEST_WEBGPU=1
$PNPM --filter browser-demo test
$PNPM --filter browser-demo measure
echo "browser.sh: measurements in $EDL_BROWSER_OUT/results.json and measure.json, screenshot $EDL_BROWSER_OUT/demo.png"

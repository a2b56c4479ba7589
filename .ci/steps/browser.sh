#!/usr/bin/env bash
# EDL.js in a real browser: builds the packages the pages import, then runs the headless-Chromium tests of
# examples/browser-demo (a layers page: DictConv2D on wasm / webgl / webgpu against cpu and setupBackend('auto');
# an attacks-only page: FGSM / PGD / AutoAttack on cpu / webgl / webgpu; the demo page: vite build + vite preview,
# an attack through the UI, a screenshot). Chromium is Debian's (/usr/bin/chromium), driven by playwright-core: no
# browser is downloaded. Measurements (bundle sizes, time to the first attack result) and the screenshot go to
# $EDL_BROWSER_OUT (default runs/browser/).
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
$PNPM --filter browser-demo run build:deps
export EDL_BROWSER_OUT="${EDL_BROWSER_OUT:-$PWD/runs/browser}"
# SwiftShader is installed above: the WebGPU cases must find an adapter (fail, not skip, when Chromium has none)
export EDL_TEST_WEBGPU=1
$PNPM --filter browser-demo test
echo "browser.sh: measurements in $EDL_BROWSER_OUT/results.json, screenshot $EDL_BROWSER_OUT/demo.png"

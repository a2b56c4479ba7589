#!/usr/bin/env bash
# The WebGPU part of the test suite, on SwiftShader (Chromium's software Vulkan driver): no GPU needed; and the
# browser check of @edl/ops (setupBackend in a page bundled with esbuild, in headless Chromium).
# Assumes an earlier step ran `pnpm install --frozen-lockfile` (the npm packages `webgpu` and
# `@tensorflow/tfjs-backend-webgpu` are root devDependencies). Installs libvulkan1 and chromium (for
# /usr/lib/chromium/vk_swiftshader_icd.json) if they are missing. The ICD variable is set for this run only:
# with an adapter visible, other tests would see WebGPU too.
set -euo pipefail
cd "$(dirname "$0")/../.."
ICD=/usr/lib/chromium/vk_swiftshader_icd.json
if [ ! -f "$ICD" ] || ! ldconfig -p | grep libvulkan.so.1 >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends libvulkan1 chromium >/dev/null
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
# Only the webgpu blocks (the cpu / wasm blocks of the same files run in the main test step).
EDL_TEST_WEBGPU=1 EDL_TEST_BROWSER=1 VK_ICD_FILENAMES="$ICD" npx vitest run -t '\[webgpu\]|with Dawn in Node|in headless Chromium' \
  packages/ops/src/backend/setup-backend.webgpu.test.ts \
  packages/ops/src/browser-page.test.ts \
  packages/ops/src/operators/conv-backends.test.ts \
  packages/layers/src/backends.test.ts \
  packages/models/src/backends.test.ts \
  packages/attacks/src/backends.test.ts \
  packages/training/src/backends.test.ts

#!/usr/bin/env bash
# The @edl/ops WebGPU kernel tests (packages/ops/src/kernels/webgpu) on SwiftShader, a CPU implementation of Vulkan
# that Debian ships inside the chromium package, through Dawn (npm `webgpu`, a root devDependency, prebuilt).
# Assumes an earlier step ran `apt-get install -y libvulkan1 chromium` (this script checks and says so) and that
# `pnpm install` has run. The ICD variable is set for this run only: with an adapter visible, setupBackend('auto')
# would pick webgpu for the rest of the suite. Measured on the 2-core dev machine (shared, load 14-18): 34-50 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
ICD=/usr/lib/chromium/vk_swiftshader_icd.json
if [ ! -f "$ICD" ] || ! ldconfig -p | grep 'libvulkan.so.1' >/dev/null; then
  echo "webgpu-kernels: SwiftShader not found ($ICD) or libvulkan1 missing; run: apt-get install -y libvulkan1 chromium" >&2
  exit 1
fi
export VK_ICD_FILENAMES="$ICD"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/xdg-webgpu}"
mkdir -p "$XDG_RUNTIME_DIR"
# The tests skip (with a message) when no adapter is found; here that is an error, so check for one first.
node -e '
  const { create } = require("webgpu");
  create([]).requestAdapter().then((a) => {
    if (!a) { console.error("webgpu-kernels: Dawn found no adapter with VK_ICD_FILENAMES=" + process.env.VK_ICD_FILENAMES); process.exit(1); }
    console.log("webgpu-kernels: adapter", a.info.vendor, a.info.architecture);
    process.exit(0);
  });
'
EDL_TEST_WEBGPU=1 npx -y pnpm@10 exec vitest run packages/ops/src/kernels/webgpu

#!/usr/bin/env bash
# Builds the standalone kernel harness of @edl/ops (packages/ops/native/test/kernel-harness.cc: every native kernel
# against a naive reference, NaN / Inf propagation, every out-of-memory path) twice and runs it:
#   1. x86-64 (or the host), every vector width the CPU runs (baseline, AVX2, AVX-512), under
#      -fsanitize=address,undefined: any sanitizer report, leak or wrong value fails the step;
#   2. aarch64 cross-build (the baseline 128-bit SIMD path, as on ARM machines) with g++-aarch64-linux-gnu, under
#      -fsanitize=undefined, run with qemu-user-static.
# Installs g++, g++-aarch64-linux-gnu and qemu-user-static with apt-get when missing. Run from the repo root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
src=packages/ops/native
out=${EDL_SANITIZE_OUT:-$(mktemp -d)}
mkdir -p "$out"

need=()
command -v g++ >/dev/null || need+=(g++)
command -v aarch64-linux-gnu-g++ >/dev/null || need+=(g++-aarch64-linux-gnu)
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
if ((${#need[@]})); then
  t0=$SECONDS
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  echo "native-sanitize: apt-get install ${need[*]}: $((SECONDS - t0)) s"
fi

common=(-std=c++17 -O2 -g -fno-exceptions -pthread -fno-omit-frame-pointer)

# build CXX OUTDIR "FLAGS..." "ISA DEFINES": one object per source, two compilers at a time, then the link
build() {
  local cxx=$1 dir=$2 san=$3 host=$4
  mkdir -p "$dir"
  local jobs=()
  jobs+=("$src/conv-kernels.cc -DEDL_VW=4 -o $dir/k4.o")
  if [[ $host == x86 ]]; then
    jobs+=("$src/conv-kernels.cc -DEDL_VW=8 -mavx2 -mfma -o $dir/k8.o")
    jobs+=("$src/conv-kernels.cc -DEDL_VW=16 -mavx512f -mavx2 -mfma -o $dir/k16.o")
  fi
  local defs=""
  [[ $host == x86 ]] && defs="-DEDL_HAVE_VW8 -DEDL_HAVE_VW16"
  # the flags of scripts/build-native.mjs for these two
  jobs+=("$src/tensor-kernels.cc -fno-trapping-math -o $dir/tensor.o" "$src/rista-kernels.cc -fno-trapping-math -o $dir/rista.o"
    "$src/edl-alloc.cc -o $dir/alloc.o" "$src/conv-algorithm.cc -o $dir/calgo.o"
    "$src/test/kernel-harness.cc $defs -o $dir/harness.o")
  printf '%s\n' "${jobs[@]}" | xargs -P 2 -I{} sh -c "$cxx ${common[*]} $san -c {}"
  $cxx "${common[@]}" $san "$dir"/*.o -o "$dir/kernel-harness"
}

t0=$SECONDS
host=other
[[ $(uname -m) == x86_64 ]] && host=x86
build g++ "$out/native" "-fsanitize=address,undefined -fno-sanitize-recover=all" "$host"
echo "native-sanitize: built the sanitized harness in $((SECONDS - t0)) s"
t0=$SECONDS
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$out/native/kernel-harness"
echo "native-sanitize: sanitized harness ran in $((SECONDS - t0)) s"

if [[ $host == x86 ]]; then
  t0=$SECONDS
  build aarch64-linux-gnu-g++ "$out/aarch64" "-fsanitize=undefined -fno-sanitize-recover=all" aarch64
  echo "native-sanitize: cross-built the aarch64 harness in $((SECONDS - t0)) s"
  t0=$SECONDS
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 qemu-aarch64-static -L /usr/aarch64-linux-gnu \
    "$out/aarch64/kernel-harness"
  echo "native-sanitize: aarch64 harness ran under qemu in $((SECONDS - t0)) s"
fi

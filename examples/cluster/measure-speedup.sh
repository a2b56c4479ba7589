#!/bin/bash
# Wall time of sharded vs unsharded `edl eval` on one machine: 2 shards run concurrently with 1 wasm thread each
# (+ merge) against 1 run with 2 wasm threads, same workload (tiny MNIST model, PGD-20). Also checks that both give
# the same per-sample outcomes. Usage: examples/cluster/measure-speedup.sh [count] [repeats]   (from the repo root)
set -euo pipefail
count=${1:-2000}
reps=${2:-2}
W=$(mktemp -d /tmp/edl-speedup.XXXXXX)
EDL="node --conditions=@edl/source --import tsx packages/training/src/cli/bin.ts"
node --conditions=@edl/source --import tsx examples/cluster/tiny-model.ts "$W/model" >/dev/null
ARGS="--model $W/model --backend wasm --count $count --pgd-steps 20 --batch-size 50"
now() { date +%s.%N; }
for r in $(seq "$reps"); do
  t=$(now)
  # shellcheck disable=SC2086
  $EDL eval $ARGS --threads 2 --report "$W/one-$r.json" >/dev/null 2>&1
  one=$(echo "$(now) - $t" | bc)
  t=$(now)
  # shellcheck disable=SC2086
  $EDL eval $ARGS --threads 1 --shard 0/2 --report "$W/two-$r/r.json" >/dev/null 2>&1 &
  p0=$!
  # shellcheck disable=SC2086
  $EDL eval $ARGS --threads 1 --shard 1/2 --report "$W/two-$r/r.json" >/dev/null 2>&1 &
  p1=$!
  wait "$p0" "$p1"
  $EDL merge "$W/two-$r" --out "$W/two-$r/merged.json" >/dev/null 2>&1
  two=$(echo "$(now) - $t" | bc)
  node -e '
const f = (p) => JSON.parse(require("node:fs").readFileSync(p, "utf8"));
const [a, b] = [f(process.argv[1]), f(process.argv[2])];
if (JSON.stringify(a.samples) !== JSON.stringify(b.samples)) { console.error("per-sample outcomes differ"); process.exit(1); }
const s = b.samples.length, sh = [0, 1].map((i) => f(process.argv[3] + `/r.shard-${i}-of-2.json`).seconds.toFixed(1));
console.log(`run ${process.argv[4]}: 1 x 2 threads ${(+process.argv[5]).toFixed(1)} s (eval ${a.seconds.toFixed(1)} s), 2 shards x 1 thread ${(+process.argv[6]).toFixed(1)} s incl. merge (shard evals ${sh.join(" + ")} s), speed-up ${(process.argv[5] / process.argv[6]).toFixed(2)}x, ${s} samples identical`);
' "$W/one-$r.json" "$W/two-$r/merged.json" "$W/two-$r" "$r" "$one" "$two"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

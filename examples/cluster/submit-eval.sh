#!/bin/bash
# Sharded `edl eval` on Slurm: a job array of N shards plus a merge job that runs after all of them succeeded.
# Usage: examples/cluster/submit-eval.sh <model-dir> <out-dir> <shards> [edl eval flags...]
# Prints the two job ids (array, merge). Run from the folder the jobs should start in (e.g. the repository root).
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 <model-dir> <out-dir> <shards> [edl eval flags...]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
export EDL_MODEL=$1 EDL_OUT=$2
n=$3
shift 3
export EDL_EVAL_ARGS="$*"
mkdir -p "$EDL_OUT/logs"
array=$(sbatch --parsable --array="0-$((n - 1))" --output="$EDL_OUT/logs/eval-%A_%a.out" "$here/eval-array.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --output="$EDL_OUT/logs/merge-%j.out" "$here/merge.sbatch")
echo "$array ${merge%%;*}"

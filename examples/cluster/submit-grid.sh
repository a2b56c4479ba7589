#!/bin/bash
# An `edl grid` on Slurm: `edl grid plan` (validates every cell, counts them), a job array with one task per cell
# (grid-array.sbatch) and a report job that runs after all of them ended (grid-report.sbatch, afterany).
# Usage: examples/cluster/submit-grid.sh <grid.json> [sbatch options for the array tasks, e.g. --cpus-per-task=4]
# Prints the two job ids (array, report); logs go to <out>/logs. Run from the folder the jobs should start in.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 <grid.json> [sbatch options for the array tasks...]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
export EDL_GRID=$1
shift
# shellcheck disable=SC2086 # EDL is a word list
plan=$(${EDL:-npx edl} grid plan "$EDL_GRID")
cells=$(sed -n 's/^\([0-9][0-9]*\) cells -> .*/\1/p' <<<"$plan")
planfile=$(sed -n 's/^[0-9][0-9]* cells -> \(.*plan\.json\); .*/\1/p' <<<"$plan")
if [ -z "$cells" ] || [ -z "$planfile" ]; then
  echo "$0: could not read the cell count from edl grid plan:" >&2
  echo "$plan" >&2
  exit 1
fi
out=$(dirname "$planfile")
mkdir -p "$out/logs"
array=$(sbatch --parsable --array="0-$((cells - 1))" --output="$out/logs/grid-%A_%a.out" "$@" "$here/grid-array.sbatch")
array=${array%%;*}
report=$(sbatch --parsable --dependency="afterany:$array" --output="$out/logs/report-%j.out" "$here/grid-report.sbatch")
echo "$array ${report%%;*}"

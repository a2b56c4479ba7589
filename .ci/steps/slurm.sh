#!/bin/bash
# A real single-node Slurm (Debian slurm-wlm 22.05 + munge) runs
# 1. examples/cluster/submit-eval.sh: a 4-task job array of sharded `edl eval` on a tiny MNIST model (cpu backend)
#    plus the dependent merge job. Asserts the merged report equals an unsharded run's sample by sample, and that
#    each shard took its index from SLURM_ARRAY_TASK_ID;
# 2. examples/cluster/submit-grid.sh: a 2-cell `edl grid` (tiny real training + eval per cell) as a job array plus
#    the dependent `edl grid report` job; asserts each cell trained into its own folder from its array index, the
#    report gathers both, and a cell re-submitted alone (sbatch --array=1) is skipped as done.
# Job states are not trusted (a broken cgroup setup reports COMPLETED having run nothing): outputs are checked.
# Runs as root from the repository root after `pnpm install`; daemons are stopped by PID on exit, also on failure.
set -euo pipefail
t0=$(date +%s)
ROOT=$(pwd)
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
fi
D=$(mktemp -d /tmp/edl-slurm.XXXXXX)
chmod 755 "$D"
mkdir -p "$D/state" "$D/spool" "$D/out"
export SLURM_CONF=$D/slurm.conf
export EDL="node --conditions=@edl/source --import tsx $ROOT/packages/training/src/cli/bin.ts"
CTLD='' SLURMD='' MUNGED_PID=''
teardown() {
  local rc=$?
  [ -n "$SLURMD" ] && kill -TERM "$SLURMD" 2>/dev/null || true
  [ -n "$CTLD" ] && kill -TERM "$CTLD" 2>/dev/null || true
  for _ in $(seq 100); do
    { [ -n "$SLURMD" ] && kill -0 "$SLURMD" 2>/dev/null; } || { [ -n "$CTLD" ] && kill -0 "$CTLD" 2>/dev/null; } || break
    sleep 0.1
  done
  [ -f "$D/munge/munged.pid" ] && kill -TERM "$(cat "$D/munge/munged.pid")" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then
    echo "slurm.sh: FAILED (rc $rc); logs:" >&2
    tail -n 30 "$D"/out/logs/* "$D"/grid/logs/* "$D/slurmctld.log" "$D/slurmd.log" 2>/dev/null >&2 || true
  fi
  echo "slurm.sh: $(($(date +%s) - t0)) s in all (work dir $D)"
}
trap teardown EXIT

# 1. the workload: a tiny real model and the unsharded reference report
$EDL --help >/dev/null
node --conditions=@edl/source --import tsx examples/cluster/tiny-model.ts "$D/model" >/dev/null
ARGS="--backend cpu --count 64 --batch-size 8 --pgd-steps 5 --eps 0.1"
# shellcheck disable=SC2086
$EDL eval --model "$D/model" --report "$D/reference.json" $ARGS >"$D/reference.log"
t1=$(date +%s)

# 2. munge + slurmctld + slurmd for this one node
[ -s /etc/munge/munge.key ] || {
  mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
}
install -d -o munge -g munge -m 755 /run/munge
install -d -o munge -g munge -m 700 "$D/munge"
runuser -u munge -- /usr/sbin/munged --log-file="$D/munge/munged.log" --pid-file="$D/munge/munged.pid" \
  --seed-file="$D/munge/munged.seed"
for _ in $(seq 50); do munge -n </dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
H=$(hostname -s)
MEM=$(($(free -m | awk '/^Mem:/{print $7}') * 9 / 10))
cat >"$SLURM_CONF" <<CONF
ClusterName=ci
SlurmctldHost=$H(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MailProg=/bin/true
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
NodeName=$H NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
setsid slurmctld -D -f "$SLURM_CONF" >"$D/slurmctld.out" 2>&1 &
CTLD=$!
setsid slurmd -D -f "$SLURM_CONF" >"$D/slurmd.out" 2>&1 &
SLURMD=$!
for _ in $(seq 300); do sinfo -h -o '%T' 2>/dev/null | grep -qx idle && break; sleep 0.1; done
sinfo -h -o '%T' | grep -qx idle || { echo "slurm.sh: the node never became idle" >&2; exit 1; }
t2=$(date +%s)

# 3. the example submit script: 4-shard array + dependent merge; wait for both to leave the queue
# shellcheck disable=SC2086
read -r ARRAY MERGE < <(examples/cluster/submit-eval.sh "$D/model" "$D/out" 4 $ARGS)
echo "slurm.sh: array job $ARRAY, merge job $MERGE"
deadline=$(($(date +%s) + 300))
while [ -n "$(squeue -h -j "$ARRAY,$MERGE" 2>/dev/null)" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "slurm.sh: jobs still queued after 300 s" >&2; squeue >&2; exit 1; }
  sleep 0.5
done
t3=$(date +%s)

# 4. outputs, never job states
for i in 0 1 2 3; do
  grep -q "shard $i/4 (from SLURM_ARRAY_TASK_ID" "$D"/out/logs/eval-"${ARRAY}"_"$i".out
  test -s "$D/out/robustness.shard-$i-of-4.json"
done
test -s "$D/out/robustness.json"
node -e '
const fs = require("node:fs");
const [ref, merged] = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
const same = (a, b, what) => {
  if (JSON.stringify(a) !== JSON.stringify(b)) { console.error(`slurm.sh: ${what} differ`); process.exit(1); }
};
same(merged.shards, 4, "shard counts");
same(merged.samples, ref.samples, "per-sample outcomes");
same(merged.robust, ref.robust, "robust flags");
same(merged.run, ref.run, "run identities");
same(merged.flags, ref.flags, "trust flags");
same(merged.attacks.map((a) => [a.name, a.attacked, a.fooled, a.accuracy]), ref.attacks.map((a) => [a.name, a.attacked, a.fooled, a.accuracy]), "attack summaries");
const robust = ref.samples.filter((s) => s.robust).length, clean = ref.samples.filter((s) => s.clean).length;
if (!(robust > 0 && robust < clean)) { console.error("slurm.sh: degenerate workload"); process.exit(1); }
console.log(`slurm.sh: merged 4 Slurm shards == unsharded run: ${ref.samples.length} samples, clean ${clean}, robust ${robust}`);
' "$D/reference.json" "$D/out/robustness.json"

# 5. an edl grid: 2 cells of tiny real training (wasm backend, 1 thread each, 2 epochs) as a job array, the report
#    after both (afterany); then cell 1 re-submitted alone must be skipped as done
wait_jobs() {
  local deadline=$(($(date +%s) + 300))
  while [ -n "$(squeue -h -j "$1" 2>/dev/null)" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "slurm.sh: jobs $1 still queued after 300 s" >&2; squeue >&2; exit 1; }
    sleep 0.5
  done
}
cat >"$D/grid.json" <<JSON
{
  "out": "$D/grid",
  "train": { "trainCount": 16, "testCount": 8, "width": 0.0625, "conv": "standard", "method": "standard",
             "epochs": 2, "batchSize": 8, "schedule": "constant", "monitorCount": 8, "attackSteps": 1,
             "backend": "wasm", "threads": 1 },
  "grid": { "seed": [3, 4] },
  "eval": ["--count", "8", "--pgd-steps", "1", "--batch-size", "8"]
}
JSON
read -r GARRAY GREPORT < <(examples/cluster/submit-grid.sh "$D/grid.json" --cpus-per-task=1)
echo "slurm.sh: grid array job $GARRAY, report job $GREPORT"
wait_jobs "$GARRAY,$GREPORT"
t4=$(date +%s)
for k in 0 1; do
  grep -q "grid cell $k/2: seed=$((k + 3)) (from SLURM_ARRAY_TASK_ID)" "$D/grid/logs/grid-${GARRAY}_$k.out"
  grep -q "grid cell $k: done" "$D/grid/logs/grid-${GARRAY}_$k.out"
  test -s "$D/grid/cell-$k/robustness.json"
  test -s "$D/grid/cell-$k/final/model.json"
done
grep -q "report: $D/grid/grid-report.json" "$D/grid/logs/report-$GREPORT.out"
grep -q '<td>cell 1: seed=4</td>' "$D/grid/report/report.html"
RESUB=$(EDL_GRID="$D/grid.json" sbatch --parsable --array=1 --cpus-per-task=1 \
  --output="$D/grid/logs/resubmit-%A_%a.out" examples/cluster/grid-array.sbatch)
wait_jobs "${RESUB%%;*}"
grep -q "grid cell 1: already done" "$D/grid/logs/resubmit-${RESUB%%;*}_1.out"
node -e '
const fs = require("node:fs");
const dir = process.argv[1];
const read = (f) => JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8"));
const fail = (m) => { console.error(`slurm.sh: grid: ${m}`); process.exit(1); };
const report = read("grid-report.json");
if (!report.complete || report.cells.length !== 2) fail(`report not complete: ${JSON.stringify(report.counts)}`);
for (const [k, row] of report.cells.entries()) {
  const cell = read(`cell-${k}/robustness.json`), status = read(`cell-${k}/cell.json`);
  if (status.state !== "done" || status.values.seed !== k + 3) fail(`cell ${k}: cell.json ${JSON.stringify(status)}`);
  if (row.worstCase !== cell.worstCaseAccuracy || row.clean !== cell.cleanAccuracy) fail(`cell ${k}: report row differs`);
  const epochs = fs.readFileSync(`${dir}/cell-${k}/metrics.jsonl`, "utf8").trim().split("\n").length;
  if (epochs !== 2) fail(`cell ${k}: ${epochs} epochs in metrics.jsonl (trained again?)`);
}
const [a, b] = [0, 1].map((k) => read(`cell-${k}/robustness.json`).run.modelFingerprint);
if (a === b) fail("both cells have the same model (seeds ignored?)");
console.log(`slurm.sh: grid of 2 cells trained and evaluated as a Slurm array, report gathered, re-submitted cell skipped`);
' "$D/grid"
t5=$(date +%s)
echo "slurm.sh: reference run $((t1 - t0)) s, cluster start $((t2 - t1)) s, array + merge $((t3 - t2)) s, grid array + report $((t4 - t3)) s, re-submit + checks $((t5 - t4)) s"

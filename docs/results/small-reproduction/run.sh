#!/usr/bin/env bash
# "Reproduction, honestly", small scale: standard vs Vanilla DL vs Elastic DL (Vanilla DL, switched half-way)
# ResNet10 x0.125 under PGD-AT with the same budget, on the embedded MNIST digits and on the project's lossless
# CIFAR-10 subset; evaluation through evaluateRobustness with its trust checks (FGSM, PGD-20, CW-Linf, AutoAttack at
# a reduced budget). Run from the repository root: bash docs/results/small-reproduction/run.sh
set -euo pipefail
edl() { node --conditions=@edl/source --import tsx packages/training/src/cli/bin.ts "$@"; }
OUT=docs/results/small-reproduction
RUNS=runs/small-reproduction
for data in mnist cifar10; do
  if [ "$data" = mnist ]; then
    common=(--dataset mnist --train-count 1200 --test-count 500 --eps 0.1 --step-size 0.04 --attack-steps 3
      --epochs 4 --batch-size 50 --lr 0.05 --first-stage-stride 2 --bn-recalibration 20 --monitor-count 150)
    ev=(--dataset mnist --count 300 --eps 0.1)
  else
    common=(--dataset cifar10 --data-dir ../shared/data/cifar10 --train-count 2000 --test-count 500
      --eps 0.031372549 --step-size 0.0078431373 --attack-steps 3 --epochs 4 --batch-size 50 --lr 0.05
      --first-stage-stride 2 --crop 4 --flip --bn-recalibration 20 --monitor-count 150)
    ev=(--dataset cifar10 --data-dir ../shared/data/cifar10 --count 300 --eps 0.031372549)
  fi
  edl train "${common[@]}" --conv standard --out "$RUNS/$data/standard"
  edl train "${common[@]}" --conv vanilla --out "$RUNS/$data/vanilla-dl"
  edl train "${common[@]}" --conv vanilla --switch-epoch 2 --out "$RUNS/$data/elastic-dl"
  reports=()
  for m in standard vanilla-dl elastic-dl; do
    edl eval "${ev[@]}" --model "$RUNS/$data/$m/final" --pgd-steps 20 --cw --autoattack --aa-budget 0.1 --seed 1 \
      --report "$RUNS/$data/$m/robustness.json"
    mkdir -p "$OUT/$data/$m"
    cp "$RUNS/$data/$m/metrics.jsonl" "$RUNS/$data/$m/config.json" "$RUNS/$data/$m/robustness.json" "$OUT/$data/$m/"
    reports+=("$OUT/$data/$m/robustness.json")
  done
  edl report --run "$OUT/$data/standard" "$OUT/$data/vanilla-dl" "$OUT/$data/elastic-dl" --eval "${reports[@]}" \
    --title "Small reproduction on $data: standard vs Vanilla DL vs Elastic DL (PGD-AT)" --out "$OUT/$data/report"
done

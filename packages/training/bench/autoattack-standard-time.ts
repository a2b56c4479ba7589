// How long the full standard AutoAttack (APGD-CE, APGD-T 9 targets, FAB-T 9 targets, Square 5000 queries; 100
// iterations) would take on the main job's n = 100 digits: runs it on the first `count` held-out digits of the main
// job's test set against a model the job saved, and extrapolates linearly to 100 (per-sub-attack times scaled by the
// points each attacked). Run from the repo root after `npx -y pnpm@10 start` (or `edl quickstart --out DIR`):
//   node --conditions=@edl/source --import tsx packages/training/bench/autoattack-standard-time.ts DIR/edl/final [count]
import { autoAttack, fromLayersModel } from '@edl/attacks';
import { setupBackend } from '@edl/ops';
import { loadData } from '../src/cli/load-data.ts';
import { loadSavedModel } from '../src/cli/load-saved-model.ts';
import { QUICKSTART_DEFAULTS } from '../src/cli/quickstart-defaults.ts';
import { resolveTrainConfig } from '../src/cli/train-config.ts';
import { firstIndices, gatherBatch } from '../src/loop/labelled-images.ts';

const dir = process.argv[2] ?? 'runs/quickstart/edl/final';
const count = Number(process.argv[3] ?? 10);
const info = await setupBackend({ backend: 'auto' });
const base = resolveTrainConfig(QUICKSTART_DEFAULTS.config, {});
const { test } = await loadData(base);
const model = await loadSavedModel(dir);
const { x, y } = gatherBatch(test, firstIndices(test, count));
const aa = autoAttack({ norm: 'linf', eps: base.eps, seed: base.seed, batchSize: count });
console.log(`backend ${info.backend} (${info.threads} threads); ${aa.name} on ${count} digits, eps ${base.eps}`);
const t0 = performance.now();
const r = await aa.run(fromLayersModel(model, { training: false }), x, y);
const total = (performance.now() - t0) / 1000;
for (const e of r.log) {
  console.log(
    `  ${e.attack}: attacked ${e.attacked}, fooled ${e.successes}, ${e.seconds.toFixed(1)} s` +
      (e.attacked > 0 ? ` (${(e.seconds / e.attacked).toFixed(2)} s per point)` : ''),
  );
}
console.log(
  `clean ${(100 * r.cleanAccuracy).toFixed(0)}%, robust ${(100 * r.robustAccuracy).toFixed(0)}%; ${total.toFixed(1)} s for ` +
    `${count} digits -> about ${((total * QUICKSTART_DEFAULTS.autoAttackCount) / count / 60).toFixed(1)} min for ` +
    `n = ${QUICKSTART_DEFAULTS.autoAttackCount} (linear in the points attacked; the job runs it on 2 models)`,
);

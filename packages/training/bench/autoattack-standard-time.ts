// How long the full standard AutoAttack (APGD-CE, APGD-T 9 targets, FAB-T 9 targets, Square 5000 queries; 100
// iterations) would take on the main job's n = 100 digits, against a model the job saved, two ways:
// (1) the job's own reduced AutoAttack on its 100 digits in one batch, each sub-attack's time scaled by the reference
//     over the reduced iterations x targets (APGD-T, FAB-T) or queries (Square);
// (2) with `count` > 0, the full standard AutoAttack on the first `count` digits, extrapolated linearly to 100.
// Run from the repo root after `npx -y pnpm@10 start` (or `edl quickstart --out DIR`):
//   node --conditions=@edl/source --import tsx packages/training/bench/autoattack-standard-time.ts DIR/edl/final [count]
import { autoAttack, fromLayersModel } from '@edl/attacks';
import { setupBackend } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { loadData } from '../src/cli/load-data.ts';
import { loadSavedModel } from '../src/cli/load-saved-model.ts';
import { quickstartAutoAttack } from '../src/cli/quickstart.ts';
import { QUICKSTART_DEFAULTS } from '../src/cli/quickstart-defaults.ts';
import { resolveTrainConfig } from '../src/cli/train-config.ts';
import { firstIndices, gatherBatch } from '../src/loop/labelled-images.ts';

const dir = process.argv[2] ?? 'runs/quickstart/edl/final';
const count = Number(process.argv[3] ?? 0);
const info = await setupBackend({ backend: 'auto' });
const base = resolveTrainConfig(QUICKSTART_DEFAULTS.config, {});
const { test } = await loadData(base);
const model = await loadSavedModel(dir);
const n = QUICKSTART_DEFAULTS.autoAttackCount;
{
  const [reduced] = quickstartAutoAttack(QUICKSTART_DEFAULTS, base.eps, base.seed);
  if (reduced === undefined) throw new Error('the quickstart AutoAttack is missing');
  const steps = Number(reduced.settings.nIter);
  const queries = Number(reduced.settings.nQueries);
  const targets = Number(reduced.settings.nTargetClasses);
  const factor: Record<string, number> = {
    'apgd-ce': 100 / steps,
    'apgd-t': (100 * 9) / (steps * targets),
    'fab-t': (100 * 9) / (steps * targets),
    square: 5000 / queries,
  };
  const batch = gatherBatch(test, firstIndices(test, n));
  const t0 = performance.now();
  const r = (await reduced.run(fromLayersModel(model, { training: false }), batch.x, batch.y)) as unknown as {
    log: { attack: string; attacked: number; successes: number; seconds: number }[];
  };
  const seconds = (performance.now() - t0) / 1000;
  let estimate = 0;
  console.log(
    `backend ${info.backend} (${info.threads} threads); ${reduced.name} on ${n} digits: ${seconds.toFixed(1)} s`,
  );
  for (const e of r.log) {
    const f = factor[e.attack] ?? 1;
    estimate += e.seconds * f;
    console.log(
      `  ${e.attack}: attacked ${e.attacked}, fooled ${e.successes}, ${e.seconds.toFixed(1)} s, x${f} -> ${(e.seconds * f).toFixed(0)} s`,
    );
  }
  console.log(
    `(1) full standard AutoAttack on n = ${n}, scaled from the reduced run: about ${(estimate / 60).toFixed(1)} min`,
  );
  tf.dispose([batch.x, batch.y]);
}
if (count === 0) process.exit(0);
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
  `(2) clean ${(100 * r.cleanAccuracy).toFixed(0)}%, robust ${(100 * r.robustAccuracy).toFixed(0)}%; ${total.toFixed(1)} s ` +
    `for ${count} digits -> about ${((total * n) / count / 60).toFixed(1)} min for n = ${n} (linear in the points; the ` +
    `job runs it on 2 models)`,
);

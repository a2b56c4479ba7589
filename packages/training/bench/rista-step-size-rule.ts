// RISTA objective per step on MNIST digits for beta = 0, 0.5, 1 under three step-size rules (the figures of the
// step-size section of packages/layers/README.md):
//   old:      t0 = t = 0.9 / L for every beta (SDNet's step; the layer's before the 'elastic' rule)
//   descent:  t0 = t = 0.9 / (L (beta + (1 - beta) / (2 eps))) (the step of guaranteed descent, also for z0)
//   default:  t0 = 0.9 / L for the encoder pass, t = 0.9 / (L (beta + (1 - beta) / (2 eps))) for the corrections
// on three dictionaries: a random 1 -> 8 stem on the digits, a random 8 -> 16 stride-2 layer on normalised codes,
// and (with a saved model folder as argument) the model's first DictConv2D on the digits. cpu backend, ~30 s.
//   node --conditions=@edl/source --import tsx packages/training/bench/rista-step-size-rule.ts [saved-model-dir]
import { loadMnist } from '@edl/datasets/node';
import { elasticStepSize, rista } from '@edl/layers';
import { convOperator, lipschitzOnDevice } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { loadSavedModel } from '../src/cli/load-saved-model.ts';

await tf.setBackend('cpu');
const n = 32;
const steps = 8;
const eps = 1e-3;
const lambda = 0.1;
const set = loadMnist({ split: 'train' });
const per = set.height * set.width;
const digits = tf.tensor4d(
  Float32Array.from(set.images.subarray(0, n * per), (v) => v / 255),
  [n, 28, 28, 1],
);

function unitAtoms(shape: [number, number, number, number], seed: number): tf.Tensor4D {
  return tf.tidy(() => {
    const raw = tf.randomUniform(shape, -1, 1, 'float32', seed);
    return tf.div(raw, tf.sqrt(tf.sum(tf.square(raw), [0, 1, 2], true))) as tf.Tensor4D;
  });
}

const stem = unitAtoms([3, 3, 1, 8], 1);
const codes = rista(digits, stem, { beta: 1, steps: 2, lambda });
const normalised = tf.tidy(() => {
  const { mean, variance } = tf.moments(codes, [0, 1, 2]);
  return tf.div(tf.sub(codes, mean), tf.sqrt(tf.add(variance, 1e-5))) as tf.Tensor4D;
});
const cases: [string, tf.Tensor4D, tf.Tensor4D, number][] = [
  ['random stem 1->8 on digits', digits, stem, 1],
  ['random 8->16 stride 2 on normalised codes', normalised, unitAtoms([3, 3, 8, 16], 2), 2],
];
if (process.argv[2]) {
  const model = await loadSavedModel(process.argv[2]);
  const layer = model.layers.find((l) => l.getClassName() === 'DictConv2D');
  if (!layer) throw new Error(`${process.argv[2]}: no DictConv2D layer`);
  const cfg = layer.getConfig() as { strides: [number, number] };
  cases.push([
    `trained ${layer.name} of ${process.argv[2]}`,
    digits,
    layer.getWeights()[0] as tf.Tensor4D,
    cfg.strides[0],
  ]);
}

for (const [name, x, w, strides] of cases) {
  const L = (await lipschitzOnDevice(convOperator(w, x.shape, { strides }), { iterations: 500 }).value.data())[0]!;
  console.log(`\n${name}: L = ${L.toFixed(3)}, eps = ${eps}, lambda = ${lambda}, mean objective per digit`);
  for (const beta of [0, 0.5, 1]) {
    const descent = elasticStepSize(0.9 / L, beta, eps);
    const rules: [string, number, number][] = [
      ['old', 0.9 / L, 0.9 / L],
      ['descent', descent, descent],
      ['default', descent, 0.9 / L],
    ];
    for (const [rule, t, t0] of rules) {
      const trace = rista(x, w, { beta, eps, lambda, steps, strides, stepSize: t, initStepSize: t0, trace: true });
      const o = Array.from(await trace.objectives.data());
      const moved = tf.tidy(() => tf.div(tf.norm(tf.sub(trace.output, trace.codes[0]!)), tf.norm(trace.codes[0]!)));
      const rise = Math.max(...o.slice(1).map((v, k) => (v - o[k]!) / Math.abs(o[k]!)));
      console.log(
        `beta ${beta.toFixed(1)} ${rule.padEnd(8)} t*L ${(t * L).toExponential(2)}: ${o.map((v) => v.toFixed(2)).join(' ')}` +
          `  largest rise ${(100 * Math.max(rise, 0)).toFixed(2)}%, |z7 - z0| / |z0| ${(await moved.data())[0]!.toFixed(3)}`,
      );
      tf.dispose([...trace.codes, trace.objectives, moved]);
    }
  }
}

// How strongly the codes of a 2-step layer (the main job's ristaSteps) react to the input: the norm of the input
// gradient of <z, u> for a fixed random u, per rule. The old step multiplies the reweighting's slope, up to
// 1 / (2 eps) where the residual is 0, by t = 0.9 / L; the descent step keeps t / (2 eps) <= 0.9 / L.
console.log('\n|d<z, u>/dx| / |u| of a 2-step layer on the digits (u fixed, random normal)');
for (const [name, x, w, strides] of cases) {
  if (x !== digits) continue;
  const L = (await lipschitzOnDevice(convOperator(w, x.shape, { strides }), { iterations: 500 }).value.data())[0]!;
  const u = tf.randomNormal(rista(x, w, { steps: 1, stepSize: 1, strides }).shape, 0, 1, 'float32', 3);
  const row: string[] = [];
  for (const beta of [0, 0.5, 1]) {
    const descent = elasticStepSize(0.9 / L, beta, eps);
    for (const [rule, t, t0] of [
      ['old', 0.9 / L, 0.9 / L],
      ['default', descent, 0.9 / L],
    ] as const) {
      const g = tf.grad((xi: tf.Tensor) =>
        tf.sum(
          tf.mul(
            rista(xi as tf.Tensor4D, w, { beta, eps, lambda, steps: 2, strides, stepSize: t, initStepSize: t0 }),
            u,
          ),
        ),
      )(x);
      const ratio = tf.tidy(() => tf.div(tf.norm(g), tf.norm(u)));
      row.push(`beta ${beta} ${rule} ${(await ratio.data())[0]!.toFixed(3)}`);
      tf.dispose([g, ratio]);
    }
  }
  console.log(`${name}: ${row.join(', ')}`);
}

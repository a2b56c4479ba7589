// Test page for browser/attacks.test.ts. Imports only @tensorflow/tfjs and @edl/attacks (no other @edl package), as
// a user attacking their own model would: a tiny seeded CNN, attacked with FGSM, PGD and a reduced AutoAttack. For
// the webgpu case it loads @tensorflow/tfjs-backend-webgpu (a lazy chunk). Reads are awaited (`data()`), as WebGPU
// needs.
import { autoAttack, fgsm, fromLayersModel, pgd } from '@edl/attacks';
import * as tf from '@tensorflow/tfjs';

/** What one attack returned, read back. */
export interface AttackCheck {
  name: string;
  eps: number;
  success: boolean[];
  /** Norms the attack reported, and the l-inf norms measured here from its images. */
  reportedNorms: number[];
  measuredLinf: number[];
  min: number;
  max: number;
  /** Cross-entropy of the model at the clean and the adversarial images (mean over the batch). */
  cleanLoss: number;
  adversarialLoss: number;
  milliseconds: number;
  robustAccuracy?: number;
}

function tinyModel(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotNormal({ seed });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 6,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.flatten({}),
      tf.layers.dense({ units: 4, kernelInitializer: init(3) }),
    ],
  });
}

/** The first element of `t`, read with an awaited read; disposes `t`. */
async function scalarOf(t: tf.Tensor): Promise<number> {
  const v = (await t.data())[0]!;
  t.dispose();
  return v;
}

async function run(backend: string): Promise<{ backend: string; checks: AttackCheck[] }> {
  if (backend === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) {
    throw new Error(`tf.setBackend('${backend}') failed; tfjs runs '${tf.getBackend()}'`);
  }
  const layers = tinyModel();
  const model = fromLayersModel(layers);
  const x = tf.randomUniform([6, 8, 8, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
  // Labels = the model's own clean predictions, so every point starts correctly classified.
  const y = tf.tidy(() => tf.cast(tf.argMax(model(x), 1), 'int32')) as tf.Tensor1D;
  const eps = 0.1;
  const loss = (images: tf.Tensor4D) =>
    scalarOf(tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y, 4), model(images))));
  const checks: AttackCheck[] = [];
  for (const attack of [
    fgsm({ eps }),
    pgd({ eps, stepSize: eps / 4, steps: 10, seed: 1 }),
    autoAttack({ norm: 'linf', eps, version: 'standard', budget: 0.05, nTargets: 2, seed: 1 }),
  ]) {
    const started = performance.now();
    const result = await attack.run(model, x, y);
    const milliseconds = performance.now() - started;
    const linf = tf.tidy(() => tf.max(tf.abs(tf.sub(result.xAdv, x)), [1, 2, 3]));
    const measuredLinf = Array.from(await linf.data());
    linf.dispose();
    const check: AttackCheck = {
      name: attack.name,
      eps,
      success: result.success,
      reportedNorms: result.norms,
      measuredLinf,
      min: await scalarOf(tf.min(result.xAdv)),
      max: await scalarOf(tf.max(result.xAdv)),
      cleanLoss: await loss(x),
      adversarialLoss: await loss(result.xAdv),
      milliseconds,
    };
    if ('robustAccuracy' in result) check.robustAccuracy = result.robustAccuracy as number;
    checks.push(check);
    result.xAdv.dispose();
  }
  tf.dispose([x, y]);
  layers.dispose();
  return { backend: tf.getBackend(), checks };
}

/** Whether the browser hands out a WebGPU adapter at all (hardware or fallback). */
async function webgpuAdapter(): Promise<boolean> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  return gpu ? (await gpu.requestAdapter()) !== null : false;
}

declare global {
  interface Window {
    attackChecks: { run: typeof run; tensors: () => number; webgpuAdapter: typeof webgpuAdapter };
  }
}

window.attackChecks = { run, tensors: () => tf.memory().numTensors, webgpuAdapter };
document.body.dataset.ready = 'true';

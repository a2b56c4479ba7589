// The CIFAR ResNet18 step that the @edl/models bench scripts time (case.ts), profile (profile.ts) and measure in CPU
// time (cpu-time.ts): the model, a fixed batch, and one training step (momentum SGD, as @edl/training's Sgd) or one inference pass.
import { sgdStep } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { resnet } from '../src/index.ts';

/** A training step and an inference pass of one ResNet18, each a tidy closure that waits for its result. */
export interface Resnet18Step {
  train: () => void;
  infer: () => void;
}

/**
 * Builds a CIFAR ResNet18 (`conv` 3x3 layers, T = 3) on a random batch of `batch` 32x32x3 images.
 * stepSizeRefresh: the PyTorch peer keeps t fixed, so t is refreshed on the first training call only.
 * With `recompute`, an elastic model checkpoints the stem and stage 1 (the largest feature maps): without it the
 * T = 3 tape of ResNet18 at batch 32 exceeds wasm's 4 GB heap; with it the heap peaks at about 2.3 GiB (measured).
 */
export function resnet18Step(conv: 'standard' | 'elastic', batch: number, recompute: boolean): Resnet18Step {
  const recomputeStages = conv === 'elastic' && recompute ? [0, 1] : undefined;
  const model = resnet({ depth: 18, conv, numClasses: 10, steps: 3, stepSizeRefresh: 1e9, seed: 1, recomputeStages });
  const x = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 1);
  const labels = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2), 10);
  // momentum SGD as @edl/training's Sgd and the peer's torch.optim.SGD(lr=0.01, momentum=0.9): the buffer starts
  // as the first gradient, then @edl/ops' sgdStep (one native pass per variable on wasm)
  const buffers = new Map<string, tf.Variable>();
  const lr = 0.01;
  return {
    train: () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() =>
          tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor),
        );
        for (const [name, g] of Object.entries(grads)) {
          const p = tf.engine().registeredVariables[name]!;
          const buf = buffers.get(name);
          if (buf == null) {
            buffers.set(name, tf.variable(tf.clone(g), false));
            p.assign(tf.sub(p, tf.mul(g, lr)));
          } else {
            const next = sgdStep(p, g, buf, { lr, momentum: 0.9 });
            buf.assign(next.buf);
            p.assign(next.p);
          }
        }
        value.dataSync();
      }),
    infer: () => tf.tidy(() => void (model.predict(x) as tf.Tensor).dataSync()),
  };
}

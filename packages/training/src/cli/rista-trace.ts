import { elasticStepSize, isDictLayer, rista } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';

/**
 * The RISTA objective per unrolled step (paper Fig. 6) of the first `DictConv2D` layer of `model` on images `x`:
 * one series at the layer's learned beta and, for comparison, at beta = 1 (Vanilla DL) and beta = 0 (Robust DL),
 * all with the layer's kernel, lambda, eps and step size (its stored `0.9 / L` under its `stepSizeRule`, as its forward
 * pass uses it) and `steps` steps, all read through @edl/layers' API (`isDictLayer`, `layer.weight(name)`,
 * `layer.options`, `readBeta`). Returns [] for a model without DL layers. Reads with awaited `data()` (any
 * backend, WebGPU included).
 */
export async function ristaObjectiveSeries(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  steps = 8,
): Promise<{ series: string; points: { step: number; objective: number }[] }[]> {
  const layer = model.layers.find(isDictLayer);
  if (!layer) return [];
  const kernel = layer.weight('kernel').read() as tf.Tensor4D;
  const stored = layer.weight('stepSize').read() as tf.Scalar;
  const { eps, stepSizeRule, strides, padding, nonNegative } = layer.options;
  const stepOf = (b: number) => (stepSizeRule === 'elastic' ? elasticStepSize(stored, b, eps) : stored);
  const learned = await layer.readBeta();
  const lam = (await layer.weight('lambda').read().data())[0]!;
  const input = tf.model({ inputs: model.inputs, outputs: layer.input as tf.SymbolicTensor });
  const out: { series: string; points: { step: number; objective: number }[] }[] = [];
  const seen = new Set<number>();
  for (const [name, b] of [
    [`learned beta = ${learned.toFixed(2)}`, learned],
    ['beta = 1 (Vanilla DL)', 1],
    ['beta = 0 (Robust DL)', 0],
  ] as const) {
    if (seen.has(b)) continue;
    seen.add(b);
    const objectives = tf.tidy(() => {
      const xin = input.predict(x) as tf.Tensor4D;
      const t = rista(xin, kernel, {
        steps,
        beta: b,
        lambda: lam,
        eps,
        stepSize: stepOf(b),
        initStepSize: stored,
        trace: true,
        strides,
        nonNegative,
        padding,
      });
      return t.objectives;
    });
    let values: number[];
    try {
      values = Array.from(await objectives.data());
    } finally {
      objectives.dispose();
    }
    out.push({
      series: `${layer.name}: ${name}`,
      points: values.map((objective, step) => ({ step: step + 1, objective })),
    });
  }
  return out;
}

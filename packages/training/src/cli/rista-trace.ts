import { elasticStepSize, rista } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';

/**
 * The RISTA objective per unrolled step (paper Fig. 6) of the first `DictConv2D` layer of `model` on images `x`:
 * one series at the layer's learned beta and, for comparison, at beta = 1 (Vanilla DL) and beta = 0 (Robust DL),
 * all with the layer's kernel, lambda, eps and step size (its stored `0.9 / L` under its `stepSizeRule`, as its forward
 * pass uses it) and `steps` steps. Returns [] for a model without DL layers. Reads with awaited `data()` (any
 * backend, WebGPU included).
 */
export async function ristaObjectiveSeries(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  steps = 8,
): Promise<{ series: string; points: { step: number; objective: number }[] }[]> {
  const layer = model.layers.find((l) => l.getClassName() === 'DictConv2D');
  if (!layer) return [];
  const [kernel, beta, lambda, stored] = layer.getWeights() as [tf.Tensor4D, tf.Tensor, tf.Tensor, tf.Scalar];
  const cfg = layer.getConfig() as {
    strides?: number | [number, number];
    padding?: unknown;
    nonNegative?: boolean;
    eps?: number;
    stepSizeRule?: 'elastic' | 'lipschitz';
  };
  const eps = cfg.eps ?? 1e-3;
  const stepOf = (b: number) => (cfg.stepSizeRule === 'elastic' ? elasticStepSize(stored, b, eps) : stored);
  const learned = (await beta.data())[0]!;
  const lam = (await lambda.data())[0]!;
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
        ...(cfg.strides !== undefined ? { strides: cfg.strides } : {}),
        ...(cfg.nonNegative !== undefined ? { nonNegative: cfg.nonNegative } : {}),
        ...(cfg.padding !== undefined ? { padding: cfg.padding as never } : {}),
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

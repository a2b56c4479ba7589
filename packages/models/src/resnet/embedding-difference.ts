import * as tf from '@tensorflow/tfjs';
import { ModelError } from '../core/model-error.ts';
import { dictLayersOf } from './dict-layers.ts';

/** Options of {@link embeddingDifference}. */
export interface EmbeddingDifferenceOptions {
  /**
   * Names of the layers whose outputs to compare. Default: every `DictConv2D` layer, or every `Conv2D` layer when
   * the model has none.
   */
  layers?: string[];
}

/** Relative difference of one layer's output. */
export interface LayerDifference {
  /** Layer name (`'input'` for the input images). */
  layer: string;
  /** `||f(x_adv) - f(x)||_F / ||f(x)||_F` over the whole batch. */
  difference: number;
  /** The same ratio for each sample. */
  perSample: number[];
}

/** Per-sample squared norms of `adv - clean` and of `clean`, stacked as `[2, batch]`, on device. */
function squaredNorms(clean: tf.Tensor, adv: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const batch = clean.shape[0]!;
    const c = tf.reshape(clean, [batch, -1]);
    const d = tf.sub(tf.reshape(adv, [batch, -1]), c);
    return tf.stack([tf.sum(tf.square(d), 1), tf.sum(tf.square(c), 1)]) as tf.Tensor2D;
  });
}

function relative(n: number[], m: number[]): { difference: number; perSample: number[] } {
  const perSample = n.map((v, i) => (v === 0 ? 0 : Math.sqrt(v / m[i]!)));
  const total = n.reduce((a, b) => a + b, 0);
  const totalDen = m.reduce((a, b) => a + b, 0);
  return { difference: total === 0 ? 0 : Math.sqrt(total / totalDen), perSample };
}

/**
 * Per-layer relative embedding difference between clean and adversarial inputs (paper Fig. 5, App. D.3.4):
 * `||f_l(x_adv) - f_l(x)|| / ||f_l(x)||` for the input (`'input'`, first entry) and each selected layer's output,
 * computed in inference mode. An identical pair gives 0; a layer whose clean output is 0 while the adversarial one is
 * not gives Infinity. The norms of every layer are read back with one awaited `data()` (any backend, WebGPU
 * included).
 *
 * @example
 * (await embeddingDifference(model, x, xAdv)).map((d) => `${d.layer}: ${d.difference.toFixed(3)}`);
 */
export async function embeddingDifference(
  model: tf.LayersModel,
  xClean: tf.Tensor,
  xAdv: tf.Tensor,
  options: EmbeddingDifferenceOptions = {},
): Promise<LayerDifference[]> {
  if (xClean.shape.join() !== xAdv.shape.join()) {
    throw new ModelError(
      'invalid-input',
      'xAdv',
      `xAdv: expected the shape of xClean [${xClean.shape}], got [${xAdv.shape}]`,
    );
  }
  if (xClean.rank < 1 || xClean.shape[0] === 0)
    throw new ModelError('invalid-input', 'xClean', 'xClean: expected a non-empty batch');
  let layers: tf.layers.Layer[];
  if (options.layers !== undefined) {
    if (options.layers.length === 0)
      throw new ModelError('invalid-option', 'layers', 'layers: expected at least one layer name');
    layers = options.layers.map((name) => model.getLayer(name));
  } else {
    layers = dictLayersOf(model);
    if (layers.length === 0) layers = model.layers.filter((l) => l.getClassName() === 'Conv2D');
    if (layers.length === 0)
      throw new ModelError('invalid-input', 'model', `model '${model.name}': has no DictConv2D or Conv2D layers`);
  }
  const probe = tf.model({ inputs: model.inputs, outputs: layers.map((l) => l.output as tf.SymbolicTensor) });
  const norms = tf.tidy(() => {
    const clean = probe.predict(xClean) as tf.Tensor | tf.Tensor[];
    const adv = probe.predict(xAdv) as tf.Tensor | tf.Tensor[];
    const c = Array.isArray(clean) ? clean : [clean];
    const a = Array.isArray(adv) ? adv : [adv];
    return tf.stack([squaredNorms(xClean, xAdv), ...layers.map((_, i) => squaredNorms(c[i]!, a[i]!))]);
  });
  const batch = xClean.shape[0]!;
  let values: Float32Array;
  try {
    values = (await norms.data()) as Float32Array;
  } finally {
    norms.dispose();
  }
  const row = (k: number, j: number) => Array.from(values.subarray((2 * k + j) * batch, (2 * k + j + 1) * batch));
  const names = ['input', ...layers.map((l) => l.name)];
  return names.map((layer, k) => ({ layer, ...relative(row(k, 0), row(k, 1)) }));
}

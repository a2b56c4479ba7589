import { DictConv2D, ristaObjective } from '@edl/layers';
import { convOperator } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ristaObjectiveSeries } from './rista-trace.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ristaObjectiveSeries', () => {
  it("traces with the layer's own step: its last point is the objective of the layer's output; every series descends", async () => {
    const layer = new DictConv2D({ inputShape: [10, 10, 1], filters: 4, kind: 'elastic', beta: 0.3, steps: 8 });
    const model = tf.sequential({ layers: [layer] });
    // digit-like: exact zeros around sparse bright pixels (where the old step 0.9 / L made the objective rise)
    const x = tf.relu(tf.sub(tf.randomUniform([3, 10, 10, 1], 0, 1, 'float32', 5), 0.7)) as tf.Tensor4D;
    const series = await ristaObjectiveSeries(model, x, 8);
    expect(series.map((s) => s.series)).toEqual([
      `${layer.name}: learned beta = 0.30`,
      `${layer.name}: beta = 1 (Vanilla DL)`,
      `${layer.name}: beta = 0 (Robust DL)`,
    ]);
    const kernel = layer.weight('kernel').read() as tf.Tensor4D;
    const lambda = layer.weight('lambda').read() as tf.Scalar;
    const own = tf.tidy(
      () =>
        ristaObjective(convOperator(kernel, x.shape), x, layer.apply(x) as tf.Tensor4D, {
          beta: 0.3,
          lambda,
        }).dataSync()[0]!,
    );
    expect(series[0]!.points[7]!.objective).toBeCloseTo(own, 4);
    for (const { points } of series) {
      const o = points.map((p) => p.objective);
      for (let k = 1; k < o.length; k++) expect(o[k]!).toBeLessThanOrEqual(o[k - 1]! * (1 + 1e-5));
      expect(o[7]!).toBeLessThan(o[0]!);
    }
  });

  it('finds the dictionary layer by type, not by class name; a model without one gives no series', async () => {
    const x = tf.randomUniform([2, 6, 6, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const plain = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3 })] });
    expect(await ristaObjectiveSeries(plain, x, 2)).toEqual([]);
    // a robust layer after a plain conv: its input is the conv's output, its beta the fixed 0 (one series)
    const robust = new DictConv2D({ filters: 2, kind: 'robust', steps: 2 });
    const model = tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 1, padding: 'same' }), robust],
    });
    const series = await ristaObjectiveSeries(model, x, 2);
    expect(series.map((s) => s.series)).toEqual([
      `${robust.name}: learned beta = 0.00`,
      `${robust.name}: beta = 1 (Vanilla DL)`,
    ]);
    for (const s of series) expect(s.points.map((p) => p.step)).toEqual([1, 2]);
  });
});

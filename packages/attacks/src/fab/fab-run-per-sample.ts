import * as tf from '@tensorflow/tfjs';
import type { Model } from '../core/model.ts';
import { readValues } from '../core/read.ts';
import type { Rng } from '../core/rng.ts';
import { projectHyperplaneBoxL1, projectHyperplaneBoxL2, projectHyperplaneBoxLinf } from './fab-projections.ts';
import { diffAndGrad, type FabRunResult, type FabSettings, randomStartRows, rowNorm } from './fab-step-parts.ts';

/**
 * One FAB-T run (AutoAttack `fab_base.py: attack_single_run`, targeted) with the projections and the bookkeeping
 * per sample in float64 JS loops, reading the gradient and the predictions back every iteration: the faster choice
 * on CPU backends, where a read is a copy and a tight loop beats the ~90 small kernels of the batched projection
 * (see `fab-run-batched.ts`). Points are all correctly classified on entry.
 */
export async function fabRunPerSample(
  model: Model,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  target: tf.Tensor1D,
  settings: FabSettings,
  start: Rng | undefined,
): Promise<FabRunResult> {
  const { norm, steps, alphaMax, eta, beta } = settings;
  const shape = [...x.shape] as [number, number, number, number];
  const n = x.shape[0];
  const size = x.size / n;
  const x0 = Float32Array.from(await x.data());
  const labels = Array.from(await y.data());
  const adv = Float32Array.from(x0);
  const best = new Array<number>(n).fill(Number.POSITIVE_INFINITY);
  const x1 = start === undefined ? Float32Array.from(x0) : randomStartRows(x0, n, norm, start, settings.eps);
  const project =
    norm === 'linf' ? projectHyperplaneBoxLinf : norm === 'l2' ? projectHyperplaneBoxL2 : projectHyperplaneBoxL1;
  for (let it = 0; it < steps; it++) {
    const [dfT, dgT] = tf.tidy(() => {
      const { df, dg } = diffAndGrad(model, tf.tensor4d(x1, shape), y, target);
      return [df, dg];
    });
    const [df, dg] = await Promise.all([readValues(dfT), dgT.data().finally(() => dgT.dispose())]);
    for (let s = 0; s < n; s++) {
      const off = s * size;
      const w = dg.subarray(off, off + size);
      const p1 = x1.subarray(off, off + size);
      const p0 = x0.subarray(off, off + size);
      let wx = 0;
      for (let i = 0; i < size; i++) wx += (w[i] ?? 0) * (p1[i] ?? 0);
      const b = wx - (df[s] ?? 0);
      const d1 = project(p1, w, b);
      const d2 = project(p0, w, b);
      const a1 = Math.max(rowNorm(d1, 0, size, norm), 1e-8);
      const a2 = Math.max(rowNorm(d2, 0, size, norm), 1e-8);
      const alpha = Math.min(Math.max(a1 / (a1 + a2), 0), alphaMax);
      for (let i = 0; i < size; i++) {
        const v = ((p1[i] ?? 0) + eta * (d1[i] ?? 0)) * (1 - alpha) + ((p0[i] ?? 0) + eta * (d2[i] ?? 0)) * alpha;
        x1[off + i] = Math.min(1, Math.max(0, v));
      }
    }
    const pred = await readValues(tf.tidy(() => tf.argMax(model(tf.tensor4d(x1, shape)), 1)));
    for (let s = 0; s < n; s++) {
      if (pred[s] === labels[s]) continue;
      const off = s * size;
      const diff = new Float64Array(size);
      for (let i = 0; i < size; i++) diff[i] = (x1[off + i] ?? 0) - (x0[off + i] ?? 0);
      const dist = rowNorm(diff, 0, size, norm);
      if (dist < (best[s] ?? Number.POSITIVE_INFINITY)) {
        best[s] = dist;
        adv.set(x1.subarray(off, off + size), off);
      }
      for (let i = 0; i < size; i++)
        x1[off + i] = (x0[off + i] ?? 0) + beta * ((x1[off + i] ?? 0) - (x0[off + i] ?? 0));
    }
  }
  return { adv: tf.tensor4d(adv, shape), best };
}

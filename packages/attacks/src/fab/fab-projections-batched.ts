import * as tf from '@tensorflow/tfjs';
import type { FabNorm } from './fab-step-parts.ts';

/**
 * Minimal-norm projections onto a hyperplane intersected with the box [0, 1]^d for a whole batch at once, in tensor
 * ops (no reads, no per-sample JS loops): the batched counterpart of `fab-projections.ts`, which solves the same
 * problems one point at a time in float64 and serves as its reference in the tests.
 *
 * Problem per row: given `t` in [0, 1]^d and the hyperplane {u : w.u = b}, find `delta` of minimal norm with
 * `w.(t + delta) = b` and `0 <= t + delta <= 1`. With `c = w.t - b` and `ws = sign(c) w`, every coordinate moves
 * against `ws` up to its box face (`room = t` where `ws > 0`, `1 - t` where `ws < 0`).
 *
 * - l-inf and l2 both reduce to: find the smallest `tau >= 0` with `sum_i a_i min(tau, r_i) = |c|`, a monotone
 *   piecewise-linear function of `tau` with breakpoints `r_i` (l-inf: `a = |w|`, `r = room`; l2, from the KKT
 *   conditions: `a = w^2`, `r = room / |w|`). Sorting the breakpoints and two cumulative sums give its value at every
 *   breakpoint; the first breakpoint where it reaches `|c|` fixes the linear piece that holds `tau`.
 * - l1 is a fractional knapsack: coordinates with the largest `|w|` move first, each to its box face; the
 *   coordinates tied at the weight where `|c|` is reached share the rest in proportion to their gain.
 *
 * Infeasible rows (no box point reaches the plane) get the reference's answers: l-inf the unconstrained projection
 * `-sign(ws) |c| / ||w||_1`, l2 and l1 the box corner closest to the plane.
 */

/** Weights whose magnitude is at most this are treated as zero (their coordinates never move). */
const ZERO_WEIGHT = 1e-12;

function sortAlong(values: tf.Tensor2D, order: tf.Tensor2D): tf.Tensor2D {
  return tf.gather(values, order, 1, 1) as tf.Tensor2D;
}

/** Picks `values[row, index[row]]`; 0 where `index[row]` is out of range (= d). */
function pickAt(values: tf.Tensor2D, index: tf.Tensor1D): tf.Tensor1D {
  const positions = tf.range(0, values.shape[1], 1, 'int32').expandDims(0);
  const hit = tf.cast(tf.equal(positions, tf.expandDims(index, 1)), 'float32');
  return tf.sum(tf.mul(values, hit), 1) as tf.Tensor1D;
}

/**
 * Smallest `tau >= 0` per row with `sum_i a_i min(tau, r_i) = need` (a, r >= 0), and whether it exists (`need` not
 * above `sum_i a_i r_i`).
 */
function solvePiecewise(
  a: tf.Tensor2D,
  r: tf.Tensor2D,
  need: tf.Tensor1D,
): { tau: tf.Tensor1D; feasible: tf.Tensor1D } {
  const d = a.shape[1];
  const { values, indices } = tf.topk(tf.neg(r), d);
  const rs = tf.neg(values) as tf.Tensor2D; // ascending
  const as = sortAlong(a, indices as tf.Tensor2D);
  const total = tf.sum(a, 1, true);
  const aBefore = tf.cumsum(as, 1, true) as tf.Tensor2D; // sum_{j<k} a_j
  const arBefore = tf.cumsum(tf.mul(as, rs), 1, true) as tf.Tensor2D; // sum_{j<k} a_j r_j
  const atBreak = tf.add(arBefore, tf.mul(rs, tf.sub(total, aBefore))); // value at tau = r_k
  const below = tf.cast(tf.less(atBreak, tf.expandDims(need, 1)), 'int32');
  const m = tf.sum(below, 1) as tf.Tensor1D; // tau lies in [r_{m-1}, r_m]
  const feasible = tf.less(m, d) as tf.Tensor1D;
  const slope = tf.sub(tf.squeeze(total, [1]), pickAt(aBefore, m));
  const tau = tf.div(tf.sub(need, pickAt(arBefore, m)), tf.maximum(slope, 1e-30));
  return { tau: tf.where(tf.lessEqual(need, 0), tf.zerosLike(tau), tf.relu(tau)) as tf.Tensor1D, feasible };
}

/**
 * The minimal-norm step `delta` (shape of `t`, [rows, d]) from each row of `t` onto the hyperplane
 * `{u : w_row.u = b_row}` within the box [0, 1]^d, in the given norm. `t` and `w` are [rows, d], `b` is [rows].
 * Returns a tensor the caller owns; everything else is freed.
 */
export function projectHyperplaneBoxBatched(
  t: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  norm: FabNorm,
): tf.Tensor2D {
  if (t.rank !== 2 || w.rank !== 2 || t.shape[0] !== w.shape[0] || t.shape[1] !== w.shape[1]) {
    throw new Error(`projectHyperplaneBoxBatched: t [${t.shape}] and w [${w.shape}] must be [rows, d] alike`);
  }
  if (b.rank !== 1 || b.shape[0] !== t.shape[0]) {
    throw new Error(`projectHyperplaneBoxBatched: b [${b.shape}] must be [rows] with rows = ${t.shape[0]}`);
  }
  return tf.tidy(() => {
    const c = tf.sub(tf.sum(tf.mul(w, t), 1), b);
    const need = tf.abs(c) as tf.Tensor1D;
    const sign = tf.expandDims(tf.where(tf.greaterEqual(c, 0), tf.onesLike(c), tf.onesLike(c).neg()), 1);
    const ws = tf.mul(w, sign);
    const absW = tf.abs(w);
    const active = tf.greater(absW, ZERO_WEIGHT);
    const zeros = tf.zerosLike(w);
    const a = tf.where(active, absW, zeros) as tf.Tensor2D;
    const room = tf.relu(tf.where(tf.greater(ws, 0), t, tf.sub(1, t))) as tf.Tensor2D;
    const direction = tf.neg(tf.sign(tf.where(active, ws, zeros))); // 0 on inactive coordinates
    if (norm === 'l1') {
      const d = w.shape[1];
      const { values, indices } = tf.topk(a, d); // descending |w|
      const gain = tf.mul(values, sortAlong(room, indices as tf.Tensor2D));
      const reached = tf.cumsum(gain, 1) as tf.Tensor2D;
      const m = tf.sum(tf.cast(tf.less(reached, tf.expandDims(need, 1)), 'int32'), 1) as tf.Tensor1D;
      const wStar = tf.expandDims(pickAt(values as tf.Tensor2D, m), 1); // 0 when infeasible: every coordinate moves
      const full = tf.cast(tf.greater(a, wStar), 'float32');
      const tied = tf.cast(tf.logicalAnd(tf.equal(a, wStar), active), 'float32');
      const fullGain = tf.sum(tf.mul(tf.mul(a, room), full), 1);
      const tiedGain = tf.sum(tf.mul(tf.mul(a, room), tied), 1);
      const share = tf.clipByValue(tf.div(tf.sub(need, fullGain), tf.maximum(tiedGain, 1e-30)), 0, 1);
      const moved = tf.add(full, tf.mul(tied, tf.expandDims(share, 1)));
      return tf.mul(tf.mul(direction, room), moved) as tf.Tensor2D;
    }
    if (norm === 'linf') {
      const { tau, feasible } = solvePiecewise(a, room, need);
      const bounded = tf.mul(direction, tf.minimum(tf.expandDims(tau, 1), room));
      const l1 = tf.maximum(tf.sum(a, 1), 1e-30);
      const free = tf.mul(direction, tf.expandDims(tf.div(need, l1), 1));
      return tf.where(tf.expandDims(feasible, 1), bounded, free) as tf.Tensor2D;
    }
    const a2 = tf.square(a) as tf.Tensor2D;
    const r = tf.where(active, tf.div(room, tf.where(active, absW, tf.onesLike(absW))), zeros) as tf.Tensor2D;
    const { tau, feasible } = solvePiecewise(a2, r, need);
    const lambda = tf.where(feasible, tau, tf.fill(tau.shape, Number.POSITIVE_INFINITY) as tf.Tensor1D);
    return tf.mul(tf.mul(direction, absW), tf.minimum(tf.expandDims(lambda, 1), r)) as tf.Tensor2D;
  });
}

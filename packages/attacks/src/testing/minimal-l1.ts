import type { LinearModel } from './test-helpers.ts';

/**
 * Exact minimal l1 perturbation inside the box [0, 1]^d that raises the affine score `u . x + c` of a two-class linear
 * model (score = z_k - z_l) to at least `level`: the LP `min ||delta||_1 s.t. u . (x + delta) + c >= level,
 * 0 <= x + delta <= 1` is a fractional knapsack, solved exactly by moving coordinates to their bound in the order of
 * decreasing |u_j| (the last one partially). Returns the l1 norm, the number of moved coordinates, or Infinity if the
 * level cannot be reached in the box.
 */
export function minimalL1InBox(
  u: ArrayLike<number>,
  c: number,
  x: ArrayLike<number>,
  level: number,
): { l1: number; l0: number } {
  let score = c;
  for (let i = 0; i < x.length; i++) score += (u[i] ?? 0) * (x[i] ?? 0);
  if (score >= level) return { l1: 0, l0: 0 };
  const order = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => Math.abs(u[b] ?? 0) - Math.abs(u[a] ?? 0));
  let l1 = 0;
  let l0 = 0;
  for (const j of order) {
    const uj = u[j] ?? 0;
    if (uj === 0) break;
    const room = uj > 0 ? 1 - (x[j] ?? 0) : (x[j] ?? 0);
    if (room <= 0) continue;
    const need = (level - score) / Math.abs(uj);
    l0 += 1;
    if (need <= room) return { l1: l1 + need, l0 }; // this coordinate finishes (no rounding-driven extra one)
    l1 += room;
    score += room * Math.abs(uj);
  }
  return { l1: Number.POSITIVE_INFINITY, l0 };
}

/** Score vector `u = W[:, k] - W[:, l]` and offset `c = b_k - b_l` of a linear test model. */
export function pairScore(lin: LinearModel, l: number, k: number): { u: Float64Array; c: number } {
  const u = new Float64Array(lin.dim);
  for (let i = 0; i < lin.dim; i++)
    u[i] = (lin.weights[i * lin.classes + k] ?? 0) - (lin.weights[i * lin.classes + l] ?? 0);
  return { u, c: (lin.bias[k] ?? 0) - (lin.bias[l] ?? 0) };
}

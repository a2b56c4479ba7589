/**
 * SparseFool's linear solver (Modas et al. 2019, LTS4/SparseFool `linear_solver.py`) for one flattened sample:
 * starting at `x0`, moves one coordinate at a time, largest |normal_j| first, by
 * `max(|normal . (x - boundary) + beta| / |normal_j|, 1e-4) * sign(normal_j)` (clipped to [lo, hi]) until the
 * sign of `normal . (x - boundary)` flips or no coordinate is left, with `beta = 0.001 * sign(normal . (x0 - boundary))`.
 * Plain JS, float64 accumulation. Returns a new array.
 */
export function sparseLinearSolve(
  x0: ArrayLike<number>,
  normal: ArrayLike<number>,
  boundary: ArrayLike<number>,
  lo = 0,
  hi = 1,
): Float32Array {
  const d = x0.length;
  if (normal.length !== d || boundary.length !== d) {
    throw new Error(`sparseLinearSolve: x0, normal and boundary must have the same length (${d})`);
  }
  const x = Float32Array.from(x0);
  let dot = 0;
  for (let i = 0; i < d; i++) dot += (normal[i] ?? 0) * ((x[i] ?? 0) - (boundary[i] ?? 0));
  const signTrue = Math.sign(dot) || -1;
  const beta = 0.001 * signTrue;
  const order = Array.from({ length: d }, (_, i) => i).sort(
    (a, b) => Math.abs(normal[b] ?? 0) - Math.abs(normal[a] ?? 0),
  );
  for (const j of order) {
    const nj = normal[j] ?? 0;
    if (nj === 0) break;
    const pert = Math.abs(dot + beta) / Math.abs(nj);
    const old = x[j] ?? 0;
    const next = Math.min(Math.max(old + Math.max(pert, 1e-4) * Math.sign(nj), lo), hi);
    x[j] = next;
    dot += nj * ((x[j] ?? 0) - old);
    if ((Math.sign(dot) || signTrue) !== signTrue) break;
  }
  return x;
}

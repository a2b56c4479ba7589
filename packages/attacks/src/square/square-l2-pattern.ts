/**
 * The l2 Square attack's window pattern (AutoAttack `square.py: eta_rectangles`): nested centred rectangles of an
 * `rows x cols` window, the k-th ring weighted 1 / (k + 1)^2, normalised to unit l2 norm. Row-major.
 */
export function squareRectangles(rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  const rc = Math.floor(rows / 2) + 1;
  const cc = Math.floor(cols / 2) + 1;
  let r0 = rc - 1;
  let c0 = cc - 1;
  for (let k = 0; k < Math.max(rc, cc); k++) {
    const weight = 1 / (k + 1) ** 2;
    for (let r = Math.max(r0, 0); r < Math.min(r0 + 2 * k + 1, rows); r++) {
      for (let c = Math.max(c0, 0); c < Math.min(c0 + 2 * k + 1, cols); c++)
        out[r * cols + c] = (out[r * cols + c] ?? 0) + weight;
    }
    r0--;
    c0--;
  }
  return normalise(out);
}

function normalise(v: Float64Array): Float64Array {
  let s = 0;
  for (const a of v) s += a * a;
  const norm = Math.sqrt(s);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}

/**
 * The l2 Square attack's `s x s` perturbation (`square.py: eta`): the upper half a positive rectangle pattern, the
 * lower half a negative one, unit l2 norm, transposed when `transpose` is true (the reference flips a coin).
 */
export function squarePattern(s: number, transpose: boolean): Float64Array {
  const top = Math.floor(s / 2);
  const out = new Float64Array(s * s);
  if (top > 0) out.set(squareRectangles(top, s), 0);
  const bottom = squareRectangles(s - top, s);
  for (let i = 0; i < bottom.length; i++) out[top * s + i] = -(bottom[i] ?? 0);
  normalise(out);
  if (!transpose) return out;
  const t = new Float64Array(s * s);
  for (let r = 0; r < s; r++) for (let c = 0; c < s; c++) t[c * s + r] = out[r * s + c] ?? 0;
  return t;
}

/**
 * Plain-JS float64 reference of the operators and of ISTA / RISTA, written independently of tfjs, for tests only
 * (not exported). Arrays are NHWC / [kh, kw, C, D], flattened row-major.
 */
export interface Problem {
  x: Float64Array;
  xShape: [number, number, number, number];
  w: Float64Array;
  wShape: [number, number, number, number];
  stride: number;
  pad: number;
}

export function outShape(p: Problem): [number, number, number, number] {
  const [b, h, wd] = p.xShape;
  const [kh, kw, , d] = p.wShape;
  return [b, Math.floor((h + 2 * p.pad - kh) / p.stride) + 1, Math.floor((wd + 2 * p.pad - kw) / p.stride) + 1, d];
}

/** Calls `f(xIndex, wIndex, yIndex)` for every term of the convolution sum. */
function forEachTerm(p: Problem, f: (xi: number, wi: number, yi: number) => void): void {
  const [B, H, W, C] = p.xShape;
  const [KH, KW, , D] = p.wShape;
  const [, HO, WO] = outShape(p);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < HO; i++)
      for (let j = 0; j < WO; j++)
        for (let u = 0; u < KH; u++)
          for (let v = 0; v < KW; v++) {
            const r = i * p.stride + u - p.pad;
            const c0 = j * p.stride + v - p.pad;
            if (r < 0 || r >= H || c0 < 0 || c0 >= W) continue;
            for (let c = 0; c < C; c++)
              for (let d = 0; d < D; d++) {
                f(((b * H + r) * W + c0) * C + c, ((u * KW + v) * C + c) * D + d, ((b * HO + i) * WO + j) * D + d);
              }
          }
}

/** `A(x)`: cross-correlation, as conv2d. */
export function forward(p: Problem, x: Float64Array): Float64Array {
  const y = new Float64Array(outShape(p).reduce((a, b) => a * b, 1));
  forEachTerm(p, (xi, wi, yi) => {
    y[yi]! += x[xi]! * p.w[wi]!;
  });
  return y;
}

/** `A*(z)`: the adjoint (scatter). */
export function adjoint(p: Problem, z: Float64Array): Float64Array {
  const x = new Float64Array(p.x.length);
  forEachTerm(p, (xi, wi, yi) => {
    x[xi]! += z[yi]! * p.w[wi]!;
  });
  return x;
}

const threshold = (v: number, thr: number, nonNegative: boolean) =>
  nonNegative ? Math.max(v - thr, 0) : Math.sign(v) * Math.max(Math.abs(v) - thr, 0);

/** Reference RISTA; with `beta = 1` it is plain ISTA `z <- T(z + t A(x - A* z))`. Returns every iterate. */
export function referenceRista(
  p: Problem,
  o: { steps: number; lambda: number; t: number; beta: number; eps: number; nonNegative: boolean },
): Float64Array[] {
  const thr = o.lambda * o.t;
  const ax = forward(p, p.x);
  let z = ax.map((v) => threshold(o.t * v, thr, o.nonNegative));
  const out = [z];
  for (let k = 1; k < o.steps; k++) {
    const xr = adjoint(p, z);
    const g = p.x.map((xv, i) => {
      const r = xv - xr[i]!;
      const w = 1 / (2 * (Math.abs(r) + o.eps));
      return (o.beta + (1 - o.beta) * w) * r;
    });
    const ag = forward(p, g);
    z = z.map((zv, i) => threshold(zv + o.t * ag[i]!, thr, o.nonNegative));
    out.push(z);
  }
  return out;
}

/** Largest eigenvalue of `A* A` by plain power iteration (for the reference step size). */
export function referenceLipschitz(p: Problem, iterations = 200): number {
  let v = p.x.map((_, i) => Math.sin(i + 1));
  let value = 0;
  for (let k = 0; k < iterations; k++) {
    const u = adjoint(p, forward(p, v));
    value = Math.sqrt(u.reduce((a, b) => a + b * b, 0));
    v = u.map((e) => e / value);
  }
  return value;
}

/** Deterministic pseudo-random numbers in (-1, 1) (mulberry32). */
export function randomArray(n: number, seed: number, scale = 1): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

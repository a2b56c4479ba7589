/**
 * Minimal-norm projections onto a hyperplane intersected with the box, the core of FAB (Croce and Hein 2020,
 * AutoAttack `fab_projections.py`), written from the optimality conditions. All work in float64 on one flat point.
 *
 * Problem: given a point `t` in [0, 1]^d and the hyperplane {u : w.u = b}, find `delta` of minimal norm with
 * `w.(t + delta) = b` and `0 <= t + delta <= 1`.
 */

/** Weights whose magnitude is at most this are treated as zero (their coordinates never move). */
const ZERO_WEIGHT = 1e-12;

function residual(t: ArrayLike<number>, w: ArrayLike<number>, b: number): number {
  let c = -b;
  for (let i = 0; i < w.length; i++) c += (w[i] ?? 0) * (t[i] ?? 0);
  return c;
}

function checkLengths(t: ArrayLike<number>, w: ArrayLike<number>, name: string): void {
  if (t.length !== w.length) throw new Error(`${name}: point has ${t.length} entries but w has ${w.length}`);
}

/**
 * l2 projection. KKT: `delta_i = clip(-lambda w_i, -t_i, 1 - t_i)` with the scalar `lambda` solving
 * `w.delta = b - w.t`; `phi(lambda) = w.delta(lambda)` is piecewise linear and monotone, so `lambda` is found exactly
 * by walking its sorted breakpoints. When no box point reaches the hyperplane, returns the box point closest to it
 * (lambda = infinity), as the reference does.
 */
export function projectHyperplaneBoxL2(t: ArrayLike<number>, w: ArrayLike<number>, b: number): Float64Array {
  checkLengths(t, w, 'projectHyperplaneBoxL2');
  const d = t.length;
  const delta = new Float64Array(d);
  const c = residual(t, w, b);
  if (c === 0) return delta;
  const sign = c > 0 ? 1 : -1;
  // With ws = sign * w we need ws.delta = -|c|: move against ws.
  const target = -Math.abs(c);
  const ws = new Float64Array(d);
  const lambdas = new Float64Array(d);
  const order: number[] = [];
  let slope = 0;
  for (let i = 0; i < d; i++) {
    const wi = sign * (w[i] ?? 0);
    if (Math.abs(wi) <= ZERO_WEIGHT) continue;
    const ti = t[i] ?? 0;
    ws[i] = wi;
    // -lambda * wi reaches the lower bound -t_i (wi > 0) or the upper bound 1 - t_i (wi < 0).
    lambdas[i] = Math.max(0, wi > 0 ? ti / wi : (1 - ti) / -wi);
    order.push(i);
    slope += wi * wi;
  }
  const sorted = Uint32Array.from(order).sort((a, z) => (lambdas[a] ?? 0) - (lambdas[z] ?? 0));
  let lambdaOpt = Number.POSITIVE_INFINITY;
  let at = 0;
  let value = 0;
  for (const i of sorted) {
    const lambda = lambdas[i] ?? 0;
    const next = value - slope * (lambda - at);
    if (next <= target) {
      lambdaOpt = at + (value - target) / slope;
      break;
    }
    value = next;
    at = lambda;
    slope -= (ws[i] ?? 0) ** 2;
  }
  for (const i of order) {
    const wi = ws[i] ?? 0;
    const ti = t[i] ?? 0;
    const free = Number.isFinite(lambdaOpt) ? -lambdaOpt * wi : wi > 0 ? -ti : 1 - ti;
    delta[i] = Math.min(Math.max(free, -ti), 1 - ti);
  }
  return delta;
}

/**
 * l-inf projection. For a radius `tau` the reachable change of `w.delta` towards the hyperplane is
 * `g(tau) = sum_i |w_i| min(tau, room_i)` (room_i = distance to the box face in the direction -sign(w_i) c), a
 * monotone piecewise-linear function: the minimal `tau` with `g(tau) = |c|` is found exactly from the sorted rooms,
 * and `delta_i = -sign(c w_i) min(tau, room_i)`. When even the box corner does not reach the hyperplane, returns the
 * unconstrained l-inf projection `-sign(c w) |c| / ||w||_1` (the reference's choice; the caller clips to the box).
 */
export function projectHyperplaneBoxLinf(t: ArrayLike<number>, w: ArrayLike<number>, b: number): Float64Array {
  checkLengths(t, w, 'projectHyperplaneBoxLinf');
  const d = t.length;
  const delta = new Float64Array(d);
  const c = residual(t, w, b);
  if (c === 0) return delta;
  const sign = c > 0 ? 1 : -1;
  const need = Math.abs(c);
  const rooms = new Float64Array(d);
  const order: number[] = [];
  let slope = 0;
  for (let i = 0; i < d; i++) {
    const wi = sign * (w[i] ?? 0);
    if (Math.abs(wi) <= ZERO_WEIGHT) continue;
    const ti = t[i] ?? 0;
    rooms[i] = Math.max(0, wi > 0 ? ti : 1 - ti);
    order.push(i);
    slope += Math.abs(wi);
  }
  const l1 = slope;
  const sorted = Uint32Array.from(order).sort((a, z) => (rooms[a] ?? 0) - (rooms[z] ?? 0));
  let tau = Number.POSITIVE_INFINITY;
  let at = 0;
  let value = 0;
  for (const i of sorted) {
    const room = rooms[i] ?? 0;
    const next = value + slope * (room - at);
    if (next >= need) {
      tau = at + (need - value) / slope;
      break;
    }
    value = next;
    at = room;
    slope -= Math.abs(w[i] ?? 0);
  }
  const infeasible = !Number.isFinite(tau);
  for (const i of order) {
    const direction = sign * (w[i] ?? 0) > 0 ? -1 : 1;
    delta[i] = infeasible ? (direction * need) / l1 : direction * Math.min(tau, rooms[i] ?? 0);
  }
  return delta;
}

/**
 * l1 projection, a fractional knapsack: moving coordinate i towards the hyperplane costs 1 / |w_i| per unit of
 * progress, so the optimum moves the coordinates with the largest |w_i| first, each up to its box face, the last one
 * partly. When even the box corner does not reach the hyperplane, returns that corner (the reference's choice).
 */
export function projectHyperplaneBoxL1(t: ArrayLike<number>, w: ArrayLike<number>, b: number): Float64Array {
  checkLengths(t, w, 'projectHyperplaneBoxL1');
  const d = t.length;
  const delta = new Float64Array(d);
  const c = residual(t, w, b);
  if (c === 0) return delta;
  const sign = c > 0 ? 1 : -1;
  let need = Math.abs(c);
  const order: number[] = [];
  for (let i = 0; i < d; i++) if (Math.abs(w[i] ?? 0) > ZERO_WEIGHT) order.push(i);
  const sorted = Uint32Array.from(order).sort((a, z) => Math.abs(w[z] ?? 0) - Math.abs(w[a] ?? 0));
  for (const i of sorted) {
    const wi = sign * (w[i] ?? 0);
    const ti = t[i] ?? 0;
    const room = Math.max(0, wi > 0 ? ti : 1 - ti);
    const gain = Math.abs(wi) * room;
    const direction = wi > 0 ? -1 : 1;
    if (gain >= need) {
      delta[i] = (direction * need) / Math.abs(wi);
      need = 0;
      break;
    }
    delta[i] = direction * room;
    need -= gain;
  }
  return delta;
}

import type { Rng } from '../core/rng.ts';

/** Shape of a batch of NHWC images on the host: count, height, width, channels, values per image. */
export interface Geometry {
  /** Number of images. */
  n: number;
  /** Height. */
  h: number;
  /** Width. */
  w: number;
  /** Channels. */
  c: number;
  /** Values per image (h * w * c). */
  size: number;
}

/** Flat NHWC offset of (sample, row, column, channel). */
export function index(g: Geometry, s: number, r: number, col: number, ch: number): number {
  return ((s * g.h + r) * g.w + col) * g.c + ch;
}

/** A random sign, -1 or 1. */
export function sign(rng: Rng): number {
  return rng.uniform() < 0.5 ? -1 : 1;
}

/** l2 norm of `v[from .. from + size)`. */
export function rowL2(v: Float32Array | Float64Array, from: number, size: number): number {
  let acc = 0;
  for (let i = from; i < from + size; i++) acc += (v[i] ?? 0) ** 2;
  return Math.sqrt(acc);
}

/** A square window: top row, left column, side. */
export interface Window {
  /** Top row. */
  r: number;
  /** Left column. */
  c: number;
  /** Side. */
  s: number;
}

/** Whether (r, c) lies in the window. */
export function inWindow(win: Window, r: number, c: number): boolean {
  return r >= win.r && r < win.r + win.s && c >= win.c && c < win.c + win.s;
}

/** A uniformly placed s x s window (as the reference: floor(U * (h - s))). */
export function randomWindow(g: Geometry, s: number, rng: Rng): Window {
  return { r: Math.floor(rng.uniform() * (g.h - s)), c: Math.floor(rng.uniform() * (g.w - s)), s };
}

import { describe, expect, it } from 'vitest';
import { loadNativeAddon, type NativeConvAddon } from './native-addon.ts';

// The addon is built at install (scripts/build-native.mjs); these tests fail, naming the fix, when it is not.
async function addon(): Promise<NativeConvAddon> {
  const r = await loadNativeAddon();
  if (!r.addon) throw new Error(`native addon not available: ${r.reason}`);
  return r.addon;
}

// [B,H,W,Cin,OH,OW,Cout,KH,KW,SH,SW,PT,PL]: 1x4x4x2 input, 3x3 filter 2->3, stride 1, pad 1
const geom = () => Int32Array.from([1, 4, 4, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1]);

describe('native conv addon', () => {
  it('reports the instruction set it chose and its worker threads', async () => {
    const info = (await addon()).info();
    expect(['avx512', 'avx2-fma', 'baseline-simd128']).toContain(info.isa);
    expect([16, 8, 4]).toContain(info.vectorWidth);
    expect(info.threads).toBeGreaterThanOrEqual(1);
  });

  it('computes a 1x1 conv as a per-pixel matrix product (independent truth)', async () => {
    const a = await addon();
    const g = Int32Array.from([1, 2, 3, 2, 2, 3, 3, 1, 1, 1, 1, 0, 0]);
    const x = Float32Array.from({ length: 12 }, (_, i) => i - 5);
    const w = Float32Array.from([1, 0, 2, -1, 3, 0.5]); // [ci][co]
    const y = new Float32Array(18);
    a.conv2dForward(g, x, w, y, null, 0, 0);
    const want = [];
    for (let p = 0; p < 6; p++)
      for (let co = 0; co < 3; co++) want.push(x[2 * p]! * w[co]! + x[2 * p + 1]! * w[3 + co]!);
    expect(Array.from(y)).toEqual(want);
  });

  it('refuses arguments that do not fit the geometry, naming them', async () => {
    const a = await addon();
    const x = new Float32Array(32);
    const w = new Float32Array(54);
    const y = new Float32Array(48);
    expect(() => a.conv2dForward(geom(), x.subarray(0, 31), w, y, null, 0, 0)).toThrow(
      /'x' has 31 elements, expected 32 \(what the geometry says\)/,
    );
    expect(() => a.conv2dForward(geom(), x, w, new Float32Array(10), null, 0, 0)).toThrow(/'y' has 10 elements/);
    expect(() => a.conv2dForward(geom(), x, w, y, new Float32Array(2), 0, 0)).toThrow(/'bias' has 2 elements/);
    expect(() => a.conv2dBackpropInput(geom(), y, new Float64Array(54) as never, x)).toThrow(
      /'filter' must be a Float32Array/,
    );
    expect(() => a.conv2dBackpropFilter(new Int32Array(5), x, y, w)).toThrow(/'geometry' must be an Int32Array of 13/);
    const bad = geom();
    bad[9] = 0; // stride 0
    expect(() => a.conv2dForward(bad, x, w, y, null, 0, 0)).toThrow(
      /argument 'geometry' is invalid: SH = 0 \(sizes and strides must be >= 1\)/,
    );
    expect(() => a.setThreads(0)).toThrow(/setThreads\(n\): argument 'n' must be an integer in \[1, 256\], got 0/);
  });

  it('refuses bad arguments of the tensor and RISTA kernels, naming them', async () => {
    const a = await addon();
    const f = (n: number) => new Float32Array(n);
    expect(() => a.binary(3 as never, f(4), f(4), f(4))).toThrow(/argument 'op' must be an integer in \[0, 2\], got 3/);
    expect(() => a.binary(0, f(3), f(4), f(4))).toThrow(/one must have out's 4 and the other a number dividing it/);
    expect(() => a.tile(f(6), Int32Array.from([2, 3]), Int32Array.from([2]), f(12))).toThrow(
      /argument 'reps' has 1 values, shape has rank 2/,
    );
    expect(() => a.tile(new Float64Array(6) as never, Int32Array.from([6]), Int32Array.from([2]), f(12))).toThrow(
      /'x' must be a Float32Array or Int32Array/,
    );
    expect(() => a.elasticResidual(f(8), f(7), 0.5, 1e-3, f(8))).toThrow(
      /'u' has 7 elements, expected 8 \(as many as 'x'\)/,
    );
    expect(() => a.shrinkStep(f(3), f(4), 1, 0.1, true, f(4))).toThrow(
      /'z' has 3 elements, expected 4 \(as many as 'v'\)/,
    );
    expect(() => a.reduceLeading(f(8), 0, 8, 1, f(8))).toThrow(
      /argument 'outer' must be an integer in \[1, 9007199254740991\], got 0/,
    );
    expect(() => (a.conv2dForward as unknown as (...x: unknown[]) => void)(geom())).toThrow(
      /conv2dForward\(geometry, x, filter, y, bias\?, activation\?, alpha\?\) takes 4 to 7 arguments, got 1/,
    );
  });

  it('computes the binary ops with broadcasting against plain loops', async () => {
    const a = await addon();
    const n = 3 * 70000;
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    const c = Float32Array.from({ length: 3 }, (_, i) => i + 0.5);
    const out = new Float32Array(n);
    a.binary(1, c, x, out); // [3] - [70000, 3]
    for (let i = 0; i < n; i += 997) expect(out[i]).toBe(Math.fround(c[i % 3]! - x[i]!));
    a.binary(2, x, Float32Array.of(2), out);
    for (let i = 0; i < n; i += 997) expect(out[i]).toBe(Math.fround(2 * x[i]!));
  });

  it('gives the same result with 1 and 2 worker threads', async () => {
    const a = await addon();
    const before = a.info().threads;
    const g = Int32Array.from([3, 9, 7, 5, 5, 4, 19, 3, 3, 2, 2, 1, 1]);
    const x = Float32Array.from({ length: 3 * 9 * 7 * 5 }, (_, i) => Math.sin(i));
    const dy = Float32Array.from({ length: 3 * 5 * 4 * 19 }, (_, i) => Math.cos(i));
    const run = () => {
      const dw = new Float32Array(3 * 3 * 5 * 19);
      a.conv2dBackpropFilter(g, x, dy, dw);
      return dw;
    };
    a.setThreads(1);
    const one = run();
    expect(a.setThreads(2)).toBe(2);
    const two = run();
    a.setThreads(before);
    for (let i = 0; i < one.length; i++) expect(two[i]).toBeCloseTo(one[i]!, 4);
    expect(Math.max(...one.map(Math.abs))).toBeGreaterThan(0.1);
  });
});

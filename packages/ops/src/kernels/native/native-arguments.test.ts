import { describe, expect, it } from 'vitest';
import { loadNativeAddon, type NativeConvAddon } from '../../backend/native-addon.ts';

// The addon validates every argument in C++ and throws an Error naming it. Each case below crashed the process
// (SIGSEGV / SIGFPE: overflowing sizes cast to size_t, a zero divisor) or silently used a fallback before.
async function addon(): Promise<NativeConvAddon> {
  const r = await loadNativeAddon();
  if (!r.addon) throw new Error(`native addon not available: ${r.reason}`);
  return r.addon;
}
const f = (n: number) => new Float32Array(n);
const i32 = (...v: number[]) => Int32Array.from(v);
/** Calls a binding with arguments its TypeScript signature would not allow. */
const raw =
  (fn: unknown, ...args: unknown[]) =>
  () =>
    (fn as (...a: unknown[]) => unknown)(...args);

describe('native addon argument validation', () => {
  it('tile: reps whose product overflows, negative sizes, mixed element types, wrong lengths', async () => {
    const a = await addon();
    const big = 2 ** 31 - 1;
    // 17 x (2^31 - 1)^3 elements: wrapped around size_t before and passed the size check
    expect(() => a.tile(f(1), i32(1, 1, 1, 1), i32(17, big, big, big), f(4))).toThrow(
      /tile\(x, shape, reps, out\): argument 'reps' make an output too large to address/,
    );
    expect(() => a.tile(f(4), i32(2, 2), i32(big, big), f(4))).toThrow(/argument 'reps' make an output too large/);
    expect(() => a.tile(f(4), i32(2, 2), i32(3, 1), f(4))).toThrow(
      /argument 'out' has 4 elements, shape x reps says 12/,
    );
    expect(() => a.tile(f(2), i32(2), i32(-1), f(2))).toThrow(/argument 'reps' must hold repetitions >= 0, got -1/);
    expect(() => a.tile(f(2), i32(-2), i32(1), f(2))).toThrow(/argument 'shape' must hold sizes >= 0, got -2/);
    expect(() => a.tile(f(2), i32(2), i32(2), new Int32Array(4))).toThrow(
      /argument 'out' must have the element type of 'x'/,
    );
    expect(() => a.tile(f(3), i32(2), i32(2), f(4))).toThrow(/argument 'x' has 3 elements, shape says 2/);
    const rank17 = new Int32Array(17).fill(1);
    expect(() => a.tile(f(1), rank17, rank17, f(1))).toThrow(/argument 'shape' has rank 17, at most 16 is supported/);
  });

  it('reduceLeading: outer or inner not a finite integer in range, or not matching x', async () => {
    const a = await addon();
    expect(() => a.reduceLeading(f(8), 2 ** 63, 1, 1, f(1))).toThrow(
      /reduceLeading\(x, outer, inner, scale, out\): argument 'outer' must be an integer in \[1, 9007199254740991\], got 9223372036854775808/,
    );
    expect(() => a.reduceLeading(f(8), Number.NaN, 1, 1, f(1))).toThrow(
      /argument 'outer' must be an integer .*got NaN/,
    );
    expect(() => a.reduceLeading(f(8), 4, 2.5, 1, f(2))).toThrow(/argument 'inner' must be an integer .*got 2.5/);
    expect(() => a.reduceLeading(f(8), 2 ** 52, 2 ** 12, 1, f(4096))).toThrow(
      /argument 'x' has 8 elements, outer x inner = 4503599627370496 x 4096/,
    );
    expect(() => a.reduceLeading(f(8), 3, 2, 1, f(2))).toThrow(/argument 'x' has 8 elements, outer x inner = 3 x 2/);
    expect(() => a.reduceLeading(f(8), 4, 2, Number.POSITIVE_INFINITY, f(2))).toThrow(
      /argument 'scale' must be a finite number, got Infinity/,
    );
    expect(raw(a.reduceLeading, f(8), '4', 2, 1, f(2))).toThrow(/argument 'outer' must be a number, got a string/);
  });

  it('batchNorm: channels not an integer dividing x (1e30 divided by zero after a cast before)', async () => {
    const a = await addon();
    const one = Float32Array.of(0.5);
    const bn =
      (channels: number, eps = 1e-3) =>
      () =>
        a.batchNorm(f(6), channels, one, one, null, null, eps, f(6));
    expect(bn(1e30)).toThrow(/batchNorm\(.*\): argument 'channels' must be an integer in \[1, 6\], got 1e\+30/);
    expect(bn(0)).toThrow(/argument 'channels' must be an integer in \[1, 6\], got 0/);
    expect(bn(4)).toThrow(/argument 'channels' must divide x's 6 elements, got 4/);
    expect(bn(3, Number.NaN)).toThrow(/argument 'eps' must be a finite number >= 0, got NaN/);
    expect(() => a.batchNorm(f(6), 3, f(2), one, null, null, 1e-3, f(6))).toThrow(
      /argument 'mean' has 2 elements, expected 1 or channels = 3/,
    );
    const out = f(6);
    a.batchNorm(Float32Array.of(1, 2, 3, 4, 5, 6), 3, one, Float32Array.of(0.25), null, null, 0, out);
    expect(Array.from(out)).toEqual([1, 3, 5, 7, 9, 11]); // (x - 0.5) / sqrt(0.25)
  });

  it('batchNormTrain / batchNormTrainGrad: channels dividing x, per-channel arrays of channels values', async () => {
    const a = await addon();
    const c3 = () => f(3);
    expect(() => a.batchNormTrain(f(6), 4, null, null, 1e-5, f(6), f(4), f(4))).toThrow(
      /batchNormTrain\(.*\): argument 'channels' must divide x's 6 elements, got 4/,
    );
    expect(() => a.batchNormTrain(f(0), 1, null, null, 1e-5, f(0), f(1), f(1))).toThrow(
      /argument 'x' must not be empty/,
    );
    expect(() => a.batchNormTrain(f(6), 3, f(1), null, 1e-5, f(6), c3(), c3())).toThrow(
      /argument 'scale' has 1 elements, expected 3 \(channels\)/,
    );
    expect(() => a.batchNormTrain(f(6), 3, null, null, -1, f(6), c3(), c3())).toThrow(
      /argument 'eps' must be a finite number >= 0, got -1/,
    );
    expect(() => a.batchNormTrain(f(6), 3, null, null, 1e-5, f(6), c3(), f(2))).toThrow(
      /argument 'variance' has 2 elements, expected 3 \(channels\)/,
    );
    expect(() => a.batchNormTrainGrad(f(6), f(5), 3, null, c3(), c3(), 1e-5, null, null, f(6), null, null)).toThrow(
      /batchNormTrainGrad\(.*\): argument 'x' has 5 elements, expected 6 \(as many as 'dy'\)/,
    );
    expect(() => a.batchNormTrainGrad(f(6), f(6), 3, null, c3(), c3(), 1e-5, f(2), null, f(6), null, null)).toThrow(
      /argument 'dmean' has 2 elements, expected 3 \(channels\)/,
    );
    // two rows of three channels: mean (2.5, 3.5, 4.5), variance 2.25, y = +-1 without scale / offset
    const y = f(6);
    const mean = c3();
    const variance = c3();
    a.batchNormTrain(Float32Array.of(1, 2, 3, 4, 5, 6), 3, null, null, 0, y, mean, variance);
    expect(Array.from(mean)).toEqual([2.5, 3.5, 4.5]);
    expect(Array.from(variance)).toEqual([2.25, 2.25, 2.25]);
    expect(Array.from(y)).toEqual([-1, -1, -1, 1, 1, 1]);
  });

  it('shrinkStep and the other RISTA kernels: scalars must be numbers, flags booleans', async () => {
    const a = await addon();
    // t = 'x' silently became 0 before
    expect(raw(a.shrinkStep, null, f(4), 'x', 0.1, true, f(4))).toThrow(
      /shrinkStep\(z, v, t, thr, nonNegative, out\): argument 't' must be a number, got a string/,
    );
    expect(raw(a.shrinkStep, null, f(4), 1, undefined, true, f(4))).toThrow(/argument 'thr' is required \(a number\)/);
    expect(raw(a.shrinkStep, null, f(4), 1, 0.1, 1, f(4))).toThrow(
      /argument 'nonNegative' must be a boolean, got a number/,
    );
    expect(raw(a.shrinkStepGrad, null, f(4), f(4), 1, 0.1, true, f(4), f(4))).toThrow(
      /argument 'dz' must be given exactly when 'z' is/,
    );
    expect(() => a.elasticResidual(f(4), f(4), 0.5, 0, f(4))).toThrow(
      /argument 'eps' must be a finite number > 0, got 0/,
    );
    expect(raw(a.elasticResidualGrad, f(4), f(4), f(4), 0.5, 1e-3, 'no', f(4), f(4))).toThrow(
      /argument 'detach' must be a boolean, got a string/,
    );
  });

  it('conv: geometry whose element counts or indices overflow 32 bits, non-integer activation, non-finite alpha', async () => {
    const a = await addon();
    // [B,H,W,Cin,OH,OW,Cout,KH,KW,SH,SW,PT,PL]
    const huge = i32(65536, 65536, 1, 1, 65536, 1, 1, 1, 1, 1, 1, 0, 0);
    expect(() => a.conv2dForward(huge, f(1), f(1), f(1), null, 0, 0)).toThrow(
      /argument 'geometry' is too large \(element counts and indices must stay below 2\^31\)/,
    );
    const pads = i32(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2 ** 31 - 1, 0);
    expect(() => a.conv2dForward(pads, f(1), f(1), f(1), null, 0, 0)).toThrow(/argument 'geometry' is too large/);
    const g = i32(1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 1, 0, 0);
    expect(() => a.conv2dForward(g, f(4), f(1), f(4), null, 4, 0)).toThrow(
      /argument 'activation' must be an integer in \[0, 3\], got 4/,
    );
    expect(() => a.conv2dForward(g, f(4), f(1), f(4), null, 1.5, 0)).toThrow(
      /argument 'activation' must be an integer/,
    );
    expect(() => a.conv2dForward(g, f(4), f(1), f(4), null, 3, Number.NaN)).toThrow(
      /argument 'alpha' must be a finite number, got NaN/,
    );
    expect(raw(a.conv2dBackpropInput, g, f(4), f(1), f(4), 'extra')).toThrow(/takes 4 arguments, got 5/);
  });

  it('unary, binary and setThreads: codes and bounds', async () => {
    const a = await addon();
    expect(() => a.unary(1, f(4), 1, 0, f(4))).toThrow(/argument 'hi' must be >= lo, got lo = 1, hi = 0/);
    expect(() => a.unary(1, f(4), Number.NaN, 0, f(4))).toThrow(/argument 'lo' must not be NaN/);
    expect(() => a.unary(3, f(4), Number.NaN, 0, f(4))).toThrow(/argument 'lo' must not be NaN/); // step's alpha
    expect(() => a.unary(0.5 as never, f(4), 0, 0, f(4))).toThrow(
      /argument 'op' must be an integer in \[0, 3\], got 0.5/,
    );
    expect(raw(a.binary, '0', f(4), f(4), f(4))).toThrow(/argument 'op' must be a number, got a string/);
    expect(() => a.setThreads(257)).toThrow(/argument 'n' must be an integer in \[1, 256\], got 257/);
    expect(() => a.setThreads(2 ** 32 + 2)).toThrow(/argument 'n' must be an integer in \[1, 256\]/);
  });
});

describe('native addon kernel status', () => {
  it('turns a failed scratch allocation into a thrown out-of-memory Error, then works again', async () => {
    const a = await addon();
    const g = i32(1, 6, 6, 3, 6, 6, 4, 3, 3, 1, 1, 1, 1);
    const x = Float32Array.from({ length: 108 }, (_, i) => Math.sin(i));
    const w = Float32Array.from({ length: 108 }, (_, i) => Math.cos(i));
    const run = () => {
      const y = f(144);
      a.conv2dForward(g, x, w, y, null, 0, 0);
      return y;
    };
    const want = run();
    for (const k of [0, 1, 2]) {
      a.debugFailAllocations(k);
      try {
        expect(run).toThrow(/conv2dForward: out of memory \(a scratch buffer could not be allocated\)/);
      } finally {
        a.debugFailAllocations(-1);
      }
    }
    a.debugFailAllocations(0);
    let code: unknown;
    try {
      a.reduceLeading(f(64 * 300), 64, 300, 1, f(300));
    } catch (err) {
      code = (err as { code?: unknown }).code;
    } finally {
      a.debugFailAllocations(-1);
    }
    expect(code).toBe('EDL_OUT_OF_MEMORY');
    expect(Array.from(run())).toEqual(Array.from(want));
  });
});

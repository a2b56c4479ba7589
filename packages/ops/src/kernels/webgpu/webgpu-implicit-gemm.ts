/**
 * WGSL of an implicit GEMM `out[m, n] = sum_k A[k, m] B[k, n]` whose operands are gathered on the fly and whose
 * result goes through `fn store(m : i32, n : i32, split : i32, value : f32)`. The gathers come in two parts so
 * that the index arithmetic of a row or column (divisions) is done once per thread, not once per k:
 * `fn prepA(m : i32) -> vec4<i32>` / `fn prepB(n : i32) -> vec4<i32>` before the k loop, then
 * `fn loadA(k : i32, mi : vec4<i32>) -> f32` / `fn loadB(k : i32, ni : vec4<i32>) -> f32` (0 outside the matrices).
 *
 * A workgroup of 16 x 16 threads computes a 64 x 64 tile of `out`, 4 x 4 values per thread, stepping through
 * `k` 16 at a time with both operand tiles in workgroup memory. `workgroupId.z` picks a split of the `k` range
 * (`uniforms.kPerSplit` each, a multiple of 16) so a long reduction over few outputs (the filter gradient) still
 * fills the device; the caller adds the splits up. `aKFast` / `bKFast`: which index is contiguous in memory, so
 * that neighbouring threads load neighbouring floats.
 */
export function implicitGemmShader(loadA: string, loadB: string, store: string, aKFast: boolean, bKFast: boolean) {
  // loadA / loadB: WGSL defining prepA + loadA and prepB + loadB
  // 16 x 64 tile, 1024 values, 4 per thread; idx = thread + e * 256
  // thread tid loads elements tid + e * 256 (e = 0..3) of each 16 x 64 operand tile: k index and column
  const kk = (kFast: boolean, e: number) => (kFast ? 'tid % 16' : `tid / 64 + ${4 * e}`);
  const cc = (kFast: boolean, e: number) => (kFast ? `tid / 16 + ${16 * e}` : 'tid % 64');
  const E = [0, 1, 2, 3];
  // the 4 rows / columns this thread loads are the same at every k step: prepared once
  const prep = (info: string, kFast: boolean, fn: string, col0: string) =>
    E.map((e) => `let ${info}${e} = ${fn}(${col0} + ${cc(kFast, e)});`).join('\n      ');
  const tileLoad = (name: string, kFast: boolean, load: string, info: string) =>
    E.map(
      (e) => `${name}[${kk(kFast, e)}][${cc(kFast, e)}] = ${load}(kBase + kt + ${kk(kFast, e)}, ${info}${e});`,
    ).join('\n        ');
  // the 4 x 4 register tile, unrolled in the source (scalars, so no compiler keeps it in memory)
  const R = [0, 1, 2, 3];
  return `
    var<workgroup> tileA : array<array<f32, 64>, 16>;
    var<workgroup> tileB : array<array<f32, 64>, 16>;
    ${loadA}
    ${loadB}
    ${store}
    fn put(m : i32, n : i32, split : i32, value : f32) {
      if (m < uniforms.M && n < uniforms.N) {
        store(m, n, split, value);
      }
    }
    fn main() {
      let lx = i32(localId.x);
      let ly = i32(localId.y);
      let tid = ly * 16 + lx;
      let m0 = i32(workgroupId.y) * 64;
      let n0 = i32(workgroupId.x) * 64;
      let split = i32(workgroupId.z);
      let kBase = split * uniforms.kPerSplit;
      ${R.map((i) => R.map((q) => `var acc${i}${q} = 0.0;`).join(' ')).join('\n      ')}
      ${prep('aInfo', aKFast, 'prepA', 'm0')}
      ${prep('bInfo', bKFast, 'prepB', 'n0')}
      for (var kt = 0; kt < uniforms.kPerSplit; kt = kt + 16) {
        ${tileLoad('tileA', aKFast, 'loadA', 'aInfo')}
        ${tileLoad('tileB', bKFast, 'loadB', 'bInfo')}
        workgroupBarrier();
        for (var j = 0; j < 16; j = j + 1) {
          ${R.map((i) => `let a${i} = tileA[j][ly * 4 + ${i}];`).join(' ')}
          ${R.map((q) => `let b${q} = tileB[j][lx * 4 + ${q}];`).join(' ')}
          ${R.map((i) => R.map((q) => `acc${i}${q} = fma(a${i}, b${q}, acc${i}${q});`).join(' ')).join('\n          ')}
        }
        workgroupBarrier();
      }
      ${R.map((i) => R.map((q) => `put(m0 + ly * 4 + ${i}, n0 + lx * 4 + ${q}, split, acc${i}${q});`).join(' ')).join('\n      ')}
    }`;
}

/** Uniform declarations shared by the convolution GEMMs (all i32). */
export const CONV_GEMM_UNIFORMS =
  'M : i32, N : i32, K : i32, kPerSplit : i32, inH : i32, inW : i32, inC : i32, outH : i32, outW : i32, outC : i32, kW : i32, strideH : i32, strideW : i32, padT : i32, padL : i32,';

/** Values of {@link CONV_GEMM_UNIFORMS}, in order. */
export function convGemmUniforms(v: {
  M: number;
  N: number;
  K: number;
  kPerSplit: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kW: number;
  strideH: number;
  strideW: number;
  padT: number;
  padL: number;
}): Array<{ type: 'int32'; data: number[] }> {
  return [
    v.M,
    v.N,
    v.K,
    v.kPerSplit,
    v.inH,
    v.inW,
    v.inC,
    v.outH,
    v.outW,
    v.outC,
    v.kW,
    v.strideH,
    v.strideW,
    v.padT,
    v.padL,
  ].map((x) => ({ type: 'int32' as const, data: [x] }));
}

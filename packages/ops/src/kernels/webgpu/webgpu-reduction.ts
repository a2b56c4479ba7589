import type * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { release, run, type Uniform, WORKGROUP, workgroupProgram } from './webgpu-program.ts';

/** Elements one workgroup of the first reduction pass sums at least (each of its threads takes every 256th). */
const PER_GROUP = WORKGROUP * 8;
/** Workgroups of the first pass at most (WebGPU's guaranteed limit per dispatch dimension). */
const MAX_GROUPS = 65535;

/** WGSL: the workgroup tree sum of `partial` (all threads must call it: it has barriers). */
const TREE_SUM = `
  partial[lid] = acc;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}; s > 0; s = s / 2) {
    if (lid < s) {
      partial[lid] = partial[lid] + partial[lid + s];
    }
    workgroupBarrier();
  }`;

/**
 * Sums of per-element terms over `n` elements, `rows` sums at once, in two passes on the device: workgroups of
 * 256 threads sum 2048 (or more) elements each into a `[rows, groups]` buffer, then one workgroup per sum adds those up.
 * `termFn` is WGSL defining `fn term(i : i32, row : i32) -> f32` over the program inputs `variableNames`;
 * `uniforms` / `uniformValues` are the extra uniforms it reads. Returns one scalar tensor per row.
 */
export function sumTerms(
  backend: WebGPUBackend,
  key: string,
  variableNames: string[],
  inputs: tf.TensorInfo[],
  n: number,
  rows: number,
  termFn: string,
  uniforms = '',
  uniformValues: Uniform[] = [],
): tf.TensorInfo[] {
  // 2048 elements per workgroup, more when that would need over 65535 workgroups (n > 134M)
  const perGroup = Math.max(PER_GROUP, Math.ceil(n / MAX_GROUPS / WORKGROUP) * WORKGROUP);
  const groups = Math.max(1, Math.ceil(n / perGroup));
  const first = workgroupProgram(
    `edlSumTerms_${key}`,
    variableNames,
    [rows, groups],
    [groups, rows, 1],
    [WORKGROUP, 1, 1],
    `${uniforms} n : i32, perGroup : i32, groups : i32,`,
    `
    var<workgroup> partial : array<f32, ${WORKGROUP}>;
    ${termFn}
    fn main() {
      let lid = i32(localId.x);
      let row = i32(workgroupId.y);
      let base = i32(workgroupId.x) * uniforms.perGroup;
      var acc = 0.0;
      for (var j = 0; j < uniforms.perGroup; j = j + ${WORKGROUP}) {
        let i = base + j + lid;
        if (i < uniforms.n) {
          acc = acc + term(i, row);
        }
      }
      ${TREE_SUM}
      if (lid == 0) {
        setOutputAtIndex(row * uniforms.groups + i32(workgroupId.x), partial[0]);
      }
    }`,
  );
  const partials = run(backend, first, inputs, [
    ...uniformValues,
    { type: 'int32', data: [n] },
    { type: 'int32', data: [perGroup] },
    { type: 'int32', data: [groups] },
  ]);
  const out: tf.TensorInfo[] = [];
  for (let row = 0; row < rows; row++) {
    const second = workgroupProgram(
      'edlSumRow',
      ['P'],
      [],
      [1, 1, 1],
      [WORKGROUP, 1, 1],
      'row : i32, groups : i32,',
      `
      var<workgroup> partial : array<f32, ${WORKGROUP}>;
      fn main() {
        let lid = i32(localId.x);
        var acc = 0.0;
        for (var j = 0; j < uniforms.groups; j = j + ${WORKGROUP}) {
          let g = j + lid;
          if (g < uniforms.groups) {
            acc = acc + P[uniforms.row * uniforms.groups + g];
          }
        }
        ${TREE_SUM}
        if (lid == 0) {
          setOutputAtIndex(0, partial[0]);
        }
      }`,
    );
    out.push(
      run(
        backend,
        second,
        [partials],
        [
          { type: 'int32', data: [row] },
          { type: 'int32', data: [groups] },
        ],
      ),
    );
  }
  release(backend, [partials]);
  return out;
}

import type * as tf from '@tensorflow/tfjs';
import { flatProgram, floatInput, release, run, scalarInput, type WebgpuKernel } from './webgpu-program.ts';
import { sumTerms } from './webgpu-reduction.ts';

// The fused RISTA elementwise kernels (see `operators/fused-rista.ts` for the ops and native/rista-kernels.cc for
// the same math on the CPU):
//   elastic residual  g = (beta + (1 - beta) w) r,  r = x - u,  w = 1 / (2 (|r| + eps))
//   shrink step       T(z + t v),  T(s) = max(s - thr, 0) (nonNegative) or sign(s) max(|s| - thr, 0)
// Scalars (beta, t, thr) stay on the device: a tensor input is bound as a one-element buffer, a number attribute
// is uploaded as one. Scalar gradients are sums over all elements, done on the device (webgpu-reduction.ts).

function sameShape(kernel: string, a: tf.TensorInfo, b: tf.TensorInfo, an: string, bn: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(`${kernel}: '${an}' [${a.shape}] and '${bn}' [${b.shape}] must have the same shape`);
  }
}

function numberAttr(kernel: string, attrs: Record<string, unknown> | undefined, name: string): number {
  const v = attrs?.[name];
  if (typeof v !== 'number') throw new Error(`${kernel}: attribute '${name}' must be a number, got ${String(v)}`);
  return v;
}

const size = (t: tf.TensorInfo) => t.shape.reduce((a, b) => a * b, 1);

/** WGSL: `s = z + t v` (or `t v` without z) and the threshold, at `i`. */
const SHRINK_ARG = `
  fn shrinkArg(i : i32) -> f32 {
    var s = T[0] * V[i];
    if (uniforms.hasZ > 0.5) {
      s = Z[i] + s;
    }
    return s;
  }`;

/** WGSL: 1 where the threshold is active (0 at the kink, as tfjs' relu gradient), and d out / d thr there. */
const SHRINK_ACTIVE = `
  fn shrinkActive(s : f32) -> vec2<f32> {
    let th = TH[0];
    if (s - th > 0.0) {
      return vec2<f32>(1.0, -1.0);
    }
    if (uniforms.nonNeg < 0.5 && -s - th > 0.0) {
      return vec2<f32>(1.0, 1.0);
    }
    return vec2<f32>(0.0, 0.0);
  }`;

export const webgpuElasticResidual: WebgpuKernel = (args) => {
  const k = 'EdlElasticResidual';
  const x = floatInput(args, 'x', k);
  const u = floatInput(args, 'u', k);
  sameShape(k, x, u, 'x', 'u');
  const eps = numberAttr(k, args.attrs, 'eps');
  const beta = scalarInput(args, 'beta', k);
  const program = flatProgram(
    'edlElasticResidual',
    ['X', 'U', 'B'],
    x.shape,
    'eps : f32,',
    `let r = X[index] - U[index];
     let w = 0.5 / (abs(r) + uniforms.eps);
     let b = B[0];
     setOutputAtIndex(index, (b + (1.0 - b) * w) * r);`,
  );
  const out = run(args.backend, program, [x, u, beta.info], [{ type: 'float32', data: [eps] }]);
  release(args.backend, [beta]);
  return out;
};

export const webgpuElasticResidualGrad: WebgpuKernel = (args) => {
  const k = 'EdlElasticResidualGrad';
  const x = floatInput(args, 'x', k);
  const u = floatInput(args, 'u', k);
  const dy = floatInput(args, 'dy', k);
  sameShape(k, x, u, 'x', 'u');
  sameShape(k, x, dy, 'x', 'dy');
  const eps = numberAttr(k, args.attrs, 'eps');
  const detach = args.attrs?.detach === true;
  const beta = scalarInput(args, 'beta', k);
  // d/dr [r / (2 (|r| + eps))] = eps / (2 (|r| + eps)^2); with detach, w is a constant
  const program = flatProgram(
    'edlElasticResidualGrad',
    ['X', 'U', 'DY', 'B'],
    x.shape,
    'eps : f32, sgn : f32, detach : f32,',
    `let r = X[index] - U[index];
     let a = abs(r) + uniforms.eps;
     let w = 0.5 / a;
     var slope = uniforms.eps * w / a;
     if (uniforms.detach > 0.5) {
       slope = w;
     }
     let b = B[0];
     setOutputAtIndex(index, uniforms.sgn * (DY[index] * (b + (1.0 - b) * slope)));`,
  );
  const uni = (sgn: number) => [
    { type: 'float32' as const, data: [eps] },
    { type: 'float32' as const, data: [sgn] },
    { type: 'float32' as const, data: [detach ? 1 : 0] },
  ];
  const dx = run(args.backend, program, [x, u, dy, beta.info], uni(1));
  const du = run(args.backend, program, [x, u, dy, beta.info], uni(-1));
  const [db] = sumTerms(
    args.backend,
    'elasticResidualBeta',
    ['X', 'U', 'DY'],
    [x, u, dy],
    size(x),
    1,
    `fn term(i : i32, row : i32) -> f32 {
       let r = X[i] - U[i];
       let w = 0.5 / (abs(r) + uniforms.eps);
       return DY[i] * r * (1.0 - w);
     }`,
    'eps : f32,',
    [{ type: 'float32', data: [eps] }],
  );
  release(args.backend, [beta]);
  return [dx, du, db!];
};

function shrinkInputs(args: Parameters<WebgpuKernel>[0], k: string) {
  const v = floatInput(args, 'v', k);
  const z = args.inputs.z ? floatInput(args, 'z', k) : undefined;
  if (z) sameShape(k, z, v, 'z', 'v');
  const nonNegative = args.attrs?.nonNegative;
  if (typeof nonNegative !== 'boolean') throw new Error(`${k}: attribute 'nonNegative' must be a boolean`);
  return { v, z, nonNegative, t: scalarInput(args, 't', k), thr: scalarInput(args, 'thr', k) };
}

export const webgpuShrinkStep: WebgpuKernel = (args) => {
  const { v, z, nonNegative, t, thr } = shrinkInputs(args, 'EdlShrinkStep');
  const program = flatProgram(
    'edlShrinkStep',
    ['Z', 'V', 'T', 'TH'],
    v.shape,
    'hasZ : f32, nonNeg : f32,',
    `let s = shrinkArg(index);
     let th = TH[0];
     var o = 0.0;
     if (s - th > 0.0) {
       o = s - th;
     } else if (uniforms.nonNeg < 0.5 && -s - th > 0.0) {
       o = s + th;
     }
     setOutputAtIndex(index, o);`,
  );
  const inner = program.getUserCode;
  program.getUserCode = () => SHRINK_ARG + inner();
  // without z, v is bound in its place (never read: hasZ = 0), so both cases share one shader
  const out = run(
    args.backend,
    program,
    [z ?? v, v, t.info, thr.info],
    [
      { type: 'float32', data: [z ? 1 : 0] },
      { type: 'float32', data: [nonNegative ? 1 : 0] },
    ],
  );
  release(args.backend, [t, thr]);
  return out;
};

export const webgpuShrinkStepGrad: WebgpuKernel = (args) => {
  const k = 'EdlShrinkStepGrad';
  const { v, z, nonNegative, t, thr } = shrinkInputs(args, k);
  const dy = floatInput(args, 'dy', k);
  sameShape(k, v, dy, 'v', 'dy');
  const inputs = [z ?? v, v, dy, t.info, thr.info];
  const flags = [
    { type: 'float32' as const, data: [z ? 1 : 0] },
    { type: 'float32' as const, data: [nonNegative ? 1 : 0] },
  ];
  const program = flatProgram(
    'edlShrinkStepGrad',
    ['Z', 'V', 'DY', 'T', 'TH'],
    v.shape,
    'hasZ : f32, nonNeg : f32, byT : f32,',
    `let g = DY[index] * shrinkActive(shrinkArg(index)).x;
     var scale = 1.0;
     if (uniforms.byT > 0.5) {
       scale = T[0];
     }
     setOutputAtIndex(index, scale * g);`,
  );
  const inner = program.getUserCode;
  program.getUserCode = () => SHRINK_ARG + SHRINK_ACTIVE + inner();
  const dz = z ? run(args.backend, program, inputs, [...flags, { type: 'float32', data: [0] }]) : undefined;
  const dv = run(args.backend, program, inputs, [...flags, { type: 'float32', data: [1] }]);
  // row 0: d t = sum dy mask v; row 1: d thr = sum dy (d out / d thr)
  const [dt, dthr] = sumTerms(
    args.backend,
    'shrinkStepScalars',
    ['Z', 'V', 'DY', 'T', 'TH'],
    inputs,
    size(v),
    2,
    `${SHRINK_ARG}
     ${SHRINK_ACTIVE}
     fn term(i : i32, row : i32) -> f32 {
       let act = shrinkActive(shrinkArg(i));
       if (row == 0) {
         return DY[i] * act.x * V[i];
       }
       return DY[i] * act.y;
     }`,
    'hasZ : f32, nonNeg : f32,',
    flags,
  );
  release(args.backend, [t, thr]);
  return dz ? [dz, dv, dt!, dthr!] : [dv, dt!, dthr!];
};

// The Node entry of @edl/ops (export condition `node`): the same API as index.ts, with the Node setupBackend (tfjs-node,
// Dawn WebGPU, the wasm thread shim, the native conv kernels). It does not re-export index.ts, whose static import of
// @tensorflow/tfjs-backend-wasm would make wasm tfjs's default backend in Node before it is initialised.

export { defaultThreads, setupBackend } from './backend/setup-backend.node.ts';
export * from './public-api.ts';

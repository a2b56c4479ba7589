import { defineConvKernelEquivalenceSuite } from '../../testing/conv-kernel-equivalence.ts';

// The XNNPACK-based wasm kernels (what runs where the native addon is not built), native kernels switched off.
defineConvKernelEquivalenceSuite('off');

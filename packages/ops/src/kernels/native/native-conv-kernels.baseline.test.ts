import { defineConvKernelEquivalenceSuite } from '../../testing/conv-kernel-equivalence.ts';

// The addon's baseline kernels (4-wide vectors: SSE2 / NEON), forced with EDL_NATIVE_ISA.
defineConvKernelEquivalenceSuite('require', 'baseline');

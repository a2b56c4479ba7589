import { defineConvKernelEquivalenceSuite } from '../../testing/conv-kernel-equivalence.ts';

// The addon's Winograd F(2x2, 3x3) path on the baseline kernels for every 3x3 stride-1 conv of the suite (forced with
// EDL_NATIVE_CONV_ALGORITHM=winograd: the rule keeps these small convs direct), against the cpu backend.
defineConvKernelEquivalenceSuite('require', 'baseline', 'winograd');

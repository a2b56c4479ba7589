import { defineConvKernelEquivalenceSuite } from '../../testing/conv-kernel-equivalence.ts';

// The native addon's kernels; fails with the build command when the addon is not built (it is built at install).
defineConvKernelEquivalenceSuite('require');

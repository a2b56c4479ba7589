import { arch } from 'node:os';
import { describe, it } from 'vitest';
import { defineConvKernelEquivalenceSuite } from '../../testing/conv-kernel-equivalence.ts';

// The addon's Winograd F(2x2, 3x3) path on the AVX2+FMA kernels (8-wide) for every 3x3 stride-1 conv of the suite
// (forced with EDL_NATIVE_CONV_ALGORITHM=winograd: the rule keeps these small convs direct), against the cpu backend.
// x86-64 only: elsewhere the addon has no AVX2 build and this file says so in a test title.
if (arch() === 'x64') defineConvKernelEquivalenceSuite('require', 'avx2', 'winograd');
else describe('native avx2 winograd kernels', () => it.skip(`not built on ${arch()}`, () => undefined));

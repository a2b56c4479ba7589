import { arch } from 'node:os';
import { describe, it } from 'vitest';
import { defineConvKernelEquivalenceSuite } from '../../testing/conv-kernel-equivalence.ts';

// The addon's AVX2+FMA kernels (8-wide), forced with EDL_NATIVE_ISA on machines that would pick AVX-512.
// x86-64 only: elsewhere the addon has no AVX2 build and this file says so in a test title.
if (arch() === 'x64') defineConvKernelEquivalenceSuite('require', 'avx2');
else describe('native avx2 kernels', () => it.skip(`not built on ${arch()}`, () => undefined));

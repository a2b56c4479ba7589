import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../backend/native-addon.ts';
import { expectedNativeAbi, NATIVE_ABI_BY_C_NAME, nativeAbiMismatch } from './native-abi.ts';

// native/edl-abi.h and its TypeScript mirror native-abi.ts must agree, and so must the built addon.
const header = readFileSync(new URL('../../../native/edl-abi.h', import.meta.url), 'utf8');

function headerConstants(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^#define\s+(EDL_[A-Z0-9_]+)\s+(\d+)\s*$/gm)) out[m[1]!] = Number(m[2]);
  for (const m of text.matchAll(/^\s*(EDL_[A-Z0-9_]+)\s*=\s*(\d+)\s*,/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

describe('native ABI (edl-abi.h <-> native-abi.ts <-> the built addon)', () => {
  it('the header defines exactly the constants of the TypeScript mirror, with the same values', () => {
    const parsed = headerConstants(header);
    expect(Object.keys(parsed).length).toBeGreaterThanOrEqual(16);
    expect(parsed).toEqual(NATIVE_ABI_BY_C_NAME);
  });

  it('the built addon reports the same values, and the loader accepts it', async () => {
    const r = await loadNativeAddon();
    if (!r.addon) throw new Error(`native addon not available: ${r.reason}`);
    expect(r.addon.abi()).toEqual(expectedNativeAbi());
    expect(nativeAbiMismatch(r.addon)).toBeUndefined();
  });

  it('names what is wrong with an addon built from other sources', () => {
    expect(nativeAbiMismatch({})).toMatch(/has no abi\(\) \(built from older sources\)/);
    const other = { ...expectedNativeAbi(), version: 1 };
    expect(nativeAbiMismatch({ abi: () => other })).toMatch(/its ABI .*"version":1.* differs from this code's/);
  });
});

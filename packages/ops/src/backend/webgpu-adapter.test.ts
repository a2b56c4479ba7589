import { describe, expect, it } from 'vitest';
import { adapterLabel, describeAdapter } from './webgpu-adapter.ts';

describe('describeAdapter', () => {
  it('reads vendor, architecture and description from GPUAdapter.info', () => {
    const a = describeAdapter({ info: { vendor: 'nvidia', architecture: 'hopper', description: 'H200' } });
    expect(a).toEqual({ vendor: 'nvidia', architecture: 'hopper', description: 'H200', isFallback: false });
    expect(adapterLabel(a)).toBe('nvidia hopper (H200)');
  });

  it('flags a fallback adapter from the adapter (browsers), from info (Dawn 0.6) or from SwiftShader', () => {
    expect(describeAdapter({ isFallbackAdapter: true, info: { vendor: 'x' } }).isFallback).toBe(true);
    expect(describeAdapter({ info: { vendor: 'google', isFallbackAdapter: true } }).isFallback).toBe(true);
    expect(describeAdapter({ info: { vendor: 'google', architecture: 'SwiftShader' } }).isFallback).toBe(true);
    expect(describeAdapter({ isFallbackAdapter: false, info: { architecture: 'rdna-3' } }).isFallback).toBe(false);
  });

  it('copes with an adapter that has no info', () => {
    const a = describeAdapter({});
    expect(a).toEqual({ vendor: '', architecture: '', description: '', isFallback: false });
    expect(adapterLabel(a)).toBe('unknown adapter');
  });
});

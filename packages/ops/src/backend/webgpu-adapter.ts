import type { AdapterReport } from './backend-options.ts';

/** The parts of a `GPUAdapter` read here (browsers and Dawn's Node bindings differ in where they put them). */
export interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}

/** The parts of `navigator.gpu` (or Dawn's `create([])`) used here. */
export interface GpuLike {
  requestAdapter(options?: object): Promise<AdapterLike | null>;
}

/**
 * Describes an adapter. `isFallback` is true for `isFallbackAdapter` (on the adapter, as browsers report it, or on
 * its `info`, as Dawn 0.6 does) and for SwiftShader, Chromium's software Vulkan, whatever the flags say.
 */
export function describeAdapter(adapter: AdapterLike): AdapterReport {
  const info = adapter.info ?? {};
  const architecture = info.architecture ?? '';
  return {
    vendor: info.vendor ?? '',
    architecture,
    description: info.description ?? '',
    isFallback:
      adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || /swiftshader/i.test(architecture),
  };
}

/** `vendor architecture (description)`, for messages. */
export function adapterLabel(a: AdapterReport): string {
  const name = [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  return a.description ? `${name} (${a.description})` : name;
}

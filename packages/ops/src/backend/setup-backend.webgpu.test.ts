import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { setupBackend } from './setup-backend.node.ts';

// The real Dawn (npm webgpu) on whatever adapter the machine has; CI runs it on SwiftShader (.ci/steps/webgpu.sh).
const enabled = process.env.EDL_TEST_WEBGPU === '1';
const why =
  'set EDL_TEST_WEBGPU=1; without a GPU: `apt-get install libvulkan1 chromium` and VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json';

describe.skipIf(!enabled)(`setupBackend with Dawn in Node${enabled ? '' : ` (skipped: ${why})`}`, () => {
  it("'auto' skips a software adapter (and says so) but 'webgpu' by name uses it and reports it", async () => {
    const auto = await setupBackend({ quiet: true, threads: 1, native: 'off' });
    const software = /swiftshader/i.test(auto.reason) || /fallback/.test(auto.reason);
    if (software) {
      expect(auto.backend).toBe('wasm');
      expect(auto.reason).toMatch(/webgpu: only a software fallback adapter, .*'auto' skips it/);
    } else {
      expect(auto.backend).toBe('webgpu'); // a hardware adapter: 'auto' takes it
    }
    const gpu = await setupBackend({ backend: 'webgpu', quiet: true });
    expect(gpu.backend).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(gpu.adapter?.isFallback).toBe(software);
    expect(gpu.adapter?.vendor).not.toBe('');
    if (software) expect(gpu.reason).toMatch(/a software fallback adapter: correct but slow/);
    const y = tf.conv2d(tf.ones([1, 4, 4, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 1]) as tf.Tensor4D, 1, 'same');
    expect((await tf.sum(y).data())[0]).toBe(2 * (4 * 4 + 8 * 6 + 4 * 9));
  });
});

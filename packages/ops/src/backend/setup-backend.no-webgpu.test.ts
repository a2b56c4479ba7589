import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { setupBackend } from './setup-backend.node.ts';

// Simulates a machine without the npm package webgpu (it is a devDependency here).
vi.mock('webgpu', () => {
  throw Object.assign(new Error("Cannot find package 'webgpu' imported from setup-backend.node.ts"), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
});

describe('setupBackend (Node) without the webgpu package', () => {
  it("'webgpu' throws an error naming the package to install", async () => {
    await tf.setBackend('cpu');
    await expect(setupBackend({ backend: 'webgpu', quiet: true })).rejects.toThrow(
      /backend 'webgpu' in Node needs the npm package webgpu \(Dawn bindings\), which is not installed; `npm install webgpu @tensorflow\/tfjs-backend-webgpu`/,
    );
    expect(tf.getBackend()).toBe('cpu');
  });
});

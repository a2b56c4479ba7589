import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { setupBackend } from './setup-backend.node.ts';

// Simulates a machine without the npm package webgpu (it is a devDependency here): in this process with a module
// mock, and in a plain Node child whose resolver looks 'webgpu' up from an empty folder (Node's own error).
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

  it("in plain Node (Node's own module-not-found error): 'webgpu' names the package, 'auto' takes wasm and says why", () => {
    const empty = mkdtempSync(join(tmpdir(), 'edl-no-webgpu-'));
    try {
      const child = spawnSync(
        process.execPath,
        [
          '--conditions=@edl/source',
          '--import',
          'tsx',
          fileURLToPath(new URL('../testing/without-webgpu-child.ts', import.meta.url)),
          empty,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(child.status, child.stderr).toBe(0);
      const out = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
        byName: string;
        auto: { backend: string; reason: string };
      };
      const missing = /backend 'webgpu' in Node needs the npm package webgpu \(Dawn bindings\), which is not installed/;
      expect(out.byName).toMatch(missing);
      expect(out.byName).toMatch(/`npm install webgpu @tensorflow\/tfjs-backend-webgpu`/);
      expect(out.auto.backend).toBe('wasm');
      expect(out.auto.reason).toMatch(missing);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

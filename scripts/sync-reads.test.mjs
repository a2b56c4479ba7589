import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// WebGPU cannot read a tensor synchronously in Node (tfjs throws `OffscreenCanvas is not defined`): library code reads
// with `await t.data()`. This lists every synchronous read left in packages/*/src (tests and src/testing excluded)
// and checks why each one cannot fail on webgpu: it refuses the webgpu backend by name just before the read, or it
// runs inside the wasm backend (a wasm kernel or the wasm backend's own read), where no GPU tensor exists.

const root = join(import.meta.dirname, '..');
const SYNC_READ = /\b(dataSync|arraySync|bufferSync|readSync)\s*\(|\btf\.print\s*\(|\.buffer\(\)\s*\.(get|values)\b/;
/** A webgpu refusal: `assertSyncReadable(...)` (@edl/layers) or a `getBackend() === 'webgpu'` check that throws. */
const REFUSES_WEBGPU = /assertSyncReadable\(|getBackend\(\) === 'webgpu'/;
/** How many lines above a read its refusal may stand. */
const REFUSAL_WINDOW = 8;

/** Files whose synchronous reads run on the wasm backend only, with the reason. */
const WASM_ONLY = {
  'packages/ops/src/kernels/wasm/wasm-conv-backprop-input.ts': 'a kernel registered for the wasm backend only',
  'packages/ops/src/kernels/wasm/wasm-kernel-utils.ts': "the wasm backend's readSync, typed for the wasm kernels",
  'packages/ops/src/backend/wasm-heap-guard.ts': "wraps the wasm backend's own readSync",
};

function libraryFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' || e.name === 'node_modules' ? [] : libraryFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(e.name) && !/\.test\.[mc]?[jt]s$/.test(e.name) ? [path] : [];
  });
}

function syncReads() {
  const packages = join(root, 'packages');
  return readdirSync(packages).flatMap((pkg) => {
    let files;
    try {
      files = libraryFiles(join(packages, pkg, 'src'));
    } catch {
      return [];
    }
    return files.flatMap((file) => {
      const lines = readFileSync(file, 'utf8').split('\n');
      return lines.flatMap((line, i) =>
        SYNC_READ.test(line) && !/^\s*(\/\/|\*)/.test(line)
          ? [
              {
                file: relative(root, file),
                line: i + 1,
                text: line.trim(),
                before: lines.slice(Math.max(0, i - REFUSAL_WINDOW), i),
              },
            ]
          : [],
      );
    });
  });
}

describe('synchronous tensor reads in library code', () => {
  const reads = syncReads();

  it('finds the known ones (the scan works)', () => {
    expect(reads.map((r) => r.file)).toContain('packages/layers/src/layer/dict-conv2d.ts');
    expect(reads.map((r) => r.file)).toContain('packages/ops/src/operators/conv-operator.ts');
  });

  it('each one refuses webgpu just before reading, or runs on the wasm backend only', () => {
    const unexplained = reads.filter((r) => !(r.file in WASM_ONLY) && !r.before.some((l) => REFUSES_WEBGPU.test(l)));
    expect(unexplained.map((r) => `${r.file}:${r.line}: ${r.text}`)).toEqual([]);
  });
});

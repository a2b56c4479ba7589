import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { OpsError } from '../errors/ops-error.ts';

/**
 * Why this exists: tfjs-backend-wasm 4.22 hands Emscripten a `Blob` URL for the pthread worker script and a `Blob`
 * for the main script. Node's `worker_threads` accept neither (`ERR_WORKER_PATH`), so tfjs disables threads in Node.
 * This shim (1) writes both scripts to a private temp folder and hands Emscripten real file paths, (2) defines the
 * rollup aliases (`require$$N`, `commonjsGlobal`) that the main-script factory closes over, read from the installed
 * bundle rather than hard-coded, and (3) rewrites the worker `load` message, whose Blob becomes the file path.
 * (4) It can unref the pthread workers so they do not keep the process alive.
 * Everything it touches is tagged: Blobs and messages that are not tfjs's pass through unchanged.
 */

const MAIN_MARKER = 'var WasmBackendModuleThreadedSimd';
const WORKER_MARKER = 'WasmBackendModuleThreadedSimd(Module)';

/** State of the installed shim. */
export interface WasmThreadShim {
  /** The temp folder holding the worker and main scripts. */
  readonly dir: string;
  /** Path the main (factory) script is written to once tfjs creates it. */
  readonly mainPath: string;
  /**
   * Unrefs the pthread workers seen so far, so they do not keep Node alive. Call once the backend is initialised
   * (earlier, the pending start-up handshake would be dropped). XNNPACK's pool threads live forever and the main
   * thread always waits synchronously for their work, so nothing is lost.
   */
  unrefWorkers(): void;
}

let installed: WasmThreadShim | undefined;

/** Reads the `var require$$N = require('x')` aliases of the installed tfjs-backend-wasm Node bundle. */
function bundleAliases(): string {
  const require = createRequire(import.meta.url);
  const bundlePath = require.resolve('@tensorflow/tfjs-backend-wasm');
  const text = readFileSync(bundlePath, 'utf8');
  const aliases: string[] = [];
  for (const m of text.matchAll(/var (require\$\$\d+) = require\('([^']+)'\);/g)) {
    aliases.push(`${m[1]}=require(${JSON.stringify(m[2])})`);
  }
  if (aliases.length === 0) {
    throw new OpsError(
      'unsupported',
      'threads',
      `wasm thread shim: found no require$$N aliases in ${bundlePath}; this tfjs-backend-wasm version is not supported by the shim`,
    );
  }
  aliases.push('commonjsGlobal=globalThis');
  return `var ${aliases.join(',')};\n`;
}

/**
 * Installs the Node multithreading shim for tfjs-backend-wasm (idempotent). Call before the wasm backend
 * initialises with `WASM_HAS_MULTITHREAD_SUPPORT = true`. Throws if the environment lacks what it patches.
 */
export function installWasmThreadShim(): WasmThreadShim {
  if (installed) return installed;
  if (typeof globalThis.Blob !== 'function' || typeof URL.createObjectURL !== 'function') {
    throw new OpsError(
      'unsupported',
      'threads',
      'wasm thread shim: this Node has no global Blob / URL.createObjectURL (Node >= 20 required)',
    );
  }
  const prelude = bundleAliases();
  const dir = mkdtempSync(join(os.tmpdir(), 'edl-wasm-mt-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const mainPath = join(dir, 'tfjs-backend-wasm-threaded-simd.main.js');
  const texts = new WeakMap<Blob, string>();

  const OriginalBlob = globalThis.Blob;
  class ScriptBlob extends OriginalBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (Array.isArray(parts) && parts.length > 0 && parts.every((p) => typeof p === 'string')) {
        const text = (parts as string[]).join('');
        if (text.startsWith(MAIN_MARKER)) {
          writeFileSync(mainPath, prelude + text);
          texts.set(this, mainPath);
        } else if (text.includes(WORKER_MARKER)) {
          texts.set(this, text);
        }
      }
    }
  }
  globalThis.Blob = ScriptBlob as typeof Blob;

  const originalCreate = URL.createObjectURL.bind(URL);
  let workerCount = 0;
  URL.createObjectURL = (obj: Blob | MediaSource): string => {
    const text = obj instanceof OriginalBlob ? texts.get(obj) : undefined;
    if (text === undefined || text === mainPath) return originalCreate(obj);
    const path = join(dir, `worker-${workerCount++}.js`);
    writeFileSync(path, text);
    return path;
  };

  const workers = new Set<Worker>();
  const originalPost = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function postMessage(this: Worker, message: unknown, ...rest: unknown[]) {
    if (
      message !== null &&
      typeof message === 'object' &&
      (message as { cmd?: unknown }).cmd === 'load' &&
      typeof (message as { urlOrBlob?: unknown }).urlOrBlob !== 'string'
    ) {
      message = { ...(message as object), urlOrBlob: mainPath };
      workers.add(this);
    }
    return (originalPost as (this: Worker, ...args: unknown[]) => void).call(this, message, ...rest);
  };

  installed = {
    dir,
    mainPath,
    unrefWorkers() {
      for (const w of workers) {
        w.unref();
        w.ref = () => undefined;
      }
    },
  };
  return installed;
}

/**
 * Runs `fn` while `os.cpus()` reports at least `minCount` entries (the real list, repeated), then restores it.
 * tfjs-backend-wasm caps threads at `os.cpus().length / 2` when it initialises, which is 1 on a 2-vCPU machine;
 * reporting twice the cores lets it use every core. Returns what `fn` returns.
 */
export async function withCpuCount<T>(minCount: number, fn: () => Promise<T>): Promise<T> {
  const original = os.cpus;
  const real = original.call(os);
  if (real.length >= minCount || real.length === 0) return fn();
  os.cpus = () => {
    const list = original.call(os);
    const out: os.CpuInfo[] = [];
    while (out.length < minCount) out.push(...list);
    return out;
  };
  try {
    return await fn();
  } finally {
    os.cpus = original;
  }
}

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../backend/native-addon.ts';

// The addon in worker_threads Workers and the main thread at once: each Node-API instance has its own worker pool
// (one process-wide pool, driven from two threads, mixed their jobs up or hung). In a child process, so that a hang
// or a crash fails this test instead of the test runner.
const script = fileURLToPath(new URL('../../testing/native-worker-stress.mjs', import.meta.url));

describe('native addon in worker threads', () => {
  it('gives the main thread results in two Workers running concurrently, and survives a terminated Worker', async () => {
    const r = await loadNativeAddon();
    if (!r.addon) throw new Error(`native addon not available: ${r.reason}`);
    const child = spawnSync(process.execPath, [script, r.path, '150'], { encoding: 'utf8', timeout: 120_000 });
    expect(child.stderr).toBe('');
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('ok');
  }, 130_000);
});

// Smoke benchmark for CI: catches a gross slowdown of the elastic layer without ever comparing an absolute time.
// For each kernel set (wasm alone, wasm + the native addon) it runs packages/layers/bench/smoke.ts in its own
// process: forward + backward of one elastic DictConv2D (T = 3, input [8, 32, 32, 16], 16 filters, 3x3) and, in
// the same process and interleaved with it, forward + backward of a plain tf.conv2d of the same shape. The ratio
// elastic / conv is what is checked: it fails only when the ratio exceeds FACTOR times the reference ratio below.
//
// Reference ratios: measured on the 2-core development machine (shared with other jobs) on 2026-12-01 by running
// `node --conditions=@edl/source --import tsx packages/layers/bench/smoke.ts <off|require>` three times each
// (fastest of 15 interleaved runs after 2 warm-ups): wasm alone 8.2, 9.8, 6.2 (-> 8); wasm + native (avx512,
// 2 threads) 4.7, 6.4, 4.4 (-> 5). The elastic layer does ~3 RISTA steps of conv + transposed conv each, so a
// ratio near 8 is expected; a kernel falling back to a slow path shows up as a ratio several times larger.
// Usage: node scripts/bench-smoke.mjs        (EDL_BENCH_SMOKE_NATIVE=0 skips the native case, saying so)
import { spawnSync } from 'node:child_process';

const REFERENCE = { off: 8, require: 5 };
const FACTOR = 3;
const root = new URL('..', import.meta.url).pathname;
const modes = process.env.EDL_BENCH_SMOKE_NATIVE === '0' ? ['off'] : ['off', 'require'];
if (modes.length === 1) console.warn('bench-smoke: EDL_BENCH_SMOKE_NATIVE=0: the native kernel case is NOT checked');

let failed = false;
for (const mode of modes) {
  const r = spawnSync(
    process.execPath,
    ['--conditions=@edl/source', '--import', 'tsx', 'packages/layers/bench/smoke.ts', mode],
    { cwd: root, encoding: 'utf8' },
  );
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !line.startsWith('{')) {
    console.error(`bench-smoke: the ${mode === 'off' ? 'wasm' : 'wasm + native'} case failed to run:\n${r.stderr}`);
    if (mode === 'require') {
      console.error('Fix: build the native addon (`npm rebuild @edl/ops`, needs g++), or set EDL_BENCH_SMOKE_NATIVE=0');
    }
    failed = true;
    continue;
  }
  const m = JSON.parse(line);
  const limit = REFERENCE[mode] * FACTOR;
  const verdict = m.ratio > limit ? 'FAIL' : 'ok';
  console.log(
    `bench-smoke ${mode === 'off' ? 'wasm         ' : 'wasm + native'}: elastic ${m.elasticMs.toFixed(1)} ms, ` +
      `conv ${m.convMs.toFixed(1)} ms, ratio ${m.ratio.toFixed(2)} (reference ${REFERENCE[mode]}, limit ${limit}): ${verdict}`,
  );
  if (m.ratio > limit) failed = true;
}
process.exit(failed ? 1 : 0);

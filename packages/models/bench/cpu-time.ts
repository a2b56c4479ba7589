// CPU time (process.cpuUsage, user + system) of one CIFAR ResNet18 training step and inference pass at batch 32 on
// wasm with @edl/ops' kernels and ONE thread (wasm and native), the median of 3 after a warm-up. On a machine
// shared with other jobs, CPU time moves much less than wall time, so A/B comparisons of kernels (and against
// PyTorch's `time.process_time()` at torch.set_num_threads(1)) stay readable there.
// Usage (repo root): node --conditions=@edl/source --import tsx packages/models/bench/cpu-time.ts <standard|elastic>

import { readdirSync, readFileSync } from 'node:fs';
import { setupBackend } from '@edl/ops';
import { resnet18Step } from './resnet18-step.ts';

const conv = process.argv[2] ?? 'standard';
if (conv !== 'standard' && conv !== 'elastic') throw new Error(`usage: cpu-time.ts <standard|elastic>, got ${conv}`);
const threads = Number(process.env.EDL_BENCH_THREADS ?? 1);
const setup = await setupBackend({ backend: 'wasm', threads, quiet: true });
if (setup.backend !== 'wasm' || !setup.native) throw new Error(`expected wasm with the native addon: ${setup.reason}`);
const cases = resnet18Step(conv, 32, true);
/** CPU ms of each thread of this process (Linux /proc; clock ticks of 10 ms), by thread id. */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const f = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    out.set(tid, (Number(f[11]) + Number(f[12])) * 10);
  }
  return out;
}
for (const [name, run] of Object.entries(cases)) {
  run();
  const t0 = threadCpu();
  for (let i = 0; i < 3; i++) run();
  const t1 = threadCpu();
  const perThread = [...t1]
    .map(([tid, ms]) => [tid, (ms - (t0.get(tid) ?? 0)) / 3] as const)
    .filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1]);
  const main = perThread.find(([tid]) => tid === String(process.pid))?.[1] ?? 0;
  console.log(
    `  ${name}: main thread ${main.toFixed(0)} ms, others ${perThread
      .filter(([tid]) => tid !== String(process.pid))
      .map(([, ms]) => ms.toFixed(0))
      .join(' / ')} ms (cpu per run)`,
  );
  const cs: number[] = [];
  const ws: number[] = [];
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    run();
    const c = process.cpuUsage(c0);
    ws.push(performance.now() - w0);
    cs.push((c.user + c.system) / 1000);
  }
  cs.sort((a, b) => a - b);
  const list = (v: number[]) => v.map((t) => t.toFixed(0)).join(', ');
  console.log(
    `tfjs ${conv} ${name}, ${threads} thread(s): cpu ms ${cs[1]!.toFixed(0)} [${list(cs)}], wall ms [${list(ws)}]`,
  );
}

// Loads the native addon in the main thread and in worker_threads Workers at once and runs the same kernels in all
// of them concurrently, each on its own instance's pool; a third Worker is terminated mid-run (its instance torn
// down while the others keep going). Prints "ok" and exits 0 when every result equals the main thread's reference.
// Usage: node native-worker-stress.mjs <path to edl_native.node> [rounds]
import { createRequire } from 'node:module';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const path = isMainThread ? process.argv[2] : workerData.path;
const rounds = isMainThread ? Number(process.argv[3] ?? 200) : workerData.rounds;
const addon = createRequire(import.meta.url)(path);
addon.setThreads(2);

// [B,H,W,Cin,OH,OW,Cout,KH,KW,SH,SW,PT,PL]
const geom = Int32Array.from([2, 12, 12, 8, 12, 12, 16, 3, 3, 1, 1, 1, 1]);
const x = Float32Array.from({ length: 2 * 12 * 12 * 8 }, (_, i) => Math.sin(i * 0.37));
const w = Float32Array.from({ length: 3 * 3 * 8 * 16 }, (_, i) => Math.cos(i * 0.11));
const v = Float32Array.from({ length: 70000 }, (_, i) => Math.sin(i * 0.013));
const dy = Float32Array.from({ length: 70000 }, (_, i) => Math.cos(i * 0.007));

function once() {
  const y = new Float32Array(2 * 12 * 12 * 16);
  addon.conv2dForward(geom, x, w, y, null, 1, 0);
  const dw = new Float32Array(w.length);
  addon.conv2dBackpropFilter(geom, x, y, dw);
  const dv = new Float32Array(v.length);
  const [dt, dthr] = addon.shrinkStepGrad(null, v, dy, 0.5, 0.1, false, null, dv);
  const sums = new Float32Array(16);
  addon.reduceLeading(y, 2 * 12 * 12, 16, 1, sums);
  return [...y.subarray(0, 64), ...dw.subarray(0, 64), ...sums, dt, dthr, dv[123], dv[69999]];
}

function run(reference) {
  for (let r = 0; r < rounds; r++) {
    const got = once();
    for (let i = 0; i < got.length; i++)
      if (!(got[i] === reference[i])) throw new Error(`round ${r}: value ${i} is ${got[i]}, expected ${reference[i]}`);
  }
}

if (isMainThread) {
  const reference = once();
  const start = (n) => new Worker(new URL(import.meta.url), { workerData: { path, rounds: n, reference } });
  const done = (worker) =>
    new Promise((resolve, reject) => {
      worker.on('message', resolve);
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? resolve('exit') : reject(new Error(`worker exit ${code}`))));
    });
  const workers = [start(rounds), start(rounds)];
  const finished = workers.map(done);
  const doomed = start(1e9);
  doomed.on('error', (err) => {
    console.error(err);
    process.exit(1);
  });
  setTimeout(() => doomed.terminate(), 300);
  run(reference); // concurrently with the workers
  await Promise.all(finished);
  await new Promise((resolve) => setTimeout(resolve, 400));
  await doomed.terminate();
  run(reference); // the main instance still works after a worker's instance was torn down
  console.log('ok');
} else {
  run(workerData.reference);
  parentPort.postMessage('done');
}

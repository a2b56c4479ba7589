// Per-kernel profile of one CIFAR ResNet18 training step or inference pass on wasm (2 threads, @edl/ops' kernels):
// tf.profile over one run after a warm-up, kernel times summed by kernel name, largest first.
// Usage (repo root): node --conditions=@edl/source --import tsx packages/models/bench/profile.ts <standard|elastic> <train|infer> [batch]
import { setupBackend } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { resnet18Step } from './resnet18-step.ts';

const [conv = 'standard', mode = 'train', batchArg = '32'] = process.argv.slice(2);
if ((conv !== 'standard' && conv !== 'elastic') || (mode !== 'train' && mode !== 'infer')) {
  throw new Error(`usage: profile.ts <standard|elastic> <train|infer> [batch], got ${process.argv.slice(2).join(' ')}`);
}
const batch = Number(batchArg);
const setup = await setupBackend({ backend: 'wasm', threads: 2, quiet: true });
if (setup.backend !== 'wasm') throw new Error(`expected the wasm backend, got ${setup.backend}`);
const run = resnet18Step(conv, batch, mode === 'train')[mode];
run();
run();
const t0 = performance.now();
run();
const plain = performance.now() - t0;
const info = await tf.profile(run);
const byName = new Map<string, { ms: number; n: number }>();
let total = 0;
for (const k of info.kernels) {
  const ms = Number(k.kernelTimeMs);
  total += ms;
  const e = byName.get(k.name) ?? { ms: 0, n: 0 };
  e.ms += ms;
  e.n += 1;
  byName.set(k.name, e);
}
console.log(
  `${conv} ${mode} batch ${batch}: unprofiled run ${plain.toFixed(1)} ms; kernels sum ${total.toFixed(1)} ms`,
);
for (const [name, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms)) {
  console.log(`${name.padEnd(28)} ${e.ms.toFixed(1).padStart(8)} ms ${String(e.n).padStart(5)} calls`);
}
if (process.env.EDL_PROFILE_CALLS) {
  for (const k of info.kernels) {
    if (!/^(FusedConv2D|Conv2DBackprop)/.test(k.name)) continue;
    console.log(
      `${k.name.padEnd(22)} ${Number(k.kernelTimeMs).toFixed(1).padStart(7)} ms in ${JSON.stringify(k.inputShapes)} out ${JSON.stringify(k.outputShapes)}`,
    );
  }
}

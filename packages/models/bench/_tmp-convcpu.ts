import { setupBackend } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
await setupBackend({ backend: 'wasm', threads: 1, quiet: true });
const shapes: [number, number, number, number][] = [[32, 32, 64, 64], [32, 16, 128, 128], [32, 8, 256, 256], [32, 4, 512, 512]];
for (const [b, hw, ci, co] of shapes) {
  const x = tf.randomNormal([b, hw, hw, ci]) as tf.Tensor4D; const w = tf.randomNormal([3, 3, ci, co]) as tf.Tensor4D;
  const dy = tf.randomNormal([b, hw, hw, co]) as tf.Tensor4D;
  const flop = 2 * b * hw * hw * ci * co * 9;
  const ops = {
    fwd: () => tf.conv2d(x, w, 1, 'same'),
    dx: () => tf.conv2dTranspose(dy, w, x.shape, 1, 'same'),
    dw: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: w.shape }) as tf.Tensor,
  };
  const line: string[] = [];
  for (const [name, f] of Object.entries(ops)) {
    tf.tidy(() => void f().dataSync());
    const c0 = process.cpuUsage();
    for (let i = 0; i < 3; i++) tf.tidy(() => void f().dataSync());
    const c = process.cpuUsage(c0);
    const ms = (c.user + c.system) / 3000;
    line.push(`${name} ${ms.toFixed(1)} ms ${(flop / ms / 1e6).toFixed(0)} GF/s`);
  }
  console.log(`${hw}x${hw}x${ci}->${co}: ${line.join(' | ')}`);
  tf.dispose([x, w, dy]);
}

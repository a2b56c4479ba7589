import { writeFileSync } from 'node:fs';
import { dictConv2d } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';
import { exportSafetensors } from '../src/index.ts';

await tf.setBackend('cpu');
const [kind, steps, stride] = [process.argv[2] as 'vanilla', Number(process.argv[3]), Number(process.argv[4])];
const input = tf.input({ shape: [8, 8, 2] });
const y = dictConv2d({
  name: 'conv1',
  filters: 3,
  kind,
  steps,
  strides: stride,
  lambda: 0.01,
  ...(kind === 'elastic' ? { beta: 0.4 } : {}),
}).apply(input) as tf.SymbolicTensor;
const m = tf.model({ inputs: input, outputs: y });
const x = tf.randomUniform([1, 8, 8, 2], 0, 1, 'float32', 1);
const out = m.predict(x) as tf.Tensor;
await exportSafetensors(m, '/tmp/m/one.safetensors');
writeFileSync('/tmp/m/x.f32', new Uint8Array(x.dataSync().buffer));
writeFileSync('/tmp/m/y.f32', new Uint8Array(out.dataSync().buffer));
console.log(JSON.stringify(out.shape));

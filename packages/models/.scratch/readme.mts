import { setupBackend } from '@edl/ops';
import {
  embeddingDifference,
  exportSafetensors,
  layerBetas,
  loadModel,
  resnet,
  saveModel,
  toElastic,
} from '../src/index.ts';
import * as tf from '@tensorflow/tfjs';

await setupBackend({ backend: 'wasm', threads: 2 });

// A Vanilla DL ResNet18 for CIFAR-10: every 3x3 conv is a DictConv2D (T = 3 unrolled steps).
const vanilla = resnet({ depth: 18, conv: 'vanilla', numClasses: 10, steps: 3, lambda: 0.1, seed: 1 });
// ... pretrain it (see @edl/training) ...

// Switch to Elastic DL: same weights, beta = 0.5 in every dictionary layer, beta trainable.
const elastic = toElastic(vanilla, { beta: 0.5 });
console.log(layerBetas(elastic)); // { conv1: 0.5, 'layer1.0.conv1': 0.5, ... }

const x = tf.randomUniform([4, 32, 32, 3]);
const logits = elastic.predict(x) as tf.Tensor; // [4, 10], no softmax

// How much does a perturbation move each layer's code? (paper Fig. 5)
const xAdv = tf.clipByValue(tf.add(x, tf.randomUniform(x.shape, -8 / 255, 8 / 255)), 0, 1);
for (const d of embeddingDifference(elastic, x, xAdv)) console.log(d.layer, d.difference.toFixed(4));

// Save / load in Node (model.json + weights.bin), and export for PyTorch.
await saveModel(elastic, '/tmp/m/runs/edl-resnet18');
const again = await loadModel('/tmp/m/runs/edl-resnet18');
await exportSafetensors(again, '/tmp/m/runs/edl-resnet18.safetensors');

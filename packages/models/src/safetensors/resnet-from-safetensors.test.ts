import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resnet } from '../resnet/resnet.ts';
import { widthMultiplierFor } from '../resnet/resnet-architecture.ts';
import type { ResNetOptions } from '../resnet/resnet-options.ts';
import { toElastic } from '../resnet/to-elastic.ts';
import { decodeSafetensors } from './decode-safetensors.ts';
import { encodeSafetensors } from './encode-safetensors.ts';
import { exportSafetensors } from './export-safetensors.ts';
import { resnetFromSafetensors } from './resnet-from-safetensors.ts';
import { exportSafetensorsFile, resnetFromSafetensorsFile } from './safetensors-model-file.ts';

const small = { widthMultiplier: 1 / 16, inputShape: [16, 16, 3] as [number, number, number], lambda: 0.01 };
let root: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'edl-rebuild-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Logits of a seeded batch. */
function logits(model: tf.LayersModel): number[] {
  return tf.tidy(() =>
    Array.from((model.predict(tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 8)) as tf.Tensor).dataSync()),
  );
}

describe('resnetFromSafetensors: the tfjs model from the file alone', () => {
  const cases: ResNetOptions[] = [
    { depth: 10, conv: 'standard' },
    { depth: 10, conv: 'vanilla', steps: 2 },
    { depth: 10, conv: 'robust', eps: 0.05, nonNegative: false },
    { depth: 10, conv: 'elastic', beta: 0.3, trainLambda: true, stepSizeRefresh: 2 },
    { depth: 50, conv: 'elastic', steps: 2 },
  ];
  for (const options of cases) {
    it(`rebuilds a trained-looking ${options.conv} ResNet${options.depth}: same name, layers, config and logits`, async () => {
      const model = resnet({ ...small, ...options, seed: 1 });
      tf.tidy(() => {
        model.apply(tf.randomUniform([4, 16, 16, 3], 0, 1, 'float32', 2), { training: true }); // moves BN statistics
      });
      const again = resnetFromSafetensors(await exportSafetensors(model), 'm.safetensors');
      expect(again.name).toBe(model.name);
      const config = (m: tf.LayersModel) =>
        (m.getConfig() as { layers: { config: Record<string, unknown> }[] }).layers.map(({ config: c }) => {
          // Initial values the loaded weights replace: the seeded initializer, and DictConv2D's initial lambda / beta
          // (the file holds the tensors, so the rebuilt layers start from the defaults).
          const { kernelInitializer: _k, lambda: _l, beta: _b, ...rest } = c;
          return rest;
        });
      expect(config(again)).toEqual(config(model));
      expect(again.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(
        model.getWeights().map((w) => Array.from(w.dataSync())),
      );
      expect(logits(again)).toEqual(logits(model));
      again.dispose();
      model.dispose();
    });
  }

  it('rebuilds a toElastic copy as Elastic DL named resnet10-elastic, from a file on disk', async () => {
    const elastic = toElastic(resnet({ ...small, depth: 10, conv: 'vanilla', seed: 3 }), { beta: 0.7 });
    const path = join(root, 'elastic.safetensors');
    await exportSafetensorsFile(elastic, path);
    const again = await resnetFromSafetensorsFile(path);
    expect(again.name).toBe('resnet10-elastic');
    expect(logits(again)).toEqual(logits(elastic));
  });

  it('recovers the widthMultiplier from the stage widths, and says when no multiplier fits', () => {
    for (const m of [1, 0.5, 0.3, 1 / 16, 1 / 64, 0.01]) {
      const widths = [64, 128, 256, 512].map((w) => Math.max(1, Math.round(w * m)));
      const found = widthMultiplierFor(widths);
      expect([64, 128, 256, 512].map((w) => Math.max(1, Math.round(w * found)))).toEqual(widths);
    }
    expect(() => widthMultiplierFor([4, 9, 16, 32])).toThrow(/widths \[4, 9, 16, 32\]: no widthMultiplier/);
  });

  it('refuses a file without edl.model, naming the source', async () => {
    const input = tf.input({ shape: [4, 4, 1] });
    const dense = tf.layers.dense({ name: 'fc', units: 2 }).apply(tf.layers.flatten().apply(input));
    const other = await exportSafetensors(tf.model({ inputs: input, outputs: dense as tf.SymbolicTensor }));
    expect(() => resnetFromSafetensors(other, 'other.safetensors')).toThrow(
      /other\.safetensors: no 'edl\.model' metadata: the file does not describe a resnet\(\) model/,
    );
    const { tensors } = decodeSafetensors(await exportSafetensors(resnet({ ...small, depth: 10 })));
    expect(() => resnetFromSafetensors(encodeSafetensors(tensors, { format: 'pt' }))).toThrow(/no 'edl\.model'/);
    expect(() => resnetFromSafetensors('x' as unknown as Uint8Array)).toThrow(/bytes: expected a Uint8Array/);
  });
});

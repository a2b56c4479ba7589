// The layer state a checkpoint keeps beside the weights (the DictConv2D step-size warm starts, issue 13): encoded,
// decoded, validated, written atomically with the rest of the checkpoint, and refused with the file named when damaged.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { train } from '../loop/trainer.ts';
import { toyDictModel, toyModel } from '../testing/toy-problem.ts';
import { toyTrainOptions } from '../testing/toy-train-options.ts';
import { readCheckpoint } from './checkpoint-store.ts';
import { directoryStore } from './directory-store.ts';
import {
  captureLayerState,
  decodeLayerState,
  encodeLayerState,
  type LayerState,
  restoreLayerState,
} from './layer-state.ts';

const sample: LayerState = [
  { layer: 'a', trainingCalls: 3, warmStart: { shape: [1, 2, 2, 1], values: Float32Array.of(1, -2, 3.5, 1e-30) } },
  { layer: 'b', trainingCalls: 0, warmStart: null },
  { layer: 'outer/c', trainingCalls: 7, warmStart: { shape: [1, 1, 1, 2], values: Float32Array.of(Math.PI, -0) } },
];

describe('layer state encoding', () => {
  it('round-trips bit for bit (null vectors included)', () => {
    const { manifest, bytes } = encodeLayerState(sample);
    expect(bytes.byteLength).toBe(6 * 4);
    const back = decodeLayerState(JSON.parse(JSON.stringify(manifest)), bytes, 'state.json', 'layers.bin');
    expect(back).toEqual(sample);
  });

  it('refuses a manifest that is not a list of { layer, trainingCalls, shape }, or bytes that do not fit it', () => {
    const { manifest, bytes } = encodeLayerState(sample);
    const decode =
      (m: unknown, b: Uint8Array = bytes) =>
      () =>
        decodeLayerState(m, b, 'S.json', 'L.bin');
    expect(decode({})).toThrow(/S\.json: 'layers' must be a list of layer states/);
    expect(decode([{ ...manifest[0], layer: 5 }])).toThrow(/S\.json: 'layers' \[0\] must be \{ layer/);
    expect(decode([{ ...manifest[0], trainingCalls: -1 }])).toThrow(/\[0\] \(a\): trainingCalls must be an integer/);
    expect(decode([{ ...manifest[0], shape: [1, 2, 2] }])).toThrow(/\[0\] \(a\): shape must be null or 4 positive/);
    expect(decode(manifest, bytes.subarray(0, 20))).toThrow(/L\.bin has 20 bytes, S\.json describes 6 float32 values/);
  });

  it('fuzzed manifests and bytes (fast-check): decoded consistently or refused with the file named', () => {
    const entry = fc.record({
      layer: fc.oneof(fc.string(), fc.jsonValue()),
      trainingCalls: fc.oneof(fc.nat(), fc.jsonValue()),
      shape: fc.oneof(fc.constant(null), fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 5 }), fc.jsonValue()),
    });
    fc.assert(
      fc.property(
        fc.oneof(fc.array(entry, { maxLength: 4 }), fc.jsonValue()),
        fc.uint8Array({ maxLength: 64 }),
        (m, b) => {
          let state: LayerState;
          try {
            state = decodeLayerState(m, b, 'S.json', 'L.bin');
          } catch (error) {
            expect(error).toBeInstanceOf(Error);
            expect((error as Error).message).toMatch(/^(S\.json: 'layers'|L\.bin (has|holds))/);
            return;
          }
          const total = state.reduce((n, s) => n + (s.warmStart?.values.length ?? 0), 0);
          expect(total * 4).toBe(b.byteLength);
          for (const s of state) {
            expect(Number.isInteger(s.trainingCalls) && s.trainingCalls >= 0).toBe(true);
            if (s.warmStart) expect(s.warmStart.values.length).toBe(s.warmStart.shape.reduce((x, y) => x * y, 1));
          }
        },
      ),
      { numRuns: 300, seed: 13 },
    );
  });
});

describe('layer state of a model', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is empty for a model without dictionary layers, one entry per DictConv2D otherwise', async () => {
    const plain = toyModel(1);
    expect(await captureLayerState(plain)).toEqual([]);
    const dict = toyDictModel(1);
    const state = await captureLayerState(dict);
    expect(state.map((s) => [s.layer, s.trainingCalls, s.warmStart])).toEqual([['dict', 0, null]]);
    plain.dispose();
    dict.dispose();
  });

  it('refuses the state of another model, naming the layers that differ', () => {
    const model = toyDictModel(1);
    expect(() => restoreLayerState(model, [{ ...sample[1]!, layer: 'other' }], 'resume from X')).toThrow(
      /resume from X: the saved layer state does not match the model's dictionary layers; missing: dict; not in the model: other/,
    );
    expect(() => restoreLayerState(model, [], 'X')).toThrow(/missing: dict/);
    const twice = [
      { ...sample[1]!, layer: 'dict' },
      { ...sample[1]!, layer: 'dict' },
    ];
    expect(() => restoreLayerState(model, twice, 'X')).toThrow(/a layer is listed twice/);
    const wrongShape = [
      { ...sample[0]!, layer: 'dict', warmStart: { shape: [1, 1, 1, 2], values: Float32Array.of(1, 2) } },
    ];
    expect(() => restoreLayerState(model, wrongShape as LayerState, 'X')).toThrow(
      /X: layer 'dict': .*warmStart must be null or a \[1, H, W, 1\]/,
    );
    model.dispose();
  });
});

describe('layer state in a directory checkpoint', () => {
  let dir: string;
  let ckpt: string;
  let state: Record<string, unknown>;
  let layersBin: Buffer;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(join(tmpdir(), 'edl-layer-state-'));
    const r = await train(toyTrainOptions(dir, { model: toyDictModel(3), epochs: 1 }));
    r.model.dispose();
    const root = join(dir, 'checkpoints');
    ckpt = join(root, readdirSync(root).find((e) => e.startsWith('ckpt-'))!);
    state = JSON.parse(readFileSync(join(ckpt, 'state.json'), 'utf8'));
    layersBin = readFileSync(join(ckpt, 'layers.bin'));
  });

  const restore = () => {
    writeFileSync(join(ckpt, 'state.json'), JSON.stringify(state));
    writeFileSync(join(ckpt, 'layers.bin'), layersBin);
  };

  it('is written beside optimizer.bin and described in state.json: the warm start [1, 4, 4, 1] and the call count', async () => {
    expect(state.layers).toEqual([{ layer: 'dict', trainingCalls: expect.any(Number), shape: [1, 4, 4, 1] }]);
    // 5 steps of PGD-AT: the trained forward pass is the only training call (the attack runs in eval mode)
    expect((state.layers as { trainingCalls: number }[])[0]!.trainingCalls).toBe(5);
    expect(layersBin.byteLength).toBe(16 * 4);
    const c = await readCheckpoint(join(dir, 'checkpoints'));
    expect(c.layers?.[0]?.warmStart?.values).toEqual(new Float32Array(Uint8Array.from(layersBin).buffer));
    c.model.dispose();
  });

  it('layers.bin missing or cut: refused with the file named', async () => {
    const root = join(dir, 'checkpoints');
    try {
      rmSync(join(ckpt, 'layers.bin'));
      await expect(readCheckpoint(root)).rejects.toThrow(/resume: .*layers\.bin: missing \(the layer state\)/);
      writeFileSync(join(ckpt, 'layers.bin'), layersBin.subarray(0, 60));
      await expect(readCheckpoint(root)).rejects.toThrow(/layers\.bin has 60 bytes, .*state\.json describes 16/);
    } finally {
      restore();
    }
  });

  it('a hand-edited layer name is refused when resuming, naming the layer', async () => {
    try {
      writeFileSync(
        join(ckpt, 'state.json'),
        JSON.stringify({ ...state, layers: [{ layer: 'dikt', trainingCalls: 1, shape: [1, 4, 4, 1] }] }),
      );
      await expect(train(toyTrainOptions(dir, { model: toyDictModel(9), epochs: 2, resume: true }))).rejects.toThrow(
        /missing: dict; not in the model: dikt/,
      );
    } finally {
      restore();
    }
  });

  it('a checkpoint without layer state (an earlier version) resumes, with a warning that it is not bit-exact', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'edl-layer-state-old-'));
    const r = await train(toyTrainOptions(copy, { model: toyDictModel(3), epochs: 1 }));
    r.model.dispose();
    const root = join(copy, 'checkpoints');
    const old = join(root, readdirSync(root).find((e) => e.startsWith('ckpt-'))!);
    const { layers: _dropped, ...without } = JSON.parse(readFileSync(join(old, 'state.json'), 'utf8'));
    writeFileSync(join(old, 'state.json'), JSON.stringify(without));
    rmSync(join(old, 'layers.bin'));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const resumed = await train(toyTrainOptions(copy, { model: toyDictModel(9), epochs: 2, resume: true }));
    expect(errors.mock.calls.flat().join('\n')).toMatch(/has no layer state .*restart their power iteration cold/);
    expect(resumed.history).toHaveLength(1);
    resumed.model.dispose();
    expect(existsSync(join(root, 'latest.json'))).toBe(true);
  });

  it('a model without DictConv2D resumes without a layer-state warning', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'edl-layer-state-plain-'));
    const store = directoryStore(copy);
    const r = await train(toyTrainOptions(copy, { epochs: 1, store }));
    r.model.dispose();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const resumed = await train(toyTrainOptions(copy, { epochs: 2, store, resume: true }));
    expect(errors).not.toHaveBeenCalled();
    resumed.model.dispose();
  });
});

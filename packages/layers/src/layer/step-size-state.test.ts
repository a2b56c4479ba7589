// DictConv2D.getStepSizeState / setStepSizeState: the step-size state that is not a weight, which a training
// checkpoint keeps so that a resumed run refreshes `t` bit for bit as the uninterrupted one (issue 13).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DictConv2D } from './dict-conv2d.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const x = () => tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 7) as tf.Tensor4D;
const stepSize = (layer: DictConv2D) => layer.weight('stepSize').read().dataSync()[0]!;
function layer(stepSizeRefresh = 1): DictConv2D {
  const l = new DictConv2D({
    kind: 'elastic',
    filters: 3,
    steps: 2,
    stepSizeRefresh,
    kernelInitializer: 'glorotUniform',
  });
  tf.tidy(() => {
    l.apply(tf.zeros([1, 6, 6, 2])); // builds the layer (and marks it used, so it can be disposed)
  });
  return l;
}
/** A copy of `source`'s weights in a fresh layer (what loading a checkpoint gives), with `state` if given. */
function copyOf(source: DictConv2D, refresh: number, withState: boolean): DictConv2D {
  const copy = layer(refresh);
  copy.setWeights(source.getWeights());
  if (withState) {
    const state = source.getStepSizeState();
    copy.setStepSizeState(state);
    state.warmStart?.dispose();
  }
  return copy;
}
/** Trains nothing: one training call moves the kernel a little (as an optimizer step would) and refreshes `t`. */
function trainingCall(l: DictConv2D, input: tf.Tensor4D, nudge: number): void {
  tf.tidy(() => {
    l.apply(input, { training: true });
    const kernel = l.weight('kernel');
    kernel.write(tf.add(kernel.read(), tf.mul(nudge, tf.sin(kernel.read()))));
  });
}

describe('DictConv2D step-size state', () => {
  it('is the training-call count and a [1, H, W, Cin] warm-start vector, a copy the caller owns', () => {
    const l = layer();
    const input = x();
    trainingCall(l, input, 0.01);
    trainingCall(l, input, 0.01);
    const state = l.getStepSizeState();
    expect(state.trainingCalls).toBe(2);
    expect(state.warmStart?.shape).toEqual([1, 6, 6, 2]);
    state.warmStart!.dispose(); // the layer keeps its own
    trainingCall(l, input, 0.01);
    expect(Number.isFinite(stepSize(l))).toBe(true);
    l.dispose();
    input.dispose();
  });

  for (const refresh of [1, 3]) {
    it(`restored into a reloaded copy, the next step sizes are bit for bit the original's (stepSizeRefresh ${refresh})`, () => {
      const input = x();
      const original = layer(refresh);
      for (let i = 0; i < 4; i++) trainingCall(original, input, 0.02);
      const restored = copyOf(original, refresh, true);
      const got: number[] = [];
      const want: number[] = [];
      for (let i = 0; i < 4; i++) {
        trainingCall(original, input, 0.02);
        trainingCall(restored, input, 0.02);
        want.push(stepSize(original));
        got.push(stepSize(restored));
      }
      expect(got).toEqual(want);
      expect(restored.getStepSizeState().trainingCalls).toBe(8);
      original.dispose();
      restored.dispose();
      input.dispose();
    });
  }

  it('a null warm start makes the next refresh start cold (as after loading), like a fresh layer', () => {
    const input = x();
    const a = layer();
    trainingCall(a, input, 0.02);
    const b = copyOf(a, 1, false); // setWeights forgets the warm start
    const c = copyOf(a, 1, false);
    c.setStepSizeState({ trainingCalls: 1, warmStart: null });
    trainingCall(b, input, 0);
    trainingCall(c, input, 0);
    expect(stepSize(c)).toBe(stepSize(b));
    for (const l of [a, b, c]) l.dispose();
    input.dispose();
  });

  it('refuses a bad trainingCalls, a mis-shaped vector, and a layer not built yet, naming the argument', () => {
    const l = layer();
    const bad = tf.zeros([1, 6, 6, 5]) as tf.Tensor4D;
    expect(() => l.setStepSizeState({ trainingCalls: -1, warmStart: null })).toThrow(
      /trainingCalls must be an integer >= 0, got -1/,
    );
    expect(() => l.setStepSizeState({ trainingCalls: 1.5, warmStart: null })).toThrow(/trainingCalls/);
    expect(() => l.setStepSizeState({ trainingCalls: 0, warmStart: bad })).toThrow(
      /warmStart must be null or a \[1, H, W, 2\] tensor, got shape \[1, 6, 6, 5\]/,
    );
    expect(() => l.setStepSizeState({ trainingCalls: 0, warmStart: [1] as never })).toThrow(/warmStart must be null/);
    const unbuilt = new DictConv2D({ filters: 3 });
    expect(() => unbuilt.setStepSizeState({ trainingCalls: 0, warmStart: null })).toThrow(/build the layer first/);
    bad.dispose();
    l.dispose();
  });

  it('is tidy: get / set leak no tensors', () => {
    const l = layer();
    const input = x();
    trainingCall(l, input, 0.01);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const s = l.getStepSizeState();
      l.setStepSizeState(s);
      s.warmStart?.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    l.dispose();
    input.dispose();
  });
});

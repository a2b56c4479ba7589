// Counts the forward and forward+backward passes an attack makes through a model, per batch size, and times such
// passes alone, so that a bench can say how much of an attack's time is the model and how much its own loop.
import * as tf from '@tensorflow/tfjs';
import { lossAndGradient } from '../src/core/gradient.ts';
import { perSampleCrossEntropy } from '../src/core/losses.ts';
import type { Model } from '../src/index.ts';

/** Passes per batch size: `forward[rows]` model calls without a gradient tape, `backward[rows]` calls under one. */
export interface PassCounts {
  forward: Map<number, number>;
  backward: Map<number, number>;
}

export function emptyCounts(): PassCounts {
  return { forward: new Map(), backward: new Map() };
}

/** Image-passes (rows summed over calls). */
export function imagePasses(counts: PassCounts): { forward: number; backward: number } {
  const sum = (m: Map<number, number>) => [...m].reduce((a, [rows, calls]) => a + rows * calls, 0);
  return { forward: sum(counts.forward), backward: sum(counts.backward) };
}

/**
 * Wraps `model` so that each call is counted in `counts`: a call made while a gradient tape records (inside
 * `tf.grad`) is a forward+backward pass, any other a forward pass.
 */
export function countingModel(model: Model, counts: PassCounts): Model {
  return (x) => {
    const rows = x.shape[0];
    const state = (tf.engine() as unknown as { state: { gradientDepth: number } }).state;
    const bucket = state.gradientDepth > 0 ? counts.backward : counts.forward;
    bucket.set(rows, (bucket.get(rows) ?? 0) + 1);
    return model(x);
  };
}

/** CPU time of this process (all its threads: wasm workers and native kernel threads included), in ms. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return ((s[Math.floor((s.length - 1) / 2)] ?? 0) + (s[Math.ceil((s.length - 1) / 2)] ?? 0)) / 2;
}

/** Times one forward pass and one forward+backward pass (input gradient of the CE loss) at each batch size. */
export class PassTimer {
  private readonly forwardMs = new Map<number, { wall: number; cpu: number }>();
  private readonly backwardMs = new Map<number, { wall: number; cpu: number }>();
  constructor(
    private readonly model: Model,
    private readonly imageShape: [number, number, number],
    private readonly classes: number,
    private readonly reps = 5,
  ) {}

  private async time(rows: number, backward: boolean): Promise<{ wall: number; cpu: number }> {
    const cache = backward ? this.backwardMs : this.forwardMs;
    const known = cache.get(rows);
    if (known !== undefined) return known;
    const x = tf.randomUniform([rows, ...this.imageShape], 0, 1, 'float32', 7) as tf.Tensor4D;
    const y = tf.tensor1d(
      Array.from({ length: rows }, (_, i) => i % this.classes),
      'int32',
    );
    const once = async () => {
      const out = tf.tidy(() =>
        backward ? lossAndGradient(this.model, x, y, perSampleCrossEntropy).grad : tf.argMax(this.model(x), 1),
      );
      await out.data();
      out.dispose();
    };
    await once();
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r < this.reps; r++) {
      const c0 = cpuMs();
      const t0 = performance.now();
      await once();
      walls.push(performance.now() - t0);
      cpus.push(cpuMs() - c0);
    }
    tf.dispose([x, y]);
    const ms = { wall: median(walls), cpu: median(cpus) };
    cache.set(rows, ms);
    return ms;
  }

  /** Seconds (wall clock and process CPU) the counted passes take alone. */
  async seconds(counts: PassCounts): Promise<{ wall: number; cpu: number }> {
    let wall = 0;
    let cpu = 0;
    for (const [bucket, backward] of [
      [counts.forward, false],
      [counts.backward, true],
    ] as const) {
      for (const [rows, calls] of bucket) {
        const t = await this.time(rows, backward);
        wall += calls * t.wall;
        cpu += calls * t.cpu;
      }
    }
    return { wall: wall / 1000, cpu: cpu / 1000 };
  }
}

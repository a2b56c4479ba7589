import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageSet } from '@edl/datasets';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { readConfigFile, resolveTrainConfig, type TrainConfig } from './train-config.ts';
import { buildModel } from './train-from-config.ts';

const resolve = (flags: Partial<TrainConfig>) => () => resolveTrainConfig({}, flags);

describe('train config: --mixup-alpha', () => {
  it('is off by default and accepted for standard and pgd-at', () => {
    expect(resolveTrainConfig({}, {}).mixupAlpha).toBeUndefined();
    expect(resolveTrainConfig({}, { mixupAlpha: 1 }).mixupAlpha).toBe(1);
    expect(resolveTrainConfig({}, { mixupAlpha: 0.2, method: 'standard' }).mixupAlpha).toBe(0.2);
  });

  it('rejects alpha <= 0 or NaN with the flag named', () => {
    for (const mixupAlpha of [0, -1, Number.NaN]) {
      expect(resolve({ mixupAlpha })).toThrow(/--mixup-alpha: expected a finite number > 0/);
    }
  });

  it('rejects trades, mart, hat and --awp with the flag named', () => {
    for (const method of ['trades', 'mart', 'hat'] as const) {
      expect(resolve({ mixupAlpha: 1, method, helper: 'h' })).toThrow(
        new RegExp(`--mixup-alpha: mixup supports --method standard or pgd-at without --awp, got ${method}`),
      );
    }
    expect(resolve({ mixupAlpha: 1, method: 'pgd-at', awp: true })).toThrow(/--mixup-alpha: .*got pgd-at --awp/);
  });

  it('is a known --config setting', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'edl-cfg-')), 'c.json');
    writeFileSync(path, JSON.stringify({ mixupAlpha: 0.5 }));
    expect(resolveTrainConfig(readConfigFile(path), {}).mixupAlpha).toBe(0.5);
  });
});

describe('train config: --accumulate', () => {
  it('is 1 (off) by default, accepts 1..batch size and is a known --config setting', () => {
    expect(resolveTrainConfig({}, {}).accumulate).toBe(1);
    expect(resolveTrainConfig({}, { batchSize: 128, accumulate: 4 }).accumulate).toBe(4);
    expect(resolveTrainConfig({}, { batchSize: 8, accumulate: 8 }).accumulate).toBe(8);
    const path = join(mkdtempSync(join(tmpdir(), 'edl-cfg-')), 'c.json');
    writeFileSync(path, JSON.stringify({ accumulate: 2 }));
    expect(resolveTrainConfig(readConfigFile(path), {}).accumulate).toBe(2);
  });

  it('rejects a value that is not an integer in [1, --batch-size] with the flag named', () => {
    for (const accumulate of [0, -2, 1.5, Number.NaN]) {
      expect(resolve({ accumulate })).toThrow(/^--accumulate: expected a positive integer, got /);
    }
    expect(resolve({ batchSize: 8, accumulate: 16 })).toThrow(
      /^--accumulate: expected an integer in \[1, --batch-size=8\] \(micro-batches per batch\), got 16$/,
    );
    const path = join(mkdtempSync(join(tmpdir(), 'edl-cfg-')), 'c.json');
    writeFileSync(path, JSON.stringify({ accumulate: '2' }));
    expect(() => readConfigFile(path)).toThrow(/"accumulate" in .* must be a number, got "2"/);
  });
});

describe('train config: --recompute-stages', () => {
  it('reaches the dictionary layers of the listed stages only', async () => {
    await tf.setBackend('cpu');
    const c = resolveTrainConfig({}, { conv: 'vanilla', depth: 10, recomputeStages: [0, 1] });
    const data = { height: 8, width: 8, channels: 1, numClasses: 3 } as ImageSet;
    const model = buildModel(c, data);
    const recompute = model.layers
      .map((l) => l.getConfig() as { name: string; recompute?: boolean })
      .filter((cfg) => cfg.recompute !== undefined)
      .map((cfg) => [cfg.name, cfg.recompute]);
    expect(recompute.length).toBeGreaterThan(3);
    for (const [name, on] of recompute) expect(on, String(name)).toBe(/^(conv1|layer1\.)/.test(String(name)));
    expect(recompute.some(([, on]) => on)).toBe(true);
    model.dispose();
  });

  it('rejects stages outside 0-4 and the standard ResNet, naming the flag', () => {
    expect(resolve({ conv: 'vanilla', recomputeStages: [0, 5] })).toThrow(
      /^--recompute-stages: expected stage indices 0-4 \(0 = stem, 1-4 = residual stages\), got 0,5$/,
    );
    expect(resolve({ conv: 'standard', recomputeStages: [1] })).toThrow(/^--recompute-stages: .*has none/);
  });
});

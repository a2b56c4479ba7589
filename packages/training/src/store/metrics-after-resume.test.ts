import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { train } from '../loop/trainer.ts';
import { toyModel } from '../testing/toy-problem.ts';
import { toyTrainOptions } from '../testing/toy-train-options.ts';
import { directoryStore } from './directory-store.ts';
import { readMetrics, truncateMetrics } from './metrics-log.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'edl-metrics-'));

describe('metrics and checkpoint agree after resume', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('a kill between the metrics append and the checkpoint leaves no duplicate epoch line after resume', async () => {
    const dir = tmp();
    const real = directoryStore(dir);
    // the "kill": the checkpoint after epoch 2's metrics line fails
    const killed = {
      ...real,
      async saveCheckpoint(c: Parameters<typeof real.saveCheckpoint>[0]) {
        if (c.state.epoch === 2) throw new Error('simulated kill');
        return real.saveCheckpoint(c);
      },
    };
    await expect(train(toyTrainOptions(dir, { store: killed }))).rejects.toThrow(/simulated kill/);
    const path = join(dir, 'metrics.jsonl');
    expect(readMetrics(path).map((m) => m.epoch)).toEqual([1, 2]); // epoch 2 logged, its checkpoint lost
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const resumed = await train(toyTrainOptions(dir, { model: toyModel(3), resume: true }));
      resumed.model.dispose();
      expect(log).toHaveBeenCalledWith(
        expect.stringMatching(/dropped 1 line\(s\) after epoch 1 from .*metrics\.jsonl/),
      );
    } finally {
      log.mockRestore();
    }
    expect(readMetrics(path).map((m) => m.epoch)).toEqual([1, 2, 3]);
  });

  it('truncateMetrics drops later epochs and a line cut off mid-append, and names a damaged line', () => {
    const path = join(tmp(), 'metrics.jsonl');
    writeFileSync(path, '{"epoch":1}\n{"epoch":2}\n{"epoch":3}\n');
    expect(truncateMetrics(path, 2)).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe('{"epoch":1}\n{"epoch":2}\n');
    appendFileSync(path, '{"epo');
    expect(truncateMetrics(path, 2)).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe('{"epoch":1}\n{"epoch":2}\n');
    expect(truncateMetrics(path, 5)).toBe(0);
    writeFileSync(path, '{"epoch":1}\nnot json\n{"epoch":2}\n');
    expect(() => truncateMetrics(path, 1)).toThrow(/metrics\.jsonl: line 2 is not valid JSON/);
    expect(truncateMetrics(join(tmp(), 'absent.jsonl'), 0)).toBe(0);
  });
});

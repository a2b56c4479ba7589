import { describe, expect, it } from 'vitest';
import { constantLr, cosineLr, multiStepLr } from './lr-schedule.ts';

describe('learning-rate schedules', () => {
  it('multiStepLr divides at each milestone, per epoch', () => {
    const s = multiStepLr({ base: 0.1, milestones: [100, 150], gamma: 0.1 });
    const at = (epoch: number, step = 0) => s({ epoch, step, stepsPerEpoch: 10 });
    expect(at(0)).toBeCloseTo(0.1, 12);
    expect(at(99, 9)).toBeCloseTo(0.1, 12);
    expect(at(100)).toBeCloseTo(0.01, 12);
    expect(at(149)).toBeCloseTo(0.01, 12);
    expect(at(150)).toBeCloseTo(0.001, 12);
    expect(at(199)).toBeCloseTo(0.001, 12);
  });

  it('cosineLr follows min + (base - min)(1 + cos(pi i / T)) / 2 per iteration', () => {
    const s = cosineLr({ base: 0.1, epochs: 4, min: 1e-6 });
    const T = 4 * 5;
    for (const [epoch, step] of [
      [0, 0],
      [0, 3],
      [1, 2],
      [2, 0],
      [3, 4],
    ] as const) {
      const i = epoch * 5 + step;
      const expected = 1e-6 + ((0.1 - 1e-6) * (1 + Math.cos((Math.PI * i) / T))) / 2;
      expect(s({ epoch, step, stepsPerEpoch: 5 })).toBeCloseTo(expected, 12);
    }
    expect(s({ epoch: 2, step: 0, stepsPerEpoch: 5 })).toBeCloseTo((0.1 + 1e-6) / 2, 12);
    expect(s({ epoch: 4, step: 0, stepsPerEpoch: 5 })).toBeCloseTo(1e-6, 12);
  });

  it('constantLr is constant and bad hyperparameters are named', () => {
    expect(constantLr(0.3)({ epoch: 7, step: 2, stepsPerEpoch: 3 })).toBe(0.3);
    expect(() => multiStepLr({ base: -1, milestones: [] })).toThrow(/base/);
    expect(() => multiStepLr({ base: 0.1, milestones: [1.5] })).toThrow(/milestones/);
    expect(() => cosineLr({ base: 0.1, epochs: 0 })).toThrow(/epochs/);
    expect(() => cosineLr({ base: 0.1, epochs: 3, min: 0.2 })).toThrow(/min/);
  });
});

import { describe, expect, it } from 'vitest';
import { apgdCheckpointIntervals, apgdCheckpoints, lossOscillates } from './apgd-schedule.ts';

describe('APGD checkpoint schedule', () => {
  it('matches the AutoAttack reference list for N = 100', () => {
    expect(apgdCheckpointIntervals(100)).toEqual([22, 19, 16, 13, 10, 7, 6, 6]);
    expect(apgdCheckpoints(100)).toEqual([21, 40, 56, 69, 79, 86, 92, 98]);
  });
  it('follows max(int(.22N),1), decrease max(int(.03N),1), floor max(int(.06N),1) for other N', () => {
    // N = 10: first 2, decrease 1 (floor 0.3 -> 1), minimum 1 (floor 0.6 -> 1).
    expect(apgdCheckpointIntervals(10)).toEqual([2, 1, 1, 1, 1, 1, 1, 1, 1]);
    // N = 1000: 220, 190, 160, 130, 100, 70, 60, 60 (sum 990); one more 60 would pass 1000.
    expect(apgdCheckpointIntervals(1000)).toEqual([220, 190, 160, 130, 100, 70, 60, 60]);
    expect(apgdCheckpointIntervals(1)).toEqual([1]);
    expect(() => apgdCheckpointIntervals(0)).toThrow(/nIter/);
  });
  it('oscillation test counts loss increases in the window', () => {
    // increases at j = 1, 3 only -> 2 of the last 4 steps; rho 0.75 * 4 = 3 -> oscillates.
    const h = [1, 2, 1, 3, 2];
    expect(lossOscillates(h, 0, 4, 4, 0.75)).toBe(true);
    // strictly increasing: 4 increases > 3 -> no oscillation.
    expect(lossOscillates([1, 2, 3, 4, 5], 0, 4, 4, 0.75)).toBe(false);
    // the first step compares with the start loss.
    expect(lossOscillates([1], 2, 0, 1, 0.5)).toBe(true);
    expect(lossOscillates([3], 2, 0, 1, 0.5)).toBe(false);
  });
});

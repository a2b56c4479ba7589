import { describe, expect, it } from 'vitest';
import { describeCell, parseGridConfig, planGrid } from './grid-plan.ts';

describe('grid plan', () => {
  it('crosses the lists in order, last key fastest, train settings overridden by the cell', () => {
    const config = parseGridConfig(
      { out: 'g', train: { epochs: 1, seed: 9 }, grid: { conv: ['standard', 'vanilla'], seed: [0, 1, 2] } },
      'g.json',
    );
    const cells = planGrid(config);
    expect(cells.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cells.map((c) => describeCell(c))).toEqual([
      'conv=standard, seed=0',
      'conv=standard, seed=1',
      'conv=standard, seed=2',
      'conv=vanilla, seed=0',
      'conv=vanilla, seed=1',
      'conv=vanilla, seed=2',
    ]);
    expect(cells[4]?.train).toEqual({ epochs: 1, seed: 1, conv: 'vanilla' });
    expect(config.eval).toEqual([]);
  });

  it('refuses malformed configs, naming the file and key', () => {
    expect(() => parseGridConfig([], 'g.json')).toThrow(/g\.json: expected a JSON object/);
    expect(() => parseGridConfig({ grid: { seed: [] } }, 'g.json')).toThrow(/grid\.seed must be a non-empty list/);
    expect(() => parseGridConfig({ grid: {} }, 'g.json')).toThrow(/"grid" must be an object/);
    expect(() => parseGridConfig({ grid: { seed: [0] }, evals: [] }, 'g.json')).toThrow(/unknown key "evals"/);
    expect(() => parseGridConfig({ grid: { seed: [0] }, eval: [1] }, 'g.json')).toThrow(/"eval" must be a list/);
  });
});

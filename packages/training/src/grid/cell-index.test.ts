import { describe, expect, it } from 'vitest';
import { describeCellSource, resolveCellIndex } from './cell-index.ts';

describe('grid cell index', () => {
  it('takes --index over Slurm over Kubernetes; a Slurm task id is the cell index itself', () => {
    const env = { SLURM_ARRAY_TASK_ID: '3', JOB_COMPLETION_INDEX: '1' };
    expect(resolveCellIndex({ flag: '2', cells: 6, env })).toEqual({ index: 2, source: 'flag' });
    // a lone re-submitted task (sbatch --array=3) has MIN=3 and COUNT=1: still cell 3
    expect(resolveCellIndex({ cells: 6, env })).toEqual({ index: 3, source: 'slurm' });
    expect(resolveCellIndex({ cells: 6, env: { JOB_COMPLETION_INDEX: '5' } })).toEqual({
      index: 5,
      source: 'kubernetes',
    });
    expect(resolveCellIndex({ cells: 1, env: {} })).toEqual({ index: 0, source: 'only' });
    expect(describeCellSource({ index: 3, source: 'slurm' })).toBe('from SLURM_ARRAY_TASK_ID');
  });

  it('refuses bad, out-of-range and missing indices, naming the source and the range', () => {
    expect(() => resolveCellIndex({ flag: '6', cells: 6, env: {} })).toThrow(
      '--index: cell 6 is out of range: the grid has 6 cells (0..5)',
    );
    expect(() => resolveCellIndex({ flag: '-1', cells: 6, env: {} })).toThrow(
      '--index: expected a cell index, an integer in 0..5, got "-1"',
    );
    expect(() => resolveCellIndex({ flag: '1.5', cells: 2, env: {} })).toThrow(/--index: expected a cell index/);
    expect(() => resolveCellIndex({ cells: 2, env: { SLURM_ARRAY_TASK_ID: '7' } })).toThrow(
      'SLURM_ARRAY_TASK_ID: cell 7 is out of range: the grid has 2 cells (0..1)',
    );
    expect(() => resolveCellIndex({ cells: 2, env: { JOB_COMPLETION_INDEX: 'x' } })).toThrow(
      /JOB_COMPLETION_INDEX: expected a cell index/,
    );
    expect(() => resolveCellIndex({ cells: 2, env: {} })).toThrow(
      /which cell\? pass --index 0\.\.1, or run as a Slurm array task \(sbatch --array=0-1\)/,
    );
  });
});

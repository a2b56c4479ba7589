import { describe, expect, it } from 'vitest';
import { describeShard, parseShardFlag, resolveShard } from './shard-spec.ts';

describe('shard spec', () => {
  it('parses --shard i/n and refuses bad values with the flag named', () => {
    expect(parseShardFlag('2/4')).toEqual({ index: 2, count: 4, source: 'flag' });
    expect(() => parseShardFlag('4/4')).toThrow(/--shard: shard index 4 is out of range for 4 shards/);
    expect(() => parseShardFlag('0/0')).toThrow(/--shard: the shard count must be >= 1/);
    expect(() => parseShardFlag('1-4')).toThrow(/--shard: expected i\/n/);
  });

  it('uses the flag over Slurm over Kubernetes, and says which', () => {
    const env = {
      SLURM_ARRAY_TASK_ID: '3',
      SLURM_ARRAY_TASK_COUNT: '4',
      JOB_COMPLETION_INDEX: '1',
      EDL_SHARD_COUNT: '2',
    };
    expect(resolveShard({ flag: '0/2', env })).toMatchObject({ index: 0, count: 2, source: 'flag' });
    const slurm = resolveShard({ env });
    expect(slurm).toEqual({ index: 3, count: 4, source: 'slurm' });
    expect(describeShard(slurm)).toContain('SLURM_ARRAY_TASK_ID');
    expect(resolveShard({ env: { JOB_COMPLETION_INDEX: '1', EDL_SHARD_COUNT: '2' } })).toEqual({
      index: 1,
      count: 2,
      source: 'kubernetes',
    });
    expect(resolveShard({ countFlag: 5, env: { JOB_COMPLETION_INDEX: '4', EDL_SHARD_COUNT: '2' } }).count).toBe(5);
    expect(resolveShard({ env: {} })).toEqual({ index: 0, count: 1, source: 'none' });
  });

  it('refuses Slurm arrays that are not 0..n-1 (a lone --array=3 re-run, steps) and missing counts', () => {
    expect(() =>
      resolveShard({ env: { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '3', SLURM_ARRAY_TASK_COUNT: '1' } }),
    ).toThrow(/SLURM_ARRAY_TASK_ID 3 of SLURM_ARRAY_TASK_COUNT 1 .*to re-run one shard alone pass --shard i\/n/);
    expect(() =>
      resolveShard({ env: { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' } }),
    ).toThrow(/--array=0-<n-1>/);
    expect(() =>
      resolveShard({ env: { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '2', SLURM_ARRAY_TASK_STEP: '2' } }),
    ).toThrow(/step 2\) is not a shard/);
    expect(() => resolveShard({ env: { JOB_COMPLETION_INDEX: '0' } })).toThrow(
      /--shard-count <completions> or set EDL_SHARD_COUNT/,
    );
    expect(() => resolveShard({ env: { JOB_COMPLETION_INDEX: '3', EDL_SHARD_COUNT: '3' } })).toThrow(
      /JOB_COMPLETION_INDEX: shard index 3 is out of range/,
    );
  });
});

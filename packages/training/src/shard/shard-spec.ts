/** Which part of a sharded run this process evaluates, and where that came from. */
export interface ShardSpec {
  /** Zero-based shard index, 0 <= index < count. */
  index: number;
  /** Number of shards. */
  count: number;
  /** Where the spec came from (printed by the CLI): the flag, Slurm's or Kubernetes' environment, or none. */
  source: 'flag' | 'slurm' | 'kubernetes' | 'none';
}

/** The environment variables {@link resolveShard} reads. */
export type ShardEnv = Partial<
  Record<
    | 'SLURM_ARRAY_TASK_ID'
    | 'SLURM_ARRAY_TASK_COUNT'
    | 'SLURM_ARRAY_TASK_MIN'
    | 'SLURM_ARRAY_TASK_STEP'
    | 'JOB_COMPLETION_INDEX'
    | 'EDL_SHARD_COUNT',
    string
  >
>;

function nonNegInt(text: string, what: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 0)
    throw new Error(`${what}: expected an integer >= 0, got "${text}"`);
  return n;
}

function checked(index: number, count: number, source: ShardSpec['source'], what: string): ShardSpec {
  if (count < 1) throw new Error(`${what}: the shard count must be >= 1, got ${count}`);
  if (index >= count)
    throw new Error(`${what}: shard index ${index} is out of range for ${count} shards (0..${count - 1})`);
  return { index, count, source };
}

/** Parses `--shard i/n` (zero-based i, 0 <= i < n). */
export function parseShardFlag(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new Error(`--shard: expected i/n with 0 <= i < n (e.g. 0/4), got "${text}"`);
  return checked(Number(m[1]), Number(m[2]), 'flag', '--shard');
}

/**
 * Resolves the shard of this process. Precedence: the `--shard i/n` flag; else a Slurm job array
 * (`SLURM_ARRAY_TASK_ID` of `SLURM_ARRAY_TASK_COUNT`; the array must be `--array=0-<n-1>`, anything else, such as a
 * lone `--array=3` re-run, is refused with a pointer to `--shard i/n`);
 * else a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, over `--shard-count` or `EDL_SHARD_COUNT`); else one shard
 * (an unsharded run).
 */
export function resolveShard(o: { flag?: string; countFlag?: number; env: ShardEnv }): ShardSpec {
  if (o.flag !== undefined) return parseShardFlag(o.flag);
  const { env } = o;
  if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_ID !== '') {
    const id = nonNegInt(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID');
    if (env.SLURM_ARRAY_TASK_COUNT === undefined) {
      throw new Error(
        'SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (Slurm >= 18.08 sets both); pass --shard i/n',
      );
    }
    const count = o.countFlag ?? nonNegInt(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT');
    const min = env.SLURM_ARRAY_TASK_MIN ? nonNegInt(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN') : 0;
    const step = env.SLURM_ARRAY_TASK_STEP ? nonNegInt(env.SLURM_ARRAY_TASK_STEP, 'SLURM_ARRAY_TASK_STEP') : 1;
    if (min !== 0 || step !== 1 || id >= count) {
      throw new Error(
        `SLURM_ARRAY_TASK_ID ${id} of SLURM_ARRAY_TASK_COUNT ${count} (min ${min}, step ${step}) is not a shard: submit the array as --array=0-<n-1>; to re-run one shard alone pass --shard i/n`,
      );
    }
    return checked(id, count, 'slurm', 'SLURM_ARRAY_TASK_ID');
  }
  if (env.JOB_COMPLETION_INDEX !== undefined && env.JOB_COMPLETION_INDEX !== '') {
    const index = nonNegInt(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX');
    const count =
      o.countFlag ??
      (env.EDL_SHARD_COUNT !== undefined ? nonNegInt(env.EDL_SHARD_COUNT, 'EDL_SHARD_COUNT') : undefined);
    if (count === undefined) {
      throw new Error(
        'JOB_COMPLETION_INDEX is set (Kubernetes Indexed Job) but the shard count is not: pass --shard-count <completions> or set EDL_SHARD_COUNT',
      );
    }
    return checked(index, count, 'kubernetes', 'JOB_COMPLETION_INDEX');
  }
  return { index: 0, count: 1, source: 'none' };
}

/** One line saying which shard this is and where that came from. */
export function describeShard(s: ShardSpec): string {
  const from = {
    flag: 'from --shard',
    slurm: 'from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT',
    kubernetes: 'from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)',
    none: 'no --shard flag, Slurm array or Kubernetes index: unsharded',
  }[s.source];
  return `shard ${s.index}/${s.count} (${from})`;
}

import { InvalidArgumentError } from 'commander';

/** Commander parser for a finite number, with the flag named in the error. */
export function num(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}"`);
  return n;
}

/** Commander parser for an integer. */
export function int(value: string): number {
  const n = num(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected an integer, got "${value}"`);
  return n;
}

/** Commander parser for a comma-separated list of integers. */
export function intList(value: string): number[] {
  return value
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((s) => int(s.trim()));
}

/** Commander parser for a comma-separated list of numbers. */
export function numList(value: string): number[] {
  return value
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((s) => num(s.trim()));
}

/** Commander help text of the sharding flags shared by `edl eval` and `edl attack`. */
export const SHARD_HELP = {
  shard:
    'evaluate shard i of n (0 <= i < n) and write <report>.shard-i-of-n.json; without it, SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX (with --shard-count or EDL_SHARD_COUNT) are used; merge with `edl merge`; --shard 0/1 ignores them (an array job that is not a sharded evaluation)',
  shardCount: 'number of shards for a Kubernetes Indexed Job (JOB_COMPLETION_INDEX); default EDL_SHARD_COUNT',
  batchSize: 'samples per attack batch; shards take whole batches, so a smaller batch splits finer',
  threads: 'wasm backend threads (default min(cores, 8)); give each shard its own cores, e.g. $SLURM_CPUS_PER_TASK',
} as const;

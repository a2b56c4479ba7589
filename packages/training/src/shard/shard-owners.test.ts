import { describe, expect, it } from 'vitest';
import { shardOwners } from './shard-owners.ts';

describe('shardOwners', () => {
  it('gives each shard whole, contiguous attack batches and spreads misclassified samples by position', () => {
    // 9 correct samples (batches of 2: [0,1] [3,4] [5,7] [8,9] [11]), 3 misclassified at positions 2, 6, 10
    const clean = [true, true, false, true, true, true, false, true, true, true, false, true];
    const owners = shardOwners(clean, 2, 2);
    // 5 batches over 2 shards: batch b -> floor(2b/5): 0,0,0,1,1
    expect(owners).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1]);
    expect(shardOwners(clean, 2, 1).every((s) => s === 0)).toBe(true);
    // more shards than batches: some shards own only misclassified samples, every sample still has one owner
    const many = shardOwners(clean, 100, 3);
    expect(many.filter((_, p) => clean[p]).every((s) => s === 0)).toBe(true);
    expect(many[2]).toBe(2);
    expect(() => shardOwners(clean, 0, 2)).toThrow(/batchSize/);
  });
});

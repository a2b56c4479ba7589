/**
 * Assigns every evaluated sample (its position in the selection) to a shard.
 *
 * Attacks seed every batch from the same `seed` and draw the random start of a batch as one tensor, so a sample's
 * result depends on the batch it is attacked in. Shards therefore take whole attack batches of the unsharded run:
 * the clean-correct samples, in selection order, cut into batches of `batchSize` (what `evaluateRobustness` attacks),
 * batch `b` of `B` going to shard `floor(b * count / B)` (contiguous runs of batches, so only the globally last batch
 * can be partial). Clean-misclassified samples are not attacked and go to shard `position mod count`. Membership is
 * thus a function of the selected test indices, the model (its clean predictions) and the batch size; the attack
 * seed changes no membership.
 */
export function shardOwners(cleanCorrect: readonly boolean[], batchSize: number, count: number): number[] {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`batchSize: expected a positive integer, got ${batchSize}`);
  if (!Number.isInteger(count) || count < 1) throw new Error(`count: expected a positive integer, got ${count}`);
  const attacked = cleanCorrect.filter(Boolean).length;
  const batches = Math.ceil(attacked / batchSize);
  let rank = 0;
  return cleanCorrect.map((correct, position) => {
    if (!correct) return position % count;
    const batch = Math.floor(rank++ / batchSize);
    return Math.floor((batch * count) / batches);
  });
}

import type * as tf from '@tensorflow/tfjs';
import { attackStillRobust, type SubsetOutcome, startRobustPoints } from '../autoattack/auto-attack-robust-points.ts';
import type { AttackOutput } from './define-attack.ts';
import type { Model } from './model.ts';

/** What one round of {@link attackRobustRounds} returns for the still-robust subset it was given. */
export interface RoundOutcome extends SubsetOutcome {
  /** Model queries the round spent on the whole subset (summed over its samples). */
  queries: number;
}

/**
 * The restart loop shared by the AutoAttack-style attacks (APGD, APGD-T, FAB-T, Square): runs `rounds` rounds of
 * `attackRound`, each on the points still robust only and from the clean images, and keeps the per-point worst case
 * (see {@link attackStillRobust}). Returns the candidate images and the queries per sample (the rounds' queries
 * summed and divided by the batch size); `defineAttack` finalises them.
 */
export async function attackRobustRounds(
  model: Model,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  rounds: number,
  attackRound: (round: number, xs: tf.Tensor4D, ys: tf.Tensor1D) => Promise<RoundOutcome>,
): Promise<AttackOutput> {
  const state = await startRobustPoints(model, x, y);
  let queries = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      await attackStillRobust(state, x, y, async (xs, ys) => {
        const out = await attackRound(round, xs, ys);
        queries += out.queries / x.shape[0];
        return out;
      });
    }
  } catch (err) {
    state.adv.dispose();
    throw err;
  }
  return { xAdv: state.adv, queries };
}

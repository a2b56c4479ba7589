import type * as tf from '@tensorflow/tfjs';
import type { Attack, AttackResult } from '../core/attack.ts';
import { finalizeResult } from '../core/finalize-result.ts';
import type { Model } from '../core/model.ts';

/**
 * Transfer attack: crafts adversarial examples with `attack` against `surrogate` (a differentiable stand-in) and
 * evaluates them on the target model passed to `run`. Success and norms refer to the target model.
 */
export function transferAttack(surrogate: Model, attack: Attack): Attack {
  async function run(model: Model, x: tf.Tensor4D, y: tf.Tensor1D, targets?: tf.Tensor1D): Promise<AttackResult> {
    const crafted = await attack.run(surrogate, x, y, targets);
    const budgeted = attack.norm === 'linf' || attack.norm === 'l2';
    return await finalizeResult(model, x, crafted.xAdv, y, attack.norm, {
      ...(budgeted && attack.eps !== undefined ? { eps: attack.eps } : {}),
      ...(targets ? { targets } : {}),
      ...(crafted.queries !== undefined ? { queries: crafted.queries } : {}),
    });
  }
  return {
    name: `transfer(${attack.name})`,
    norm: attack.norm,
    ...(attack.eps !== undefined ? { eps: attack.eps } : {}),
    settings: { surrogate: true, attack: attack.name, ...attack.settings },
    run,
  };
}

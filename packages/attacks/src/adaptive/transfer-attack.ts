import type { Attack } from '../core/attack.ts';
import { defineAttack } from '../core/define-attack.ts';
import type { Model } from '../core/model.ts';

/**
 * Transfer attack: crafts adversarial examples with `attack` against `surrogate` (a differentiable stand-in) and
 * evaluates them on the target model passed to `run`. Success and norms refer to the target model. A targeted
 * `attack` is judged against the `targets` given to `run`; given none, success means misclassification.
 */
export function transferAttack(surrogate: Model, attack: Attack): Attack {
  return defineAttack({
    name: `transfer(${attack.name})`,
    threat: attack.threat,
    family: 'transfer',
    effort: attack.effort,
    settings: { surrogate: true, attack: attack.name, ...attack.settings },
    targeted: attack.targeted,
    run: async ({ x, y, targets }) => {
      const crafted = await attack.run(surrogate, x, y, targets);
      return {
        xAdv: crafted.xAdv,
        ...(crafted.queries !== undefined ? { queries: crafted.queries } : {}),
        flags: crafted.flags,
      };
    },
  });
}

import { transferAttack } from '../adaptive/transfer-attack.ts';
import { apgd } from '../apgd/apgd.ts';
import { apgdTargeted } from '../apgd/apgd-targeted.ts';
import { autoAttack } from '../autoattack/auto-attack.ts';
import type { Attack } from '../core/attack.ts';
import type { Model } from '../core/model.ts';
import { corruption } from '../corruptions/corruptions.ts';
import { fabTargeted } from '../fab/fab-targeted.ts';
import { carliniWagnerL2 } from '../gradient/carlini-wagner-l2.ts';
import { fgsm } from '../gradient/fgsm.ts';
import { pgd } from '../gradient/pgd.ts';
import { deepfool } from '../minimal/deepfool.ts';
import { sparsefool } from '../minimal/sparsefool.ts';
import { square } from '../square/square.ts';

/**
 * Every attack factory of the package, each with small settings for tests: `make(eps, seed, surrogate)` returns one
 * or more configured attacks. The budget property test runs all of them, and checks that every exported factory
 * returning an Attack is listed here, so a new attack cannot skip it.
 */
export const attackCatalog: Record<string, (eps: number, seed: number, surrogate: Model) => Attack[]> = {
  fgsm: (eps, seed) => [fgsm({ eps, randomStart: true, seed })],
  pgd: (eps, seed) => [
    pgd({ eps, steps: 3, restarts: 2, seed }),
    pgd({ eps, steps: 3, loss: 'cw', targeted: true, targetMode: 'random', seed }),
    pgd({ eps: eps * 4, norm: 'l2', steps: 3, seed, stepSize: eps * 8, keep: 'best', earlyStop: true }),
  ],
  apgd: (eps, seed) => [apgd({ eps, steps: 3, seed }), apgd({ eps: eps * 4, norm: 'l2', loss: 'dlr', steps: 3, seed })],
  apgdTargeted: (eps, seed) => [apgdTargeted({ eps, steps: 3, nTargets: 2, seed })],
  fabTargeted: (eps, seed) => [
    fabTargeted({ eps, steps: 3, nTargets: 2, seed }),
    fabTargeted({ eps, norm: 'l1', steps: 3, nTargets: 1, seed }),
  ],
  square: (eps, seed) => [square({ eps, queries: 20, seed }), square({ eps: eps * 4, norm: 'l2', queries: 20, seed })],
  carliniWagnerL2: (eps) => [carliniWagnerL2({ eps: eps * 4, steps: 20, binarySearchSteps: 2 })],
  deepfool: (eps) => [deepfool({ eps: eps * 4, steps: 5 })],
  sparsefool: () => [sparsefool({ steps: 2, deepfoolSteps: 5 })],
  corruption: (_eps, seed) => [corruption({ type: 'gaussian', severity: 5, seed })],
  transferAttack: (eps, seed, surrogate) => [transferAttack(surrogate, pgd({ eps, steps: 2, seed }))],
  autoAttack: (eps, seed) => [autoAttack({ norm: 'linf', eps, budget: 0.02, nTargets: 1, seed })],
};

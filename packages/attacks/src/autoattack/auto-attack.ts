import * as tf from '@tensorflow/tfjs';
import { apgd } from '../apgd/apgd.ts';
import { apgdTargeted } from '../apgd/apgd-targeted.ts';
import type { Attack } from '../core/attack.ts';
import { type AttackInput, type AttackOutput, defineAttack } from '../core/define-attack.ts';
import { AttackError, checkEps, checkOneOf, checkPositiveInt, invalidOption } from '../core/errors.ts';
import { perSampleNorm } from '../core/projections.ts';
import { readScalars, readValues } from '../core/read.ts';
import type { TrustFlag } from '../core/trust-flag.ts';
import { fabTargeted } from '../fab/fab-targeted.ts';
import { square } from '../square/square.ts';
import { attackStillRobust, startRobustPoints } from './auto-attack-robust-points.ts';
import { takeRows } from './auto-attack-rows.ts';
import type {
  AutoAttack,
  AutoAttackLogEntry,
  AutoAttackName,
  AutoAttackOptions,
  AutoAttackSummary,
  AutoAttackVersion,
} from './auto-attack-types.ts';

const STANDARD: AutoAttackName[] = ['apgd-ce', 'apgd-t', 'fab-t', 'square'];
const RAND: AutoAttackName[] = ['apgd-ce', 'apgd-dlr'];
const KNOWN: readonly AutoAttackName[] = ['apgd-ce', 'apgd-dlr', 'apgd-t', 'fab-t', 'square'];

function attackList(version: AutoAttackVersion, attacks: AutoAttackName[] | undefined): AutoAttackName[] {
  if (version === 'custom') {
    if (attacks === undefined || attacks.length === 0) {
      throw new AttackError('invalid-option', 'attacks', "attacks: version 'custom' needs a non-empty attacks list");
    }
    for (const a of attacks) checkOneOf('attacks[]', a, KNOWN);
    return [...attacks];
  }
  if (attacks !== undefined) {
    throw new AttackError(
      'invalid-option',
      'attacks',
      `attacks may only be given with version 'custom' (got version '${version}')`,
    );
  }
  return version === 'standard' ? [...STANDARD] : [...RAND];
}

function scaled(reference: number, budget: number): number {
  return Math.max(1, Math.round(reference * budget));
}

/**
 * AutoAttack (Croce and Hein 2020), the reference ensemble for robustness evaluation: runs each attack only on the
 * points still robust, always from the clean images, and keeps the per-point worst case. 'standard' = APGD-CE,
 * APGD-T (9 targets), FAB-T (9 targets), Square (5000 queries); 'rand' = APGD-CE and APGD-DLR with EOT over 20
 * calls, for randomised defences. Logs the robust accuracy after each attack and ends with the reference checks
 * (max perturbation, NaN count, range of the adversarial images).
 */
export function autoAttack(options: AutoAttackOptions): AutoAttack {
  const norm = checkOneOf('norm', options.norm, ['linf', 'l2'] as const);
  const eps = checkEps('eps', options.eps);
  const version = checkOneOf('version', options.version ?? 'standard', ['standard', 'rand', 'custom'] as const);
  const names = attackList(version, options.attacks);
  const seed = options.seed ?? 0;
  const batchSize = checkPositiveInt('batchSize', options.batchSize ?? 250);
  const budget = options.budget ?? 1;
  if (!Number.isFinite(budget) || budget <= 0 || budget > 1) invalidOption('budget', 'a number in (0, 1]', budget);
  const nTargets = checkPositiveInt('nTargets', options.nTargets ?? 9);
  const referenceEot = version === 'rand' ? 20 : 1;
  const eotIter = checkPositiveInt('eotIter', options.eotIter ?? referenceEot);
  const steps = scaled(100, budget);
  const queries = scaled(5000, budget);
  const usesTargets = names.includes('apgd-t') || names.includes('fab-t');
  const shortfalls = [
    ...(budget < 1
      ? [`budget ${budget} (${steps} iterations, ${queries} Square queries instead of 100 and 5000)`]
      : []),
    ...(usesTargets && nTargets < 9 ? [`${nTargets} target classes instead of 9`] : []),
    ...(eotIter < referenceEot ? [`EOT over ${eotIter} calls instead of ${referenceEot}`] : []),
  ];
  const reduced = version !== 'custom' && shortfalls.length > 0;
  const make = (name: AutoAttackName): Attack => {
    switch (name) {
      case 'apgd-ce':
        return apgd({ eps, norm, loss: 'ce', steps, restarts: 1, eotIter, seed });
      case 'apgd-dlr':
        return apgd({ eps, norm, loss: 'dlr', steps, restarts: 1, eotIter, seed });
      case 'apgd-t':
        return apgdTargeted({ eps, norm, nTargets, steps, restarts: 1, eotIter, seed });
      case 'fab-t':
        return fabTargeted({ eps, norm, nTargets, steps, restarts: 1, seed });
      case 'square':
        return square({ eps, norm, queries, pInit: 0.8, restarts: 1, seed });
    }
  };
  const attacks = names.map((name) => ({ name, attack: make(name) }));
  const gradientFree = attacks.every(({ attack }) => attack.family === 'gradient-free');
  const settings: Record<string, unknown> = {
    norm,
    eps,
    version: reduced ? 'reduced' : version,
    attacks: names,
    seed,
    batchSize,
    budget,
    nIter: steps,
    nQueries: queries,
    nTargetClasses: nTargets,
    eotIter,
    subAttacks: Object.fromEntries(attacks.map(({ name, attack }) => [name, attack.settings])),
  };
  const reducedFlag: TrustFlag = {
    id: 'reduced-budget-autoattack',
    severity: 'warning',
    message: `reduced-budget AutoAttack: not the standard evaluation (${shortfalls.join('; ')}).`,
    fix: 'Report this number as a quick check only; run autoAttack with the defaults (budget 1, nTargets 9) for the standard evaluation.',
  };

  const body = async ({ model, x, y, numClasses }: AttackInput): Promise<AttackOutput & AutoAttackSummary> => {
    if (names.includes('apgd-dlr') && numClasses < 3) {
      throw new AttackError(
        'unsupported-model',
        'model',
        `autoAttack: apgd-dlr needs at least 3 classes, the model has ${numClasses}; use version 'custom'`,
      );
    }
    if (names.includes('apgd-t') && numClasses < 4) {
      throw new AttackError(
        'unsupported-model',
        'model',
        `autoAttack: apgd-t needs at least 4 classes, the model has ${numClasses}; use version 'custom'`,
      );
    }
    const n = x.shape[0];
    const state = await startRobustPoints(model, x, y);
    const cleanAccuracy = state.robust.filter(Boolean).length / n;
    const log: AutoAttackLogEntry[] = [];
    const flags: TrustFlag[] = reduced ? [reducedFlag] : [];
    let queriesUsed = 0;
    try {
      for (const { name, attack } of attacks) {
        const started = Date.now();
        let successes = 0;
        const attacked = await attackStillRobust(state, x, y, async (xs, ys) => {
          const m = xs.shape[0];
          const parts: tf.Tensor4D[] = [];
          const success: boolean[] = [];
          try {
            for (let start = 0; start < m; start += batchSize) {
              const rows = Array.from({ length: Math.min(batchSize, m - start) }, (_, k) => start + k);
              const xb = takeRows(xs, rows);
              const yb = takeRows(ys, rows);
              try {
                const r = await attack.run(model, xb, yb);
                parts.push(r.xAdv);
                success.push(...r.success);
                for (const f of r.flags) if (!flags.some((g) => g.id === f.id)) flags.push(f);
                queriesUsed += ((r.queries ?? 0) * rows.length) / n;
              } finally {
                tf.dispose([xb, yb]);
              }
              options.onProgress?.(start + rows.length, m, name);
            }
          } catch (err) {
            tf.dispose(parts);
            throw err;
          }
          const xAdv = parts.length === 1 ? (parts[0] as tf.Tensor4D) : (tf.concat(parts, 0) as tf.Tensor4D);
          if (parts.length > 1) tf.dispose(parts);
          successes = success.filter(Boolean).length;
          return { xAdv, success };
        });
        const entry: AutoAttackLogEntry = {
          attack: name,
          attacked,
          successes,
          robustAccuracy: state.robust.filter(Boolean).length / n,
          seconds: (Date.now() - started) / 1000,
          settings: attack.settings,
        };
        log.push(entry);
        options.onLog?.(entry);
      }
      // The reference's final checks, on the images handed to finalisation.
      const [nanT, minT, maxT, normsT, predT] = tf.tidy(() => [
        tf.sum(tf.cast(tf.isNaN(state.adv), 'int32')),
        tf.min(state.adv),
        tf.max(state.adv),
        perSampleNorm(tf.sub(state.adv, x), norm),
        tf.argMax(model(state.adv), 1),
      ]);
      const [[nanCount = 0, min = 0, max = 0], norms, predictions, labels] = await Promise.all([
        readScalars([nanT, minT, maxT]),
        readValues(normsT),
        readValues(predT),
        y.data(),
      ]);
      const maxNorm = Math.max(0, ...norms);
      const robust = [...state.robust];
      const disagreements = robust.filter((r, i) => r !== (predictions[i] === labels[i])).length;
      const gradientAttackRan = attacks.some(({ attack }) => attack.family === 'gradient');
      const squareGain = (log.find((e) => e.attack === 'square')?.successes ?? 0) / n;
      if (gradientAttackRan && squareGain > 0.002) {
        flags.push({
          id: 'black-box-beats-white-box',
          severity: 'warning',
          message: `square (gradient-free) lowered robust accuracy by ${(100 * squareGain).toFixed(2)} pp after the gradient attacks: the gradients are probably masked.`,
          fix: 'Use adaptive attacks (BPDA through non-differentiable parts, EOT, more steps) and report the worst case including Square.',
        });
      }
      if (disagreements > 0) {
        flags.push({
          id: 'randomized-model',
          severity: 'warning',
          message: `${disagreements} points changed prediction between the attack and the final check: the model looks randomised.`,
          fix: "Use version 'rand' (APGD with EOT over 20 calls) and make sure the model runs in inference mode.",
        });
      }
      return {
        xAdv: state.adv,
        queries: queriesUsed,
        flags,
        cleanAccuracy,
        robustAccuracy: robust.filter(Boolean).length / n,
        robust,
        log,
        checks: { maxNorm, nanCount, min, max, disagreements },
      };
    } catch (err) {
      state.adv.dispose();
      throw err;
    }
  };

  return defineAttack<AutoAttackSummary>({
    name: reduced
      ? version === 'standard'
        ? 'autoattack-reduced'
        : `autoattack-${version}-reduced`
      : `autoattack-${version}`,
    threat: { norm, eps },
    family: gradientFree ? 'gradient-free' : 'gradient',
    effort: { steps, restarts: 1, ...(usesTargets ? { targets: nTargets } : {}) },
    settings,
    run: body,
  });
}

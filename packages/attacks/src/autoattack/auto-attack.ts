import * as tf from '@tensorflow/tfjs';
import { apgd } from '../apgd/apgd.ts';
import { apgdTargeted } from '../apgd/apgd-targeted.ts';
import type { Attack } from '../core/attack.ts';
import { finalizeResult } from '../core/finalize-result.ts';
import type { Model } from '../core/model.ts';
import { positiveIntOption } from '../core/option-values.ts';
import { perSampleNorm } from '../core/projections.ts';
import { readScalars, readValues } from '../core/read.ts';
import { numClassesOf, validateAttackInputs, validateEps } from '../core/validate-inputs.ts';
import { fabTargeted } from '../fab/fab-targeted.ts';
import { square } from '../square/square.ts';
import { attackStillRobust, startRobustPoints } from './auto-attack-robust-points.ts';
import { takeRows } from './auto-attack-rows.ts';
import type {
  AutoAttack,
  AutoAttackLogEntry,
  AutoAttackName,
  AutoAttackOptions,
  AutoAttackResult,
  AutoAttackVersion,
} from './auto-attack-types.ts';

const STANDARD: AutoAttackName[] = ['apgd-ce', 'apgd-t', 'fab-t', 'square'];
const RAND: AutoAttackName[] = ['apgd-ce', 'apgd-dlr'];
const KNOWN: readonly string[] = ['apgd-ce', 'apgd-dlr', 'apgd-t', 'fab-t', 'square'];

function attackList(version: AutoAttackVersion, attacks: AutoAttackName[] | undefined): AutoAttackName[] {
  if (version === 'custom') {
    if (attacks === undefined || attacks.length === 0)
      throw new Error("autoAttack: version 'custom' needs a non-empty attacks list");
    for (const a of attacks) {
      if (!KNOWN.includes(a))
        throw new Error(`autoAttack: unknown attack '${String(a)}'; expected one of ${KNOWN.join(', ')}`);
    }
    return [...attacks];
  }
  if (attacks !== undefined)
    throw new Error(`autoAttack: attacks may only be given with version 'custom' (got version '${version}')`);
  if (version === 'standard') return [...STANDARD];
  if (version === 'rand') return [...RAND];
  throw new Error(`autoAttack: version must be 'standard', 'rand' or 'custom', got ${String(version)}`);
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
  const { norm } = options;
  if (norm !== 'linf' && norm !== 'l2') throw new Error(`autoAttack: norm must be 'linf' or 'l2', got ${String(norm)}`);
  validateEps(options.eps, 'eps');
  const eps = options.eps;
  const version = options.version ?? 'standard';
  const names = attackList(version, options.attacks);
  const seed = options.seed ?? 0;
  const batchSize = positiveIntOption(options.batchSize, 250, 'batchSize');
  const budget = options.budget ?? 1;
  if (!Number.isFinite(budget) || budget <= 0 || budget > 1)
    throw new Error(`budget must be a number in (0, 1], got ${budget}`);
  const nTargets = positiveIntOption(options.nTargets, 9, 'nTargets');
  const eotIter = positiveIntOption(options.eotIter, version === 'rand' ? 20 : 1, 'eotIter');
  const nIter = scaled(100, budget);
  const nQueries = scaled(5000, budget);

  const make = (name: AutoAttackName): Attack => {
    switch (name) {
      case 'apgd-ce':
        return apgd({ eps, norm, loss: 'ce', nIter, nRestarts: 1, eotIter, seed });
      case 'apgd-dlr':
        return apgd({ eps, norm, loss: 'dlr', nIter, nRestarts: 1, eotIter, seed });
      case 'apgd-t':
        return apgdTargeted({ eps, norm, nTargets, nIter, nRestarts: 1, eotIter, seed });
      case 'fab-t':
        return fabTargeted({ eps, norm, nTargets, nIter, nRestarts: 1, seed });
      case 'square':
        return square({ eps, norm, nQueries, pInit: 0.8, nRestarts: 1, seed });
    }
  };
  const attacks = names.map((name) => ({ name, attack: make(name) }));
  const settings: Record<string, unknown> = {
    norm,
    eps,
    version,
    attacks: names,
    seed,
    batchSize,
    budget,
    nIter,
    nQueries,
    nTargets,
    eotIter,
    subAttacks: Object.fromEntries(attacks.map(({ name, attack }) => [name, attack.settings])),
  };

  async function run(model: Model, x: tf.Tensor4D, y: tf.Tensor1D): Promise<AutoAttackResult> {
    await validateAttackInputs(x, y, model);
    const classes = numClassesOf(model, x);
    if (names.includes('apgd-dlr') && classes < 3) {
      throw new Error(`autoAttack: apgd-dlr needs at least 3 classes, the model has ${classes}; use version 'custom'`);
    }
    if (names.includes('apgd-t') && classes < 4) {
      throw new Error(`autoAttack: apgd-t needs at least 4 classes, the model has ${classes}; use version 'custom'`);
    }
    const n = x.shape[0];
    const state = await startRobustPoints(model, x, y);
    const cleanAccuracy = state.robust.filter(Boolean).length / n;
    const log: AutoAttackLogEntry[] = [];
    let queries = 0;
    try {
      for (const { name, attack } of attacks) {
        const started = Date.now();
        let fooled = 0;
        const attacked = await attackStillRobust(state, x, y, async (xs, ys) => {
          const m = xs.shape[0];
          const parts: tf.Tensor4D[] = [];
          const flags: boolean[] = [];
          try {
            for (let start = 0; start < m; start += batchSize) {
              const rows = Array.from({ length: Math.min(batchSize, m - start) }, (_, k) => start + k);
              const xb = takeRows(xs, rows);
              const yb = takeRows(ys, rows);
              try {
                const r = await attack.run(model, xb, yb);
                parts.push(r.xAdv);
                flags.push(...r.success);
                queries += ((r.queries ?? 0) * rows.length) / n;
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
          fooled = flags.filter(Boolean).length;
          return { xAdv, fooled: flags };
        });
        const entry: AutoAttackLogEntry = {
          attack: name,
          attacked,
          fooled,
          robustAccuracy: state.robust.filter(Boolean).length / n,
          seconds: (Date.now() - started) / 1000,
          settings: attack.settings,
        };
        log.push(entry);
        options.onLog?.(entry);
      }
    } catch (err) {
      state.adv.dispose();
      throw err;
    }
    const [nanT, minT, maxT] = tf.tidy(() => [
      tf.sum(tf.cast(tf.isNaN(state.adv), 'int32')),
      tf.min(state.adv),
      tf.max(state.adv),
    ]);
    const [nanCount = 0, min = 0, max = 0] = await readScalars([nanT, minT, maxT]);
    const result = await finalizeResult(model, x, state.adv, y, norm, { eps, queries });
    const normsT = tf.tidy(() => perSampleNorm(tf.sub(result.xAdv, x), norm));
    const maxNorm = Math.max(0, ...(await readValues(normsT)));
    const robust = [...state.robust];
    const disagreements = robust.filter((r, i) => r === result.success[i]).length;
    const warnings: string[] = [];
    const gradientAttackRan = log.some((e) => e.attack !== 'square');
    const squareGain = (log.find((e) => e.attack === 'square')?.fooled ?? 0) / n;
    if (gradientAttackRan && squareGain > 0.002) {
      warnings.push(
        `square (gradient-free) lowered robust accuracy by ${(100 * squareGain).toFixed(2)} pp after the gradient attacks: ` +
          'the gradients are probably masked; use adaptive attacks (BPDA, EOT, more steps)',
      );
    }
    if (disagreements > 0) {
      warnings.push(
        `${disagreements} points changed prediction between the attack and the final check: the model looks randomised; use version 'rand'`,
      );
    }
    return {
      ...result,
      cleanAccuracy,
      robustAccuracy: robust.filter(Boolean).length / n,
      robust,
      log,
      checks: { maxNorm, nanCount, min, max, disagreements, warnings },
    };
  }

  return { name: `autoattack-${version}`, norm, eps, settings, run };
}

import * as tf from '@tensorflow/tfjs';
import type { Attack, AttackEffort, AttackFamily, AttackResult, ThreatModel } from './attack.ts';
import { AttackError, checkEps, checkNonNegativeInt, checkOneOf, checkPositiveInt, checkSeed } from './errors.ts';
import { finalizeResult } from './finalize-result.ts';
import type { Model } from './model.ts';
import type { TrustFlag } from './trust-flag.ts';
import { checkAttackInputs, checkTargets } from './validate-inputs.ts';

/** What an attack's body receives: validated inputs. */
export interface AttackInput {
  model: Model;
  /** Images in [0, 1], NHWC (checked). */
  x: tf.Tensor4D;
  /** Labels as int32, checked against the model's classes. Owned by `defineAttack` (do not dispose). */
  y: tf.Tensor1D;
  /** Given target labels as int32 (targeted attacks only), checked: in range and different from `y`. */
  targets?: tf.Tensor1D;
  /** Number of classes the model outputs. */
  numClasses: number;
}

/** What an attack's body returns, before finalisation. */
export interface AttackOutput {
  /** Candidate adversarial images (ownership passes to `defineAttack`; they are re-projected and re-judged). */
  xAdv: tf.Tensor4D;
  /** Model queries per sample. */
  queries?: number;
  /** Targets the body chose itself (targeted attacks given none); ownership passes to `defineAttack`. */
  targets?: tf.Tensor1D;
  /** The attack's own trust findings. */
  flags?: TrustFlag[];
}

/** The contract of an attack, see {@link defineAttack}. `E` holds extra result fields (e.g. AutoAttack's log). */
export interface AttackDefinition<E extends object = object> {
  /** Short name for reports. */
  name: string;
  /** Norm and budget; the result is projected onto this ball and the [0, 1] box, then checked. */
  threat: ThreatModel;
  /** Kind of attack (read by the trust checks). */
  family: AttackFamily;
  /** Steps and restarts (read by the trust checks). */
  effort: AttackEffort;
  /** Every setting that determines the result, in the reference implementation's names (for traceability). */
  settings: Record<string, unknown>;
  /** Success means "classified as the target"; `run` then accepts `targets` (default false). */
  targeted?: boolean;
  /** The attack itself: gets validated inputs, returns candidate images. */
  run(input: AttackInput): Promise<AttackOutput & E>;
}

const NORMS = ['linf', 'l2', 'l1', 'l0', 'none'] as const;
const FAMILIES = ['gradient', 'gradient-free', 'transfer', 'corruption'] as const;

/**
 * Builds an {@link Attack} from its definition. Its `run` always validates the inputs once (images in [0, 1],
 * labels in range, targets in range and different from the labels), runs the body, then always finalises: projects
 * onto the eps-ball and the box, throws if the budget is still violated or a pixel is NaN, recomputes success and
 * norms from fresh predictions. The body cannot skip any of it.
 */
export function defineAttack<E extends object = object>(definition: AttackDefinition<E>): Attack<AttackResult & E> {
  const { name, family, settings } = definition;
  if (typeof name !== 'string' || name.length === 0)
    throw new AttackError('invalid-option', 'name', 'name must be a non-empty string');
  checkOneOf('threat.norm', definition.threat.norm, NORMS);
  checkOneOf('family', family, FAMILIES);
  const threat: ThreatModel = { norm: definition.threat.norm };
  if (definition.threat.eps !== undefined) threat.eps = checkEps('threat.eps', definition.threat.eps);
  const effort: AttackEffort = {
    steps: checkNonNegativeInt('effort.steps', definition.effort.steps),
    restarts: checkPositiveInt('effort.restarts', definition.effort.restarts),
  };
  if (definition.effort.targets !== undefined)
    effort.targets = checkNonNegativeInt('effort.targets', definition.effort.targets);
  const targeted = definition.targeted ?? false;
  // a seed is a setting of every seeded attack: refuse a bad one here, when the attack is made, not at its first run
  if (settings.seed !== undefined) checkSeed('seed', settings.seed);

  async function run(model: Model, x: tf.Tensor4D, y: tf.Tensor1D, targets?: tf.Tensor1D): Promise<AttackResult & E> {
    const { numClasses, labels } = await checkAttackInputs(model, x, y);
    if (targets !== undefined) {
      if (!targeted) {
        throw new AttackError('invalid-input', 'targets', `targets were given but ${name} is not a targeted attack`);
      }
      await checkTargets('targets', targets, labels, numClasses);
    }
    const yInt = tf.cast(y, 'int32') as tf.Tensor1D;
    const tInt = targets === undefined ? undefined : (tf.cast(targets, 'int32') as tf.Tensor1D);
    let chosen: tf.Tensor1D | undefined;
    try {
      const out = await definition.run({ model, x, y: yInt, numClasses, ...(tInt ? { targets: tInt } : {}) });
      const { xAdv, queries, targets: bodyTargets, flags, ...extra } = out;
      chosen = bodyTargets;
      const successTargets = targeted ? (bodyTargets ?? tInt) : undefined;
      const result = await finalizeResult(model, x, xAdv, yInt, threat.norm, {
        ...(threat.eps !== undefined ? { eps: threat.eps } : {}),
        ...(successTargets ? { targets: successTargets } : {}),
        ...(queries !== undefined ? { queries } : {}),
      });
      return { ...(extra as E), ...result, flags: (flags ?? []).map((f) => ({ ...f, source: f.source ?? name })) };
    } finally {
      tf.dispose([yInt, ...(tInt ? [tInt] : []), ...(chosen && chosen !== tInt ? [chosen] : [])]);
    }
  }

  return Object.freeze({ name, threat, family, effort, settings: Object.freeze({ ...settings }), targeted, run });
}

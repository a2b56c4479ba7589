import { createRng, type MixupResult, mixupBatch } from '@edl/datasets';
import { checkPositive, invalidOption } from '../errors/checkers.ts';

/** Settings of {@link train}'s `mixup` option (Zhang et al. 2018; a paper Table 3 overfitting baseline). */
export interface MixupOptions {
  /** λ ~ Beta(alpha, alpha) per batch; a finite number > 0 (1 is common for CIFAR). */
  alpha: number;
}

/** Validates {@link MixupOptions}, naming `what` (e.g. `'mixup'`: errors name `mixup.alpha`). */
export function checkMixupOptions(what: string, options: MixupOptions): void {
  if (options == null || typeof options !== 'object') invalidOption(what, 'an object { alpha }', options);
  checkPositive(`${what}.alpha`, options.alpha);
}

/**
 * Mixes one batch in place with `@edl/datasets`' {@link mixupBatch} seeded by `seed` (the trainer passes
 * `deriveSeed(seed, epoch, step, 7)`): λ ~ Beta(alpha, alpha), a partner permutation π,
 * `x_i ← λ·x_i + (1 − λ)·x_π(i)`; returns the soft labels `λ·onehot(y_i) + (1 − λ)·onehot(y_π(i))`
 * (row-major `[n, numClasses]`), λ and π. Cross-entropy against these soft labels is exactly the mixed loss
 * `λ·CE(f(x̃), y) + (1 − λ)·CE(f(x̃), y_π)`.
 */
export function mixupInPlace(
  pixels: Float32Array,
  labels: Int32Array,
  numClasses: number,
  options: MixupOptions,
  seed: number,
): MixupResult {
  checkMixupOptions('mixupInPlace: options', options);
  return mixupBatch(pixels, labels, numClasses, options.alpha, createRng(seed));
}

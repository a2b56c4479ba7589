import type { LayerSource } from '../layer/collect-layers.ts';
import { applyConstraints } from './apply-constraints.ts';

/**
 * `model.fit` callbacks that call {@link applyConstraints} after every batch, so the weights a fit leaves behind
 * satisfy their constraints (tfjs 4.22's `fit` does not apply them).
 *
 * @example
 * await model.fit(x, y, { epochs: 5, callbacks: constraintsCallback(model) });
 */
export function constraintsCallback(source: LayerSource): { onBatchEnd: () => Promise<void> } {
  return {
    onBatchEnd: async () => {
      applyConstraints(source);
    },
  };
}

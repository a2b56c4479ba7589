import { collectLayers, type LayerSource } from '../layer/collect-layers.ts';
import { isDictLayer } from '../layer/is-dict-layer.ts';
import { projectVariable } from './project-variable.ts';

export type { LayerSource } from '../layer/collect-layers.ts';

/**
 * The weight projector: projects every constrained weight of a model or layers onto its constraint, once and
 * without gradient. {@link DictConv2D} layers project through {@link DictConv2D.projectWeights} (unit-norm atoms,
 * beta in [0, 1], lambda >= 0; idempotent); other layers' weights through their tfjs constraint
 * (`kernelConstraint` ...). Call it after each optimizer step in a custom loop: tfjs optimizers never apply layer
 * constraints, and neither does `model.fit` in tfjs 4.22 (use {@link constraintsCallback} there). Returns the number
 * of weights projected.
 *
 * @example
 * optimizer.minimize(() => loss(model, x, y));
 * applyConstraints(model);
 */
export function applyConstraints(source: LayerSource): number {
  let count = 0;
  for (const layer of collectLayers(source)) {
    if (isDictLayer(layer)) {
      count += layer.projectWeights();
      continue;
    }
    for (const variable of layer.weights) {
      const constraint = variable.constraint;
      if (!constraint) continue;
      projectVariable(variable, (value) => constraint.apply(value));
      count++;
    }
  }
  return count;
}

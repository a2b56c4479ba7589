import * as tf from '@tensorflow/tfjs';

/**
 * Sets `variable` to `project(variable)` without gradient, exactly once: it assigns the underlying `tf.Variable`,
 * because `LayerVariable.write` would apply the variable's own tfjs constraint a second time. Internal.
 */
export function projectVariable(variable: tf.LayerVariable, project: (value: tf.Tensor) => tf.Tensor): void {
  tf.tidy(() => {
    const current = variable.read() as tf.Variable;
    current.assign(project(current));
  });
}

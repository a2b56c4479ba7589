import * as tf from '@tensorflow/tfjs';
import { LayerError } from '../core/layer-error.ts';
import type { KernelInitializer, KernelInitializerName } from './dict-conv2d-config.ts';

const NAMED: Record<KernelInitializerName, () => KernelInitializer> = {
  heNormal: () => tf.initializers.heNormal({}),
  heUniform: () => tf.initializers.heUniform({}),
  glorotNormal: () => tf.initializers.glorotNormal({}),
  glorotUniform: () => tf.initializers.glorotUniform({}),
  leCunNormal: () => tf.initializers.leCunNormal({}),
  leCunUniform: () => tf.initializers.leCunUniform({}),
};

/** Turns a kernel-initializer name or instance into an instance. Internal. */
export function resolveKernelInitializer(init: KernelInitializerName | KernelInitializer): KernelInitializer {
  if (typeof init === 'string') {
    const make = NAMED[init];
    if (!make) {
      throw new LayerError(
        'invalid-option',
        'kernelInitializer',
        `kernelInitializer: expected one of ${Object.keys(NAMED).join(', ')} or an initializer, got '${init}'`,
      );
    }
    return make();
  }
  if (init && typeof (init as { apply?: unknown }).apply === 'function') return init;
  throw new LayerError(
    'invalid-option',
    'kernelInitializer',
    `kernelInitializer: expected a name or a tfjs initializer, got ${JSON.stringify(init)}`,
  );
}

/** JSON form of a kernel initializer for `getConfig`: the name, or `{ className, config }`. Internal. */
export function serializeKernelInitializer(
  init: KernelInitializerName | KernelInitializer,
): string | tf.serialization.ConfigDict {
  if (typeof init === 'string') return init;
  return { className: init.getClassName(), config: init.getConfig() };
}

/** Inverse of {@link serializeKernelInitializer}. Internal. */
export function deserializeKernelInitializer(value: unknown): KernelInitializerName | KernelInitializer | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value as KernelInitializerName;
  const { className, config } = value as { className?: string; config?: tf.serialization.ConfigDict };
  const entry = className ? tf.serialization.SerializationMap.getMap().classNameMap[className] : undefined;
  if (!entry)
    throw new LayerError(
      'invalid-option',
      'kernelInitializer',
      `kernelInitializer: unknown initializer class ${JSON.stringify(className)}`,
    );
  const [cls, fromConfig] = entry;
  return fromConfig(cls, config ?? {}) as unknown as KernelInitializer;
}

import { DictConv2D } from './dict-conv2d.ts';

/**
 * Whether `layer` is a dictionary-learning layer ({@link DictConv2D}, any kind). Use it instead of matching class
 * names.
 *
 * @example
 * const dictLayers = model.layers.filter(isDictLayer); // DictConv2D[]
 */
export function isDictLayer(layer: unknown): layer is DictConv2D {
  return layer instanceof DictConv2D;
}

/**
 * Whether an entry of a model config's `layers` list (`model.getConfig().layers[i]`, `{ className, config, ... }`)
 * describes a {@link DictConv2D}. For code that rewrites model configs, e.g. with {@link withKind}.
 *
 * @example
 * const layers = config.layers.map((e) => (isDictLayerConfig(e) ? { ...e, config: withKind(e.config, 'elastic') } : e));
 */
export function isDictLayerConfig(entry: unknown): boolean {
  return (
    entry !== null && typeof entry === 'object' && (entry as { className?: unknown }).className === DictConv2D.className
  );
}

import { collectLayers, type LayerSource } from './collect-layers.ts';
import { DictConv2D } from './dict-conv2d.ts';

/** One row of {@link getBetas}. */
export interface LayerBeta {
  /** Layer name. */
  layer: string;
  /** Layer kind. */
  kind: DictConv2D['kind'];
  /** The beta the forward pass uses: the stored weight clamped to [0, 1] (elastic), or 1 / 0 (vanilla / robust). */
  beta: number;
}

/**
 * Layer-wise analysis: the `beta` of every {@link DictConv2D} in a model, in layer order (nested models included).
 * Reads values synchronously (cpu / wasm / webgl; on webgpu read the `beta` weights with `await data()`).
 *
 * @example
 * getBetas(model); // [{ layer: 'dict_conv2d_1', kind: 'elastic', beta: 0.43 }, ...]
 */
export function getBetas(source: LayerSource): LayerBeta[] {
  const rows: LayerBeta[] = [];
  for (const layer of collectLayers(source)) {
    if (!(layer instanceof DictConv2D)) continue;
    rows.push({ layer: layer.name, kind: layer.kind, beta: layer.currentBeta() });
  }
  return rows;
}

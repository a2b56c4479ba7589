import { collectLayers, type LayerSource } from './collect-layers.ts';
import { DictConv2D } from './dict-conv2d.ts';
import { assertSyncReadable } from './sync-read.ts';

/** One row of {@link getBetas} and {@link readBetas}. */
export interface LayerBeta {
  /** Layer name. */
  layer: string;
  /** Layer kind. */
  kind: DictConv2D['kind'];
  /** The beta the forward pass uses: the stored weight clamped to [0, 1] (elastic), or 1 / 0 (vanilla / robust). */
  beta: number;
}

function dictLayers(source: LayerSource): DictConv2D[] {
  return collectLayers(source).filter((layer): layer is DictConv2D => layer instanceof DictConv2D);
}

/**
 * Layer-wise analysis: the `beta` of every {@link DictConv2D} in a model, in layer order (nested models included).
 * Reads the elastic betas synchronously (cpu / wasm / webgl); on webgpu, where a synchronous read cannot work in
 * Node, a model with an elastic layer is refused with an error naming {@link readBetas}, which works everywhere.
 *
 * @example
 * getBetas(model); // [{ layer: 'dict_conv2d_1', kind: 'elastic', beta: 0.43 }, ...]
 */
export function getBetas(source: LayerSource): LayerBeta[] {
  const layers = dictLayers(source);
  if (layers.some((layer) => layer.kind === 'elastic')) {
    assertSyncReadable('getBetas()', 'use `await readBetas(model)`');
  }
  return layers.map((layer) => ({ layer: layer.name, kind: layer.kind, beta: layer.currentBeta() }));
}

/**
 * {@link getBetas} with awaited reads: the same rows on every backend, webgpu included.
 *
 * @example
 * await readBetas(model); // [{ layer: 'dict_conv2d_1', kind: 'elastic', beta: 0.43 }, ...]
 */
export async function readBetas(source: LayerSource): Promise<LayerBeta[]> {
  const layers = dictLayers(source);
  const betas = await Promise.all(layers.map((layer) => layer.readBeta()));
  return layers.map((layer, i) => ({ layer: layer.name, kind: layer.kind, beta: betas[i]! }));
}

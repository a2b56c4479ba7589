// Importing @edl/layers registers DictConv2D with tfjs's serialization, so tf.loadLayersModel can rebuild it.
import { DictConv2D, type LayerBeta } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';

/** What scripts/train-model.ts recorded about the model (public/model/model-card.json). */
export interface ModelCard {
  name: string;
  trainedWith: string;
  parameters: number;
  weightsBytes: number;
  evaluation: {
    backend: string;
    cleanAccuracy: number;
    cleanCount: number;
    eps: number;
    attackCount: number;
    fgsmAccuracy: number;
    pgd20Accuracy: number;
  };
  trainSeconds: number;
  createdAt: string;
}

/** The loaded model with its card and the Elastic-DL betas read from its layers. */
export interface DemoModel {
  model: tf.LayersModel;
  card: ModelCard;
  betas: LayerBeta[];
  /** ms spent in tf.loadLayersModel (fetch + build + weights). */
  loadMilliseconds: number;
}

/** Loads `model/model.json` + `weights.bin` and `model/model-card.json` from the page's base URL. */
export async function loadDemoModel(base: string): Promise<DemoModel> {
  const started = performance.now();
  const [model, card] = await Promise.all([
    tf.loadLayersModel(`${base}model/model.json`),
    fetch(`${base}model/model-card.json`).then((r) => {
      if (!r.ok) throw new Error(`${base}model/model-card.json: HTTP ${r.status}`);
      return r.json() as Promise<ModelCard>;
    }),
  ]);
  // Awaited reads (readBeta), not getBetas: a synchronous read throws on webgpu.
  const layers = model.layers.filter((l): l is DictConv2D => l instanceof DictConv2D);
  const betas: LayerBeta[] = await Promise.all(
    layers.map(async (l) => ({ layer: l.name, kind: l.kind, beta: await l.readBeta() })),
  );
  if (betas.length === 0) throw new Error('model/model.json: no DictConv2D layer found; expected an EDL ResNet');
  return { model, card, betas, loadMilliseconds: performance.now() - started };
}

import * as tf from '@tensorflow/tfjs';
import { saveModel } from '../saving/save-model.ts';

/** What `saveModel` writes for `model`, captured in memory (an IOHandler that keeps the artifacts; no file system). */
export async function savedArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await saveModel(
    model,
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('savedArtifacts: saveModel did not call the save handler');
  return saved;
}

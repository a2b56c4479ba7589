import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '@edl/models';
import { fileSystemHandler } from '@edl/models/node';
import type * as tf from '@tensorflow/tfjs';
import { UserError } from './user-error.ts';

/** Throws a {@link UserError} (with a hint) unless `dir` holds a saved model's `model.json`. */
export function assertSavedModel(dir: string): void {
  if (!existsSync(join(dir, 'model.json'))) {
    const hint = existsSync(join(dir, 'final', 'model.json')) ? ` (did you mean ${join(dir, 'final')}?)` : '';
    throw new UserError(`--model: no model.json in ${dir}${hint}`);
  }
}

/** Loads a model saved by `edl train` (its `final/`, `best/` or a checkpoint's `model/`), with actionable errors. */
export async function loadSavedModel(dir: string): Promise<tf.LayersModel> {
  assertSavedModel(dir);
  return loadModel(fileSystemHandler(dir));
}

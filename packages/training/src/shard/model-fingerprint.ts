import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Fingerprint of a saved model folder (`model.json` + its weight files): sha256 over the architecture JSON
 * (`modelTopology`), the weight specs of the manifest and the bytes of every weight file in manifest order.
 * Training metadata in `model.json` does not change it; any weight bit or layer setting does.
 */
export function modelFingerprint(dir: string): string {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology?: unknown;
    weightsManifest?: { paths: string[]; weights: unknown }[];
  };
  const manifest = json.weightsManifest ?? [];
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ modelTopology: json.modelTopology ?? null, weights: manifest.map((g) => g.weights) }));
  for (const group of manifest) for (const path of group.paths) hash.update(readFileSync(join(dir, path)));
  return `sha256:${hash.digest('hex')}`;
}

import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EpochMetrics } from './epoch-metrics.ts';

const KEYS: (keyof EpochMetrics)[] = [
  'epoch',
  'phase',
  'lr',
  'loss',
  'trainNatural',
  'trainRobust',
  'testNatural',
  'testRobust',
  'betas',
  'seconds',
];

/** Appends one epoch as a JSON line (NaN is written as null). */
export function appendMetrics(path: string, metrics: EpochMetrics): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(
    path,
    `${JSON.stringify(metrics, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`,
  );
}

/** Reads a metrics JSONL file, validating each line has every field. */
export function readMetrics(path: string): EpochMetrics[] {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.map((line, i) => {
    const obj = JSON.parse(line) as Record<string, unknown>;
    for (const k of KEYS) {
      if (!(k in obj)) throw new Error(`${path}: line ${i + 1} lacks the field "${k}"`);
    }
    return obj as unknown as EpochMetrics;
  });
}

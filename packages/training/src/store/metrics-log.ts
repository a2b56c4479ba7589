import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { atomicWriteSync as writeFileAtomic } from '@edl/models/node';
import { TrainingError } from '../errors/training-error.ts';
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
  const lines = readFileSync(path, 'utf8').split('\n');
  return lines.flatMap((line, i) => {
    if (line.trim() === '') return [];
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      throw new TrainingError(
        'invalid-file',
        'path',
        `${path}: line ${i + 1} is not valid JSON (${(error as Error).message})`,
      );
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new TrainingError('invalid-file', 'path', `${path}: line ${i + 1} is not a JSON object`);
    }
    for (const k of KEYS) {
      if (!(k in obj)) throw new TrainingError('invalid-file', 'path', `${path}: line ${i + 1} lacks the field "${k}"`);
    }
    return [obj as unknown as EpochMetrics];
  });
}

/**
 * Makes a metrics file agree with a checkpoint after `epochs` completed epochs: drops the lines of later epochs
 * (appended before a kill stopped the checkpoint that should have followed) and a partial last line, atomically.
 * Returns the number of lines dropped; a damaged line that is not the last is an error naming the file and line.
 */
export function truncateMetrics(path: string, epochs: number): number {
  if (!existsSync(path)) return 0;
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const kept: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let epoch: unknown;
    try {
      epoch = (JSON.parse(line) as { epoch?: unknown }).epoch;
    } catch (error) {
      if (i === lines.length - 1 && !text.endsWith('\n')) continue; // cut off by a kill mid-append
      throw new TrainingError(
        'invalid-file',
        'path',
        `${path}: line ${i + 1} is not valid JSON (${(error as Error).message})`,
      );
    }
    if (typeof epoch !== 'number')
      throw new TrainingError('invalid-file', 'path', `${path}: line ${i + 1} has no numeric "epoch"`);
    if (epoch <= epochs) kept.push(line);
  }
  const dropped = lines.filter((l) => l.trim() !== '').length - kept.length;
  if (dropped > 0) writeFileAtomic(path, kept.map((l) => `${l}\n`).join(''));
  return dropped;
}

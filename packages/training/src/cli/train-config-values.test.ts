// Settings a careful user gets wrong (issue 13, "what a careful user would try next"): each was accepted and failed
// later (at the first step naming no flag, when building the model after the run folder was written, or when
// resuming), or silently meant something else. Plus a fast-check fuzz of `--config` files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readConfigFile, resolveTrainConfig, TRAIN_DEFAULTS, type TrainConfig } from './train-config.ts';
import { UserError } from './user-error.ts';

const resolve = (flags: Partial<TrainConfig>) => () => resolveTrainConfig({}, flags);

describe('train config values', () => {
  it('--crop / --cutout must be whole pixels (a fractional crop failed at the first step, naming no flag)', () => {
    expect(resolve({ crop: 2.5 })).toThrow(/--crop: expected a whole number of pixels, got 2\.5/);
    expect(resolve({ cutout: 0.5 })).toThrow(/--cutout: expected a whole number of pixels, got 0\.5/);
    expect(resolveTrainConfig({}, { crop: 4, cutout: 8 })).toMatchObject({ crop: 4, cutout: 8 });
  });

  it('--seed must be an integer (a run seeded 1.5 trained, but its checkpoint could not be resumed)', () => {
    expect(resolve({ seed: 1.5 })).toThrow(/--seed: expected an integer, got 1\.5/);
    expect(resolve({ seed: 2 ** 60 })).toThrow(/--seed: expected an integer/);
    expect(resolveTrainConfig({}, { seed: -3 }).seed).toBe(-3);
  });

  it('--lambda must be >= 0 (refused only when the model was built, after config.json was written)', () => {
    expect(resolve({ lambda: -1 })).toThrow(/--lambda: expected a number >= 0, got -1/);
    expect(resolveTrainConfig({}, { lambda: 0 }).lambda).toBe(0);
  });

  it('an empty --out / --data-dir / --helper is refused (it meant the current folder)', () => {
    expect(resolve({ out: '' })).toThrow(/--out: expected a folder path, got an empty string/);
    expect(resolve({ out: '  ' })).toThrow(/--out: expected a folder path/);
    expect(resolve({ dataset: 'cifar10', dataDir: '' })).toThrow(/--data-dir: expected a folder path/);
    expect(resolve({ method: 'hat', helper: '' })).toThrow(/--helper: expected a folder path/);
  });

  it('fuzzed --config files (fast-check): a config of the right types, or a UserError naming the flag or file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edl-cfg-fuzz-'));
    const path = join(dir, 'config.json');
    const keys = [...Object.keys(TRAIN_DEFAULTS), 'switchEpoch', 'lambda', 'threads', 'toString', '__proto__'];
    const value = fc.oneof(
      fc.jsonValue(),
      fc.integer({ min: -3, max: 70 }),
      fc.double({ min: -2, max: 2, noNaN: true }),
      fc.constantFrom('vanilla', 'cosine', 'mnist', 'pgd-at', '', 'x'),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 4 }), (settings) => {
        writeFileSync(path, JSON.stringify(settings));
        let c: TrainConfig;
        try {
          c = resolveTrainConfig(readConfigFile(path), {});
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
          expect((error as Error).message).toMatch(/^--/);
          return;
        }
        for (const [k, v] of Object.entries(TRAIN_DEFAULTS)) {
          expect(typeof c[k as keyof TrainConfig]).toBe(typeof v);
        }
        for (const k of ['crop', 'cutout', 'seed', 'epochs', 'batchSize'] as const) {
          expect(Number.isInteger(c[k])).toBe(true);
        }
        expect(c.out.trim()).not.toBe('');
        if (c.lambda !== undefined) expect(c.lambda).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 400, seed: 13 },
    );
  });
});

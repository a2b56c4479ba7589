import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../testing/run-cli.ts';
import { readConfigFile, resolveTrainConfig } from './train-config.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'edl-errors-'));

function configFile(settings: string): string {
  const path = join(tmp(), 'c.json');
  writeFileSync(path, settings);
  return path;
}

const cli = (...args: string[]) => runCliCaptured(args);

describe('clear errors, not stacks', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('--config values of the wrong JSON type are refused, naming the key and the type', () => {
    const cases: [string, RegExp][] = [
      ['{"awp": "false"}', /"awp" in .* must be true or false, got "false"/],
      ['{"resume": "true"}', /"resume" in .* must be true or false, got "true"/],
      ['{"flip": 1}', /"flip" in .* must be true or false, got 1/],
      ['{"nesterov": "no"}', /"nesterov" in .* must be true or false/],
      ['{"out": 5}', /"out" in .* must be a string, got 5/],
      ['{"threads": "2"}', /"threads" in .* must be a number, got "2"/],
      ['{"milestones": "10,20"}', /"milestones" in .* must be an array of numbers/],
      ['{"lr": null}', /"lr" in .* must be a number, got null/],
    ];
    for (const [json, message] of cases) expect(() => readConfigFile(configFile(json))).toThrow(message);
    expect(readConfigFile(configFile('{"awp": false, "threads": 1, "out": "x"}'))).toEqual({
      awp: false,
      threads: 1,
      out: 'x',
    });
  });

  it('inherited names (toString, constructor, __proto__) are unknown settings, not accepted', () => {
    for (const key of ['toString', 'constructor', 'hasOwnProperty', '__proto__']) {
      expect(() => readConfigFile(configFile(`{"${key}": 1}`))).toThrow(new RegExp(`unknown setting "${key}"`));
    }
  });

  it('--threads beyond the logical cores is refused with the limit, not a silent cpu fallback', () => {
    const cores = availableParallelism();
    expect(() => resolveTrainConfig({}, { threads: 1000 })).toThrow(
      new RegExp(`--threads: expected an integer in \\[1, ${cores}\\] .*got 1000`),
    );
    expect(() => resolveTrainConfig({}, { threads: 0 })).toThrow(/--threads: expected an integer in \[1,/);
    expect(resolveTrainConfig({}, { threads: 1 }).threads).toBe(1);
  });

  it('attack --count 0 names --count (not --test-count); --eps 5 gets the same rule in attack and eval', async () => {
    const count = await cli('attack', '--model', tmp(), '--count', '0');
    expect(count.code).toBe(2);
    expect(count.err).toMatch(/--count: expected a positive integer, got 0/);
    expect(count.err).not.toMatch(/--test-count/);
    const attack = await cli('attack', '--model', tmp(), '--eps', '5');
    const evaluate = await cli('eval', '--model', tmp(), '--eps', '5');
    for (const r of [attack, evaluate]) {
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--eps: expected an L-inf budget in \(0, 1\] \(images are in \[0, 1\]\), got 5/);
    }
    // an L2 budget may exceed 1: refused later only because the model folder is empty
    const l2 = await cli('attack', '--model', tmp(), '--attack', 'pgd-l2', '--eps', '5');
    expect(l2.err).not.toMatch(/--eps/);
  });

  it('report names the file and line of a bad metrics line, and warns about repeated epochs', async () => {
    const run = tmp();
    const line = (epoch: number) =>
      JSON.stringify({
        epoch,
        phase: 'single',
        lr: 0.1,
        loss: 1,
        trainNatural: 0.5,
        trainRobust: 0.4,
        testNatural: 0.5,
        testRobust: 0.4,
        betas: {},
        seconds: 1,
      });
    writeFileSync(join(run, 'metrics.jsonl'), `${line(1)}\n\n{"epoch": 2, "pha\n`);
    const bad = await cli('report', '--run', run, '--out', join(run, 'r'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/metrics\.jsonl: line 3 is not valid JSON/);
    expect(bad.err).not.toMatch(/\n\s+at /); // no stack
    writeFileSync(join(run, 'metrics.jsonl'), `${line(1)}\n${line(1)}\n${line(2)}\n`);
    mkdirSync(join(run, 'r'), { recursive: true });
    const repeated = await cli('report', '--run', run, '--out', join(run, 'r'));
    expect(repeated.code).toBe(0);
    expect(repeated.err).toMatch(/metrics\.jsonl: epochs out of order or repeated \(1\)/);
  });

  it('train --out under /proc fails fast, naming the folder', async () => {
    if (!(await import('node:fs')).existsSync('/proc/self')) return; // Linux only: /proc refuses new folders
    const started = performance.now();
    const r = await cli(
      'train',
      '--out',
      '/proc/edl-x/run',
      '--epochs',
      '1',
      '--train-count',
      '8',
      '--test-count',
      '8',
      '--backend',
      'cpu',
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out: cannot create the folder \/proc\/edl-x/);
    expect(performance.now() - started).toBeLessThan(20000);
  });
});

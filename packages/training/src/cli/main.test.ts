import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './main.ts';
import { resolveTrainConfig } from './train-config.ts';

/** Runs the CLI in-process and captures what it writes. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  const c = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    err += `${a.join(' ')}\n`;
  });
  try {
    const code = await runCli(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    c.mockRestore();
  }
}

describe('edl CLI', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('prints help for the program and every command, exit 0', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    for (const cmd of ['train', 'eval', 'attack', 'bench', 'report', 'quickstart']) expect(top.out).toContain(cmd);
    for (const [cmd, flag] of [
      ['train', '--switch-epoch'],
      ['eval', '--autoattack'],
      ['attack', '--attack'],
      ['bench', '--batches'],
      ['report', '--summary'],
      ['quickstart', '--eval-count'],
    ] as const) {
      const r = await cli(cmd, '--help');
      expect(r.code, cmd).toBe(0);
      expect(r.out, cmd).toContain(flag);
    }
  });

  it('rejects a bad --accumulate with exit code 2, naming the flag, before any work', async () => {
    const zero = await cli('train', '--accumulate', '0');
    expect(zero.code).toBe(2);
    expect(zero.err).toMatch(/edl: --accumulate: expected a positive integer, got 0/);
    const big = await cli('train', '--batch-size', '8', '--accumulate', '16');
    expect(big.code).toBe(2);
    expect(big.err).toMatch(/edl: --accumulate: expected an integer in \[1, --batch-size=8\]/);
    const help = await cli('train', '--help');
    expect(help.out).toMatch(/--accumulate <k>/);
  });

  it('rejects an unknown dataset, command or flag with exit code 2 and a message', async () => {
    const ds = await cli('train', '--dataset', 'imagenet21k');
    expect(ds.code).toBe(2);
    expect(ds.err).toMatch(/--dataset.*imagenet21k|imagenet21k.*--dataset/s);
    expect(ds.err).toMatch(/mnist, cifar10/);
    expect((await cli('fly')).code).toBe(2);
    expect((await cli('train', '--epocs', '3')).code).toBe(2);
  });

  it('rejects bad hyperparameters with the flag named (exit 2)', async () => {
    const bad: [string[], RegExp][] = [
      [['--epochs', '0'], /--epochs: expected a positive integer/],
      [['--lr', '-0.1'], /--lr: expected a number > 0/],
      [['--eps', '8'], /--eps: .*<= 1/],
      [['--momentum', '1.2'], /--momentum/],
      [
        ['--switch-epoch', '1', '--conv', 'standard'],
        /--switch-epoch: the vanilla -> elastic switch needs --conv vanilla/,
      ],
      [['--method', 'hat'], /--method hat needs --helper/],
      [['--lr', 'fast'], /expected a number/],
      [['--dataset', 'cifar10'], /--dataset cifar10 needs --data-dir/],
    ];
    for (const [args, message] of bad) {
      const r = await cli('train', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(message);
    }
  });

  it('names missing files: --config, --data-dir, --model, report inputs', async () => {
    const missing = await cli('train', '--config', '/nonexistent/edl.json');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--config: file not found: /nonexistent/edl.json');
    const dir = mkdtempSync(join(tmpdir(), 'edl-cli-'));
    const typo = join(dir, 'c.json');
    writeFileSync(typo, JSON.stringify({ epoch: 3 }));
    expect((await cli('train', '--config', typo)).err).toContain('unknown setting "epoch"');
    const noData = await cli('train', '--dataset', 'cifar10', '--data-dir', join(dir, 'nope'));
    expect(noData.code).toBe(2);
    expect(noData.err).toContain('--data-dir: folder not found');
    const noModel = await cli('eval', '--model', join(dir, 'nomodel'));
    expect(noModel.code).toBe(2);
    expect(noModel.err).toContain('--model: no model.json in');
    const aa = await cli('eval', '--model', join(dir, 'nomodel'), '--aa-budget', '2');
    expect(aa.code).toBe(2);
    expect(aa.err).toContain('--aa-budget: expected a number in (0, 1]');
    const noRun = await cli('report', '--run', dir, '--out', join(dir, 'r'));
    expect(noRun.code).toBe(2);
    expect(noRun.err).toContain('no metrics.jsonl');
  });

  it("report --summary: accuracy-vs-eps points say eps (the attacks' name); an old summary saying epsilon is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edl-cli-'));
    const summary = (point: object) => {
      const path = join(dir, `s-${Object.keys(point).join('-')}.json`);
      writeFileSync(path, JSON.stringify({ epsilonCurves: [{ series: 'standard', points: [point] }] }));
      return path;
    };
    const old = await cli('report', '--summary', summary({ epsilon: 0.1, accuracy: 0.5 }), '--out', join(dir, 'a'));
    expect(old.code).toBe(2);
    expect(old.err).toContain("epsilonCurves 'standard': every point must be { eps, accuracy }");
    const ok = await cli('report', '--summary', summary({ eps: 0.1, accuracy: 0.5 }), '--out', join(dir, 'b'));
    expect(ok.code).toBe(0);
  });

  it('report --summary: flags are trust flags; a summary holding text flags is refused, naming the flag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edl-cli-'));
    const summary = (flags: unknown[]) => {
      const path = join(dir, `s-${flags.length}-${typeof flags[0]}.json`);
      writeFileSync(path, JSON.stringify({ flags }));
      return path;
    };
    const old = await cli('report', '--summary', summary(['standard: [warning] x: y']), '--out', join(dir, 'a'));
    expect(old.code).toBe(2);
    expect(old.err).toContain(
      'flags must be trust flags { id, severity, message, fix, on? }, got "standard: [warning] x: y"',
    );
    const flag = { id: 'x', severity: 'warning', message: 'y', fix: 'z', on: 'standard' };
    const ok = await cli('report', '--summary', summary([flag]), '--out', join(dir, 'b'));
    expect(ok.code).toBe(0);
    expect(readFileSync(join(dir, 'b', 'report.html'), 'utf8')).toContain('standard: [warning] x: y');
  });

  it('merges defaults < config file < flags', () => {
    const c = resolveTrainConfig({ epochs: 7, lr: 0.2 }, { lr: 0.3 });
    expect(c.epochs).toBe(7);
    expect(c.lr).toBe(0.3);
    expect(c.dataset).toBe('mnist');
  });
});

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '@edl/attacks/node';
import { Command } from 'commander';
import { describeCell, type GridCell, type GridConfig, parseGridConfig, planGrid } from '../grid/grid-plan.ts';
import type { MergedReport } from '../shard/shard-report.ts';
import { describeShard, resolveShard, type ShardEnv } from '../shard/shard-spec.ts';
import { int } from './parse-flags.ts';
import { readConfigFile, resolveTrainConfig } from './train-config.ts';
import { UserError } from './user-error.ts';

function loadGrid(path: string): { config: GridConfig; cells: GridCell[] } {
  if (!existsSync(path)) throw new UserError(`--config: file not found: ${path}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UserError(`--config: ${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    const config = parseGridConfig(parsed, path);
    return { config, cells: planGrid(config) };
  } catch (error) {
    throw new UserError((error as Error).message);
  }
}

const cellDir = (config: GridConfig, cell: GridCell) => join(config.out, `cell-${cell.index}`);

/** Writes the cell's `edl train --config` file and validates it with edl train's own rules. */
function writeCellConfig(config: GridConfig, cell: GridCell): string {
  const dir = cellDir(config, cell);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'train-config.json');
  writeFileSync(path, `${JSON.stringify(cell.train, null, 2)}\n`);
  try {
    resolveTrainConfig(readConfigFile(path), {});
  } catch (error) {
    throw new UserError(`grid cell ${cell.index} (${describeCell(cell)}): ${(error as Error).message}`);
  }
  return path;
}

/** `edl grid plan|run|report`. */
export function gridCommand(): Command {
  const grid = new Command('grid')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .description(
      'a grid of edl train + edl eval runs (lists of models, methods, seeds...) as independent cells for a Slurm job array or Kubernetes Indexed Job',
    );
  grid
    .command('plan')
    .description('list the cells of a grid config, validate every cell, write <out>/plan.json')
    .requiredOption(
      '--config <file>',
      'grid JSON: {"out", "train": {...}, "grid": {"seed": [0, 1], ...}, "eval": [flags]}',
    )
    .action(async (o: { config: string }) => {
      const { config, cells } = loadGrid(o.config);
      for (const cell of cells) writeCellConfig(config, cell);
      await writeJsonAtomic(join(config.out, 'plan.json'), { config, cells });
      for (const cell of cells) console.log(`cell ${cell.index}: ${describeCell(cell)}`);
      console.log(
        `${cells.length} cells -> ${join(config.out, 'plan.json')}; run one with \`edl grid run --config ${o.config} --index k\`, all with sbatch --array=0-${cells.length - 1} (see examples/cluster)`,
      );
    });
  grid
    .command('run')
    .description('train and evaluate one cell (from --index, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)')
    .requiredOption('--config <file>', 'grid JSON')
    .option('--index <k>', 'cell index (default: the Slurm array task or Kubernetes completion index)', int)
    .action(async (o: { config: string; index?: number }) => {
      const { config, cells } = loadGrid(o.config);
      let spec: ReturnType<typeof resolveShard>;
      try {
        spec = resolveShard({
          ...(o.index !== undefined ? { flag: `${o.index}/${cells.length}` } : {}),
          countFlag: cells.length,
          env: process.env as ShardEnv,
        });
      } catch (error) {
        throw new UserError(`--index: ${(error as Error).message}`);
      }
      if (spec.source === 'none' && cells.length > 1) {
        throw new UserError(`--index: which cell? pass --index 0..${cells.length - 1} or run as an array job`);
      }
      const cell = cells[spec.index] as GridCell;
      const from = spec.source === 'flag' ? 'from --index' : describeShard(spec).replace(/^shard \S+ \((.*)\)$/, '$1');
      console.log(`grid cell ${cell.index}/${cells.length}: ${describeCell(cell)} (${from})`);
      const trainConfig = writeCellConfig(config, cell);
      const dir = cellDir(config, cell);
      const resolved = resolveTrainConfig(readConfigFile(trainConfig), {});
      const { runCli } = await import('./main.ts');
      // --resume: a re-submitted cell continues from its own checkpoint (or starts, saying so, when there is none)
      let code = await runCli(['train', '--config', trainConfig, '--out', dir, '--resume']);
      if (code === 0) {
        code = await runCli([
          'eval',
          ...['--model', join(dir, 'final'), '--dataset', resolved.dataset],
          ...(resolved.dataDir ? ['--data-dir', resolved.dataDir] : []),
          ...['--seed', String(resolved.seed), '--backend', resolved.backend, '--shard', '0/1'],
          ...['--report', join(dir, 'robustness.json'), ...config.eval],
        ]);
      }
      if (code !== 0) process.exitCode = code;
    });
  grid
    .command('report')
    .description("collect every cell's robustness report into <out>/grid-report.json (refuses missing cells)")
    .requiredOption('--config <file>', 'grid JSON')
    .action(async (o: { config: string }) => {
      const { config, cells } = loadGrid(o.config);
      const missing = cells.filter((c) => !existsSync(join(cellDir(config, c), 'robustness.json')));
      if (missing.length > 0) {
        throw new UserError(
          `grid report: ${missing.length} of ${cells.length} cells have no robustness.json: ${missing
            .map((c) => `${c.index} (${describeCell(c)})`)
            .join('; ')}; run them with \`edl grid run --config ${o.config} --index k\``,
        );
      }
      const rows = cells.map((cell) => {
        const r = JSON.parse(readFileSync(join(cellDir(config, cell), 'robustness.json'), 'utf8')) as MergedReport;
        return {
          index: cell.index,
          values: cell.values,
          clean: r.cleanAccuracy,
          attacks: Object.fromEntries(r.attacks.map((a) => [a.name, a.accuracy])),
          worstCase: r.worstCaseAccuracy,
          flags: r.flags.map((f) => f.id),
          modelFingerprint: r.run.modelFingerprint,
        };
      });
      await writeJsonAtomic(join(config.out, 'grid-report.json'), { cells: rows });
      const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
      for (const row of rows) {
        console.log(
          `cell ${row.index} ${describeCell(cells[row.index] as GridCell)}: clean ${pct(row.clean)}, ${Object.entries(
            row.attacks,
          )
            .map(([k, v]) => `${k} ${pct(v)}`)
            .join(', ')}, worst ${pct(row.worstCase)}${row.flags.length ? ` FLAGS ${row.flags.join(',')}` : ''}`,
        );
      }
      console.log(`report: ${join(config.out, 'grid-report.json')}`);
    });
  return grid;
}

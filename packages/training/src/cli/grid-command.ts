import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '@edl/attacks/node';
import { atomicWriteSync } from '@edl/models/node';
import { Command } from 'commander';
import { describeCellSource, resolveCellIndex } from '../grid/cell-index.ts';
import {
  CELL_REPORT,
  type CellStatus,
  differingSettings,
  isAliveHere,
  readCellStatus,
  runningStatus,
  writeCellStatus,
} from '../grid/cell-status.ts';
import { describeCell, type GridCell, type GridConfig, parseGridConfig, planGrid } from '../grid/grid-plan.ts';
import { cellDir, gatherGrid, gridReportData } from '../grid/grid-report.ts';
import { writeReport } from '../report/write-report.ts';
import { makeDirectory } from './run-folder.ts';
import { readConfigFile, resolveTrainConfig } from './train-config.ts';
import { EXIT, UserError } from './user-error.ts';

/** The grid config path: the positional argument or `--config` (one of them, or both equal). */
function configPath(positional: string | undefined, flag: string | undefined): string {
  if (positional !== undefined && flag !== undefined && positional !== flag) {
    throw new UserError(`grid: two configs given (${positional} and --config ${flag}): pass one`);
  }
  const path = positional ?? flag;
  if (path === undefined)
    throw new UserError('grid: which config? pass the grid JSON file, e.g. edl grid plan grid.json');
  return path;
}

function loadGrid(path: string): { config: GridConfig; cells: GridCell[] } {
  if (!existsSync(path)) throw new UserError(`grid config: file not found: ${path}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UserError(`grid config: ${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    const config = parseGridConfig(parsed, path);
    return { config, cells: planGrid(config) };
  } catch (error) {
    throw new UserError((error as Error).message);
  }
}

/** Writes the cell's `edl train --config` file and validates it with edl train's own rules. */
function writeCellConfig(config: GridConfig, cell: GridCell): string {
  const dir = cellDir(config, cell);
  makeDirectory(dir, 'grid "out"');
  const path = join(dir, 'train-config.json');
  atomicWriteSync(path, `${JSON.stringify(cell.train, null, 2)}\n`);
  try {
    resolveTrainConfig(readConfigFile(path), {});
  } catch (error) {
    throw new UserError(`grid cell ${cell.index} (${describeCell(cell)}): ${(error as Error).message}`);
  }
  return path;
}

const CONFIG_HELP = 'grid JSON: {"out", "train": {...}, "grid": {"seed": [0, 1], ...}, "eval": [flags]}';

/**
 * Runs one cell: `edl train --resume` into `<out>/cell-k`, then `edl eval` of its final model, keeping
 * `<out>/cell-k/cell.json` (running / done / failed / interrupted). A cell already done with the same settings is
 * skipped; one killed or interrupted resumes from its checkpoint; one run with other settings is refused.
 */
async function runCell(config: GridConfig, cell: GridCell, total: number, from: string): Promise<number> {
  const dir = cellDir(config, cell);
  const prefix = `grid cell ${cell.index}`;
  console.log(`${prefix}/${total}: ${describeCell(cell)} (${from})`);
  let prev: CellStatus | null;
  try {
    prev = readCellStatus(dir);
  } catch (error) {
    throw new UserError(`${prefix}: ${(error as Error).message}`);
  }
  if (prev) {
    const differ = differingSettings(prev, cell, config.eval);
    if (differ.length > 0) {
      throw new UserError(
        `${prefix}: ${dir} holds a run with other ${differ.join(' and ')} settings than the grid config has now ` +
          `(see ${join(dir, 'cell.json')}); the config changed after the cell ran: give the grid a new "out", or ` +
          `delete ${dir} to run the cell again`,
      );
    }
    if (prev.state === 'done' && existsSync(join(dir, CELL_REPORT))) {
      console.log(
        `${prefix}: already done (${join(dir, CELL_REPORT)}, finished ${prev.finished ?? '?'}): nothing to run; ` +
          `delete ${dir} to run it again`,
      );
      return EXIT.ok;
    }
    if (prev.state === 'running' && prev.pid !== process.pid && isAliveHere(prev)) {
      throw new UserError(
        `${prefix} is being run by pid ${prev.pid} on ${prev.host} since ${prev.started}: wait for it to end`,
      );
    }
    if (prev.state !== 'running') console.log(`${prefix}: last run ${prev.state}; resuming`);
    else console.log(`${prefix}: the last run (pid ${prev.pid} on ${prev.host}) ended without a word; resuming`);
  }
  makeDirectory(dir, 'grid "out"');
  const status = runningStatus(cell, config.eval);
  writeCellStatus(dir, status);
  const end = (state: CellStatus['state'], extra: Partial<CellStatus> = {}) =>
    writeCellStatus(dir, { ...status, ...extra, state, finished: new Date().toISOString() });
  let trainConfig: string;
  try {
    trainConfig = writeCellConfig(config, cell);
  } catch (error) {
    end('failed', { phase: 'config', exitCode: EXIT.usage, message: (error as Error).message });
    throw error;
  }
  const resolved = resolveTrainConfig(readConfigFile(trainConfig), {});
  const { runCli } = await import('./main.ts');
  // --resume: a re-submitted cell continues from its own checkpoint (or starts, saying so, when there is none)
  const trained = await runCli(['train', '--config', trainConfig, '--out', dir, '--resume']);
  if (trained !== EXIT.ok) {
    end(trained === EXIT.interrupted ? 'interrupted' : 'failed', { phase: 'train', exitCode: trained });
    return trained;
  }
  // --shard 0/1: the cell's evaluation is whole, even inside a Slurm array or an Indexed Job
  const evaluated = await runCli([
    'eval',
    ...['--model', join(dir, 'final'), '--dataset', resolved.dataset],
    ...(resolved.dataDir ? ['--data-dir', resolved.dataDir] : []),
    ...['--seed', String(resolved.seed), '--backend', resolved.backend, '--shard', '0/1'],
    ...(resolved.threads !== undefined ? ['--threads', String(resolved.threads)] : []),
    ...['--report', join(dir, CELL_REPORT), ...config.eval],
  ]);
  if (evaluated !== EXIT.ok) {
    end('failed', { phase: 'eval', exitCode: evaluated });
    return evaluated;
  }
  end('done');
  console.log(`${prefix}: done -> ${dir}`);
  return EXIT.ok;
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
    .argument('[config]', CONFIG_HELP)
    .option('--config <file>', 'the grid JSON (instead of the argument)')
    .action(async (positional: string | undefined, o: { config?: string }) => {
      const path = configPath(positional, o.config);
      const { config, cells } = loadGrid(path);
      for (const cell of cells) writeCellConfig(config, cell);
      await writeJsonAtomic(join(config.out, 'plan.json'), { config, cells });
      for (const cell of cells) console.log(`cell ${cell.index}: ${describeCell(cell)}`);
      console.log(
        `${cells.length} cells -> ${join(config.out, 'plan.json')}; run one with \`edl grid run ${path} --index k\`, all with sbatch --array=0-${cells.length - 1} (see examples/cluster)`,
      );
    });
  grid
    .command('run')
    .description(
      'train and evaluate one cell into <out>/cell-k (k from --index, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX); ' +
        're-submitted, a done cell is skipped and a killed one resumes from its checkpoint',
    )
    .argument('[config]', CONFIG_HELP)
    .option('--config <file>', 'the grid JSON (instead of the argument)')
    .option('--index <k>', 'cell index (default: the Slurm array task id or Kubernetes completion index)')
    .action(async (positional: string | undefined, o: { config?: string; index?: string }) => {
      const { config, cells } = loadGrid(configPath(positional, o.config));
      let at: ReturnType<typeof resolveCellIndex>;
      try {
        at = resolveCellIndex({
          ...(o.index !== undefined ? { flag: o.index } : {}),
          cells: cells.length,
          env: process.env,
        });
      } catch (error) {
        throw new UserError((error as Error).message);
      }
      const code = await runCell(config, cells[at.index] as GridCell, cells.length, describeCellSource(at));
      if (code !== EXIT.ok) process.exitCode = code;
    });
  grid
    .command('report')
    .description(
      'gather every cell into <out>/grid-report.json and <out>/report/report.html, marking missing and failed cells ' +
        '(exit 1 when any cell is not done)',
    )
    .argument('[config]', CONFIG_HELP)
    .option('--config <file>', 'the grid JSON (instead of the argument)')
    .option('--title <text>', 'page title', 'EDL.js grid report')
    .action(async (positional: string | undefined, o: { config?: string; title: string }) => {
      const path = configPath(positional, o.config);
      const { config, cells } = loadGrid(path);
      makeDirectory(config.out, 'grid "out"');
      const report = gatherGrid(config, cells);
      const jsonPath = join(config.out, 'grid-report.json');
      await writeJsonAtomic(jsonPath, report);
      const htmlDir = join(config.out, 'report');
      await writeReport(htmlDir, gridReportData(report, cells, o.title));
      const pct = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(1)}%`);
      for (const row of report.cells) {
        const what = `cell ${row.index} ${describeCell(cells[row.index] as GridCell)}`;
        if (row.state !== 'done') {
          console.log(`${what}: ${row.state.toUpperCase()}: ${row.detail}`);
          continue;
        }
        const attacks = Object.entries(row.attacks).map(([k, v]) => `${k} ${pct(v)}`);
        console.log(
          `${what}: clean ${pct(row.clean)}, ${attacks.join(', ')}, worst ${pct(row.worstCase)}${
            row.flags.length ? ` FLAGS ${row.flags.map((f) => f.id).join(',')}` : ''
          }`,
        );
      }
      console.log(`report: ${jsonPath}, ${join(htmlDir, 'report.html')}`);
      if (!report.complete) {
        const notDone = report.cells.filter((r) => r.state !== 'done');
        console.error(
          `grid report: ${notDone.length} of ${cells.length} cells not done (${notDone
            .map((r) => `${r.index} ${r.state}`)
            .join(', ')}); re-submit them with \`edl grid run ${path} --index k\` (exit 1)`,
        );
        process.exitCode = EXIT.failure;
      }
    });
  return grid;
}

import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { atomicWriteSync } from '@edl/models/node';
import { holderAlive } from '../cli/run-folder.ts';
import type { GridCell } from './grid-plan.ts';

/** The status file `edl grid run` keeps in each cell folder. */
export const CELL_STATUS = 'cell.json';
/** The robustness report of a finished cell (written by the cell's `edl eval`). */
export const CELL_REPORT = 'robustness.json';

/** What `<cell>/cell.json` holds: the cell's settings and how its last run ended. */
export interface CellStatus {
  index: number;
  values: Record<string, unknown>;
  /** The `edl train` settings the cell ran with. */
  train: Record<string, unknown>;
  /** The extra `edl eval` flags the cell ran with. */
  eval: string[];
  /** `running` until the run ends; `interrupted` after SIGINT (a checkpoint was written). */
  state: 'running' | 'done' | 'failed' | 'interrupted';
  /** Where a failed or interrupted run stopped. */
  phase?: 'config' | 'train' | 'eval';
  /** Exit code of the failed step. */
  exitCode?: number;
  /** The error, when the step threw one (otherwise it is in the job's log). */
  message?: string;
  host: string;
  pid: number;
  started: string;
  finished?: string;
}

/** A cell as `edl grid report` sees it. */
export interface CellState {
  /**
   * - `done`: finished with the settings the config has now;
   * - `missing`: never run (no cell.json, no report);
   * - `failed`, `interrupted`: the last run ended so (see `detail`);
   * - `running`: a live process on this machine, or one on another machine that cannot be checked from here;
   * - `killed`: marked running, but its process on this machine is gone (killed, node failure): re-submit it;
   * - `changed`: it ran with other settings than the config holds now.
   */
  state: 'done' | 'missing' | 'failed' | 'interrupted' | 'running' | 'killed' | 'changed';
  /** One line for people, e.g. "train exited 1". */
  detail: string;
}

/** Reads `<dir>/cell.json`; null when absent. A damaged file is an error naming it. */
export function readCellStatus(dir: string): CellStatus | null {
  const path = join(dir, CELL_STATUS);
  if (!existsSync(path)) return null;
  try {
    const status = JSON.parse(readFileSync(path, 'utf8')) as CellStatus;
    if (typeof status.state !== 'string' || typeof status.index !== 'number') throw new Error('no state or index');
    return status;
  } catch (error) {
    throw new Error(`${path} is damaged (${(error as Error).message}); delete it to let the cell run again`);
  }
}

/** Writes `<dir>/cell.json` atomically. */
export function writeCellStatus(dir: string, status: CellStatus): void {
  atomicWriteSync(join(dir, CELL_STATUS), `${JSON.stringify(status, null, 2)}\n`);
}

/** A fresh `running` status of `cell` for this process. */
export function runningStatus(cell: GridCell, evalFlags: string[]): CellStatus {
  return {
    index: cell.index,
    values: cell.values,
    train: cell.train,
    eval: evalFlags,
    state: 'running',
    host: hostname(),
    pid: process.pid,
    started: new Date().toISOString(),
  };
}

/** The settings (train, eval) in which a recorded run differs from the cell, e.g. `["train"]`; empty when equal. */
export function differingSettings(status: CellStatus, cell: GridCell, evalFlags: string[]): string[] {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return [...(same(status.train, cell.train) ? [] : ['train']), ...(same(status.eval, evalFlags) ? [] : ['eval'])];
}

/** Whether the run `status` records is alive right now (only checkable on its own machine). */
export function isAliveHere(status: CellStatus): boolean {
  return status.host === hostname() && holderAlive(status);
}

/** Classifies the cell in folder `dir` against the grid's current settings. */
export function cellState(dir: string, cell: GridCell, evalFlags: string[]): CellState {
  const report = existsSync(join(dir, CELL_REPORT));
  let status: CellStatus | null;
  try {
    status = readCellStatus(dir);
  } catch (error) {
    return { state: 'failed', detail: (error as Error).message };
  }
  if (status === null) {
    // a report without cell.json: written by hand or by an earlier edl; counted when present
    return report
      ? { state: 'done', detail: 'report present (no cell.json)' }
      : { state: 'missing', detail: 'not run' };
  }
  const differ = differingSettings(status, cell, evalFlags);
  if (differ.length > 0) {
    return { state: 'changed', detail: `ran with other ${differ.join(' and ')} settings than the config has now` };
  }
  const where = status.phase ? `${status.phase} ` : '';
  switch (status.state) {
    case 'done':
      return report
        ? { state: 'done', detail: `finished ${status.finished ?? ''}`.trim() }
        : { state: 'failed', detail: `marked done but ${CELL_REPORT} is missing` };
    case 'failed':
      return {
        state: 'failed',
        detail: `${where}failed${status.exitCode !== undefined ? ` (exit ${status.exitCode})` : ''}${
          status.message ? `: ${status.message}` : ''
        }`,
      };
    case 'interrupted':
      return { state: 'interrupted', detail: `${where}interrupted (checkpoint kept): re-submit it to resume` };
    default:
      if (status.host !== hostname()) {
        return { state: 'running', detail: `running on ${status.host} (pid ${status.pid}), or killed there` };
      }
      return holderAlive(status)
        ? { state: 'running', detail: `running (pid ${status.pid}, since ${status.started})` }
        : { state: 'killed', detail: `pid ${status.pid} is gone: killed mid-run; re-submit it to resume` };
  }
}

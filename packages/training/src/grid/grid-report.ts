import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrustFlag } from '@edl/attacks';
import { readRun } from '../cli/report-command.ts';
import type { ReportData, ReportRun } from '../report/report-data.ts';
import { CELL_REPORT, type CellState, cellState } from './cell-status.ts';
import { describeCell, type GridCell, type GridConfig } from './grid-plan.ts';

/** One row of `grid-report.json`: a cell, its state and (when done) its accuracies. */
export interface GridReportRow {
  index: number;
  values: Record<string, unknown>;
  dir: string;
  state: CellState['state'];
  detail: string;
  /** Accuracies of a done cell (null otherwise). */
  clean: number | null;
  attacks: Record<string, number>;
  worstCase: number | null;
  /** Trust-check flags raised on the cell (of its `edl eval` report). */
  flags: TrustFlag[];
  modelFingerprint: string | null;
}

/** `<out>/grid-report.json`. */
export interface GridReport {
  kind: 'edl-grid-report';
  cells: GridReportRow[];
  /** Cells per state, e.g. `{ done: 4, missing: 1, failed: 1 }`. */
  counts: Partial<Record<CellState['state'], number>>;
  /** True when every cell is done. */
  complete: boolean;
}

/** The folder of cell `cell` of a grid: `<out>/cell-<k>`. */
export const cellDir = (config: GridConfig, cell: GridCell): string => join(config.out, `cell-${cell.index}`);

interface EvalJson {
  cleanAccuracy: number;
  worstCaseAccuracy: number;
  attacks: { name: string; accuracy: number }[];
  flags: TrustFlag[];
  run?: { modelFingerprint?: string };
}

function readEval(path: string): EvalJson {
  let r: EvalJson;
  try {
    r = JSON.parse(readFileSync(path, 'utf8')) as EvalJson;
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof r.cleanAccuracy !== 'number' || !Array.isArray(r.attacks) || !Array.isArray(r.flags)) {
    throw new Error(`${path} is not an edl eval report (no cleanAccuracy, attacks, flags)`);
  }
  return r;
}

/** Gathers every cell of a grid: its state and, for done cells, the accuracies of its robustness report. */
export function gatherGrid(config: GridConfig, cells: GridCell[]): GridReport {
  const rows = cells.map((cell): GridReportRow => {
    const dir = cellDir(config, cell);
    let { state, detail } = cellState(dir, cell, config.eval);
    let r: EvalJson | null = null;
    if (state === 'done') {
      try {
        r = readEval(join(dir, CELL_REPORT));
      } catch (error) {
        state = 'failed';
        detail = (error as Error).message;
      }
    }
    return {
      index: cell.index,
      values: cell.values,
      dir,
      state,
      detail,
      clean: r?.cleanAccuracy ?? null,
      attacks: r ? Object.fromEntries(r.attacks.map((a) => [a.name, a.accuracy])) : {},
      worstCase: r?.worstCaseAccuracy ?? null,
      flags: r ? r.flags : [],
      modelFingerprint: r?.run?.modelFingerprint ?? null,
    };
  });
  const counts: GridReport['counts'] = {};
  for (const row of rows) counts[row.state] = (counts[row.state] ?? 0) + 1;
  return { kind: 'edl-grid-report', cells: rows, counts, complete: rows.every((r) => r.state === 'done') };
}

/** The HTML report of a gathered grid: one table row per cell (its state beside the accuracies), training curves. */
export function gridReportData(report: GridReport, cells: GridCell[], title: string): ReportData {
  const attackNames = [...new Set(report.cells.flatMap((r) => Object.keys(r.attacks)))];
  const rows = report.cells.map((r) => ({
    model: `cell ${r.index}: ${describeCell(cells[r.index] as GridCell)}`,
    status: r.state === 'done' ? 'done' : `${r.state.toUpperCase()}: ${r.detail}`,
    values: { clean: r.clean, ...r.attacks, 'worst case': r.worstCase },
  }));
  const runs: ReportRun[] = report.cells
    .filter((r) => r.state === 'done' && existsSync(join(r.dir, 'metrics.jsonl')))
    .map((r) => readRun(r.dir, `cell ${r.index}`));
  const summary = Object.entries(report.counts)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
  return {
    title,
    subtitle: `${report.cells.length} cells: ${summary}`,
    table: { columns: ['clean', ...attackNames, 'worst case'], rows },
    ...(report.cells.some((r) => r.state === 'done')
      ? { flags: report.cells.flatMap((r) => r.flags.map((f) => ({ ...f, on: `cell ${r.index}` }))) }
      : {}),
    ...(runs.length > 0 ? { runs } : {}),
  };
}

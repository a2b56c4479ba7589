import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CELL_REPORT,
  CELL_STATUS,
  cellState,
  differingSettings,
  readCellStatus,
  runningStatus,
} from './cell-status.ts';
import type { GridCell } from './grid-plan.ts';

const cell: GridCell = { index: 2, values: { seed: 1 }, train: { epochs: 1, seed: 1 } };
const EVAL = ['--count', '8'];

describe('grid cell status', () => {
  it('classifies a cell folder: missing, running (here, elsewhere), killed, failed, interrupted, done, changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edl-cell-'));
    const put = (extra: Record<string, unknown>) =>
      writeFileSync(join(dir, CELL_STATUS), JSON.stringify({ ...runningStatus(cell, EVAL), ...extra }));
    expect(cellState(dir, cell, EVAL)).toEqual({ state: 'missing', detail: 'not run' });
    put({});
    expect(cellState(dir, cell, EVAL).state).toBe('running'); // this very process, started before its status
    put({ host: 'node-7' });
    expect(cellState(dir, cell, EVAL)).toMatchObject({ state: 'running', detail: expect.stringMatching(/on node-7/) });
    put({ pid: 2 ** 22 + 5 });
    expect(cellState(dir, cell, EVAL)).toMatchObject({ state: 'killed', detail: expect.stringMatching(/is gone/) });
    put({ started: new Date(Date.now() - 86_400_000 * 400).toISOString(), pid: process.pid });
    expect(cellState(dir, cell, EVAL).state).toBe('killed'); // our pid, but the status predates this process
    put({ state: 'failed', phase: 'eval', exitCode: 1 });
    expect(cellState(dir, cell, EVAL)).toEqual({ state: 'failed', detail: 'eval failed (exit 1)' });
    put({ state: 'interrupted', phase: 'train' });
    expect(cellState(dir, cell, EVAL).state).toBe('interrupted');
    put({ state: 'done', finished: 'then' });
    expect(cellState(dir, cell, EVAL)).toEqual({
      state: 'failed',
      detail: `marked done but ${CELL_REPORT} is missing`,
    });
    writeFileSync(join(dir, CELL_REPORT), '{}');
    expect(cellState(dir, cell, EVAL)).toEqual({ state: 'done', detail: 'finished then' });
    expect(cellState(dir, cell, ['--count', '9'])).toMatchObject({ state: 'changed' });
    expect(cellState(dir, { ...cell, train: { epochs: 2, seed: 1 } }, EVAL).detail).toBe(
      'ran with other train settings than the config has now',
    );
    writeFileSync(join(dir, CELL_STATUS), '{"state": ');
    expect(() => readCellStatus(dir)).toThrow(/cell\.json is damaged .*delete it to let the cell run again/);
    expect(cellState(dir, cell, EVAL).state).toBe('failed');
  });

  it('names the settings in which a recorded run differs', () => {
    const status = { ...runningStatus(cell, EVAL), host: hostname() };
    expect(differingSettings(status, cell, EVAL)).toEqual([]);
    expect(differingSettings(status, { ...cell, train: {} }, [])).toEqual(['train', 'eval']);
  });
});

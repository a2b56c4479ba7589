/** Which grid cell this process runs, and where that came from. */
export interface CellIndex {
  /** Zero-based cell index, 0 <= index < cells. */
  index: number;
  /** `--index`, a Slurm array task, a Kubernetes completion index, or the only cell of a one-cell grid. */
  source: 'flag' | 'slurm' | 'kubernetes' | 'only';
}

/** The environment variables {@link resolveCellIndex} reads. */
export type CellIndexEnv = Partial<Record<'SLURM_ARRAY_TASK_ID' | 'JOB_COMPLETION_INDEX', string>>;

function parseIndex(text: string, what: string, cells: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 0) {
    throw new Error(`${what}: expected a cell index, an integer in 0..${cells - 1}, got "${text}"`);
  }
  if (n >= cells) {
    throw new Error(
      `${what}: cell ${n} is out of range: the grid has ${cells} cell${cells === 1 ? '' : 's'} (0..${cells - 1}); ` +
        '`edl grid plan` lists them',
    );
  }
  return n;
}

/**
 * Resolves the cell of `edl grid run`. Precedence: `--index k`; else a Slurm job array task (`SLURM_ARRAY_TASK_ID`
 * is the cell index itself, so `--array=0-5`, `--array=3` or `--array=1,4` all work: a re-submitted cell keeps its
 * index); else a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`); else the only cell of a one-cell grid. Throws a
 * message naming the source when the index is not an integer in `0..cells-1` or no source is there.
 */
export function resolveCellIndex(o: { flag?: string; cells: number; env: CellIndexEnv }): CellIndex {
  if (!(Number.isInteger(o.cells) && o.cells >= 1)) throw new Error(`a grid has at least one cell, got ${o.cells}`);
  if (o.flag !== undefined) return { index: parseIndex(o.flag, '--index', o.cells), source: 'flag' };
  const slurm = o.env.SLURM_ARRAY_TASK_ID;
  if (slurm !== undefined && slurm !== '') {
    return { index: parseIndex(slurm, 'SLURM_ARRAY_TASK_ID', o.cells), source: 'slurm' };
  }
  const k8s = o.env.JOB_COMPLETION_INDEX;
  if (k8s !== undefined && k8s !== '') {
    return { index: parseIndex(k8s, 'JOB_COMPLETION_INDEX', o.cells), source: 'kubernetes' };
  }
  if (o.cells === 1) return { index: 0, source: 'only' };
  throw new Error(
    `--index: which cell? pass --index 0..${o.cells - 1}, or run as a Slurm array task ` +
      `(sbatch --array=0-${o.cells - 1}) or a Kubernetes Indexed Job (completions: ${o.cells})`,
  );
}

/** Where the index came from, for the first line `edl grid run` prints. */
export function describeCellSource(c: CellIndex): string {
  return {
    flag: 'from --index',
    slurm: 'from SLURM_ARRAY_TASK_ID',
    kubernetes: 'from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)',
    only: 'the only cell',
  }[c.source];
}

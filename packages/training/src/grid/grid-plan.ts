/** A grid config: `edl train` settings, lists of values to cross, `edl eval` flags and the output folder. */
export interface GridConfig {
  /** Output folder: cell k trains into `<out>/cell-<k>`. */
  out: string;
  /** `edl train` settings shared by every cell (the `--config` JSON keys). */
  train: Record<string, unknown>;
  /** Settings to cross, each a non-empty list, e.g. `{ "conv": ["standard", "vanilla"], "seed": [0, 1] }`. */
  grid: Record<string, unknown[]>;
  /** Extra `edl eval` flags for every cell, e.g. `["--count", "500", "--eps", "0.1"]`. */
  eval: string[];
}

/** One cell of a grid. */
export interface GridCell {
  /** Zero-based index (the Slurm array / Kubernetes completion index). */
  index: number;
  /** The grid values of this cell, in the grid's key order. */
  values: Record<string, unknown>;
  /** `edl train` settings of the cell (`train` overridden by `values`). */
  train: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks the shape of a parsed grid config (naming `what`, e.g. the file) and fills defaults. */
export function parseGridConfig(value: unknown, what: string): GridConfig {
  if (!isObject(value)) throw new Error(`${what}: expected a JSON object with "out", "train", "grid" and "eval"`);
  for (const key of Object.keys(value)) {
    if (!['out', 'train', 'grid', 'eval'].includes(key)) {
      throw new Error(`${what}: unknown key "${key}" (expected out, train, grid, eval)`);
    }
  }
  const { out = 'runs/grid', train = {}, grid, eval: evalFlags = [] } = value;
  if (typeof out !== 'string' || out === '') throw new Error(`${what}: "out" must be a folder path`);
  if (!isObject(train)) throw new Error(`${what}: "train" must be an object of edl train settings`);
  if (!isObject(grid) || Object.keys(grid).length === 0) {
    throw new Error(`${what}: "grid" must be an object of setting -> list of values, e.g. {"seed": [0, 1]}`);
  }
  for (const [key, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new Error(`${what}: grid.${key} must be a non-empty list, got ${JSON.stringify(values)}`);
    }
    if (key === 'out') throw new Error(`${what}: grid.out cannot vary (each cell has its own folder)`);
  }
  if (!Array.isArray(evalFlags) || !evalFlags.every((f) => typeof f === 'string')) {
    throw new Error(`${what}: "eval" must be a list of edl eval flags as strings, e.g. ["--count", "500"]`);
  }
  return { out, train, grid: grid as Record<string, unknown[]>, eval: evalFlags as string[] };
}

/** The cells of a grid: the cross product of its lists, the last key varying fastest. */
export function planGrid(config: GridConfig): GridCell[] {
  const keys = Object.keys(config.grid);
  const lists = keys.map((k) => config.grid[k] as unknown[]);
  const total = lists.reduce((n, l) => n * l.length, 1);
  return Array.from({ length: total }, (_, index) => {
    const values: Record<string, unknown> = {};
    let rest = index;
    for (let k = keys.length - 1; k >= 0; k--) {
      const list = lists[k] as unknown[];
      values[keys[k] as string] = list[rest % list.length];
      rest = Math.floor(rest / list.length);
    }
    const ordered = Object.fromEntries(keys.map((k) => [k, values[k]]));
    return { index, values: ordered, train: { ...config.train, ...ordered } };
  });
}

/** `key=value, ...` of a cell, for messages. */
export function describeCell(cell: GridCell): string {
  return Object.entries(cell.values)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

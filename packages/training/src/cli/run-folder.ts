import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { atomicWriteSync as writeFileAtomic } from '@edl/models/node';
import { hasCheckpoint } from '../store/checkpoint-store.ts';
import type { TrainConfig } from './train-config.ts';
import { UserError } from './user-error.ts';

/** The lock file `edl train` holds in its `--out` folder while it runs. */
export const RUN_LOCK = 'run.lock';

/** What a run folder holds; any of these means "a run is already here". */
const RUN_ENTRIES = ['config.json', 'metrics.jsonl', 'checkpoints', 'best', 'final'] as const;

/**
 * Settings that do not change what a run computes, so `--resume` may differ in them: where files are, how fast
 * kernels run, and the flags that say how to open the folder. `epochs` may differ unless the schedule is cosine
 * (whose curve is stretched over `epochs`), so a multistep or constant run can be extended.
 */
const FREE_ON_RESUME = new Set<string>(['out', 'resume', 'overwrite', 'backend', 'threads', 'dataDir', 'helper']);

/** A run folder opened by {@link openRunFolder}: call `release()` when the run ends (removes the lock). */
export interface RunFolder {
  readonly dir: string;
  release(): void;
}

/**
 * Creates every missing folder of `dir` one level at a time, failing fast with the folder named. (Node's recursive
 * `mkdirSync` loops forever on paths such as `/proc/x`, whose parent exists but refuses new entries.)
 */
export function makeDirectory(dir: string, flag: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  while (!existsSync(d)) {
    missing.unshift(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  if (existsSync(d) && !statSync(d).isDirectory()) throw new UserError(`${flag}: ${d} exists and is not a folder`);
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(m).isDirectory()) continue;
      throw new UserError(
        `${flag}: cannot create the folder ${m} (${code ?? (error as Error).message}); ${dirname(m)} does not accept new folders`,
      );
    }
  }
}

/** Whether process `pid` exists on this machine (EPERM: it exists, owned by another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** When process `pid` of this machine started (ms since the epoch): this process, or Linux's /proc; else null. */
function processStartMs(pid: number): number | null {
  if (pid === process.pid) return Date.now() - process.uptime() * 1000;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]); // field 22: starttime since boot
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return Number.isFinite(ticks) && Number.isFinite(boot) ? boot * 1000 + ticks * 10 : null; // USER_HZ = 100
  } catch {
    return null;
  }
}

/**
 * Whether the process that wrote a lock or status (`pid`, at ISO time `started`) on this machine still runs: its pid
 * exists and, where the start time of that pid is known, it started before `started` (a pid is reused, e.g. by a
 * retried container whose first processes get the same pids: such a lock is stale).
 */
export function holderAlive(holder: { pid: number; started?: string }): boolean {
  if (!pidAlive(holder.pid)) return false;
  const since = holder.started === undefined ? Number.NaN : Date.parse(holder.started);
  const start = processStartMs(holder.pid);
  return !(Number.isFinite(since) && start !== null && start > since + 1000);
}

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (typeof info.pid === 'number' && typeof info.host === 'string') return info as LockInfo;
  } catch {
    // unreadable or damaged: reported by the caller
  }
  return null;
}

/** Takes `dir/run.lock` (pid + host), removing a stale one whose process is gone; refuses a live one clearly. */
export function lockRunFolder(dir: string, log: (line: string) => void = console.error): () => void {
  const path = join(dir, RUN_LOCK);
  const mine: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  const tmp = join(dir, `.${RUN_LOCK}.${process.pid}.tmp`);
  writeFileAtomic(tmp, `${JSON.stringify(mine)}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, path); // atomic: fails with EEXIST when another run holds the lock
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      }
      const other = readLock(path);
      if (other === null) {
        throw new UserError(`--out: ${path} is damaged; if no other edl train uses ${dir}, delete it and retry`);
      }
      if (other.host === mine.host && !holderAlive(other)) {
        const why = pidAlive(other.pid) ? 'is now a process started after the lock (pid reused)' : 'is gone';
        log(`--out: removing the stale lock ${path} (pid ${other.pid} on ${other.host} ${why})`);
        unlinkSync(path);
        continue;
      }
      throw new UserError(
        `--out: ${dir} is in use by another edl train (pid ${other.pid} on ${other.host}, since ${other.started}); ` +
          `wait for it or choose another --out${other.host === mine.host ? '' : ` (if that run is gone, delete ${path})`}`,
      );
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  return () => {
    if (readLock(path)?.pid === mine.pid && readLock(path)?.host === mine.host) rmSync(path, { force: true });
  };
}

function savedConfig(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UserError(`--resume: ${path} is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError(`--resume: ${path} must hold a JSON object (the run's settings)`);
  }
  return parsed as Record<string, unknown>;
}

/** Keys whose values differ between the saved config and `c`, ignoring {@link FREE_ON_RESUME}. */
export function changedSettings(saved: Record<string, unknown>, c: TrainConfig): string[] {
  const now = JSON.parse(JSON.stringify(c)) as Record<string, unknown>; // as config.json would hold it
  const keys = new Set([...Object.keys(saved), ...Object.keys(now)]);
  return [...keys]
    .filter((k) => !FREE_ON_RESUME.has(k))
    .filter((k) => !(k === 'epochs' && c.schedule !== 'cosine' && saved.schedule !== 'cosine'))
    .filter((k) => JSON.stringify(saved[k]) !== JSON.stringify(now[k]))
    .sort();
}

/**
 * Opens `c.out` for `edl train`: creates it (failing fast), locks it, and checks it against the flags:
 * - an existing run without `--resume` is refused unless `--overwrite` (which deletes its config, metrics,
 *   checkpoints, best/ and final/ first);
 * - `--resume` with settings that differ from the run's `config.json` is refused, naming the keys;
 * - `--resume` without a checkpoint starts from epoch 0 and says so.
 * Then writes `config.json`. The caller must `release()` the folder when the run ends.
 */
export function openRunFolder(c: TrainConfig, log: (line: string) => void = console.error): RunFolder {
  if (c.resume && c.overwrite) throw new UserError('--resume and --overwrite contradict each other: choose one');
  makeDirectory(c.out, '--out');
  const release = lockRunFolder(c.out, log);
  try {
    const present = RUN_ENTRIES.filter((e) => existsSync(join(c.out, e)));
    const configPath = join(c.out, 'config.json');
    if (c.resume) {
      if (!existsSync(configPath) && hasCheckpoint(join(c.out, 'checkpoints'))) {
        throw new UserError(
          `--resume: ${c.out} holds a checkpoint but no config.json, so these settings cannot be checked against the ` +
            "run's (the checkpoint would be continued with whatever they are); restore config.json, or start a new " +
            'run (another --out, or --overwrite)',
        );
      }
      if (existsSync(configPath)) {
        const changed = changedSettings(savedConfig(configPath), c);
        if (changed.length > 0) {
          const saved = savedConfig(configPath);
          const now = c as unknown as Record<string, unknown>;
          const list = changed.map((k) => `${k} (run: ${JSON.stringify(saved[k])}, now: ${JSON.stringify(now[k])})`);
          throw new UserError(
            `--resume: these settings differ from the run in ${configPath}: ${list.join(', ')}; ` +
              'resume with the same settings, or start a new run (another --out, or --overwrite)',
          );
        }
      }
      if (!hasCheckpoint(join(c.out, 'checkpoints'))) {
        log(`--resume: no checkpoint in ${join(c.out, 'checkpoints')}: starting from epoch 0`);
      }
    } else if (present.length > 0) {
      if (!c.overwrite) {
        throw new UserError(
          `--out: ${c.out} already holds a run (${present.join(', ')}); continue it with --resume, ` +
            'replace it with --overwrite, or choose another --out',
        );
      }
      log(`--overwrite: deleting the earlier run in ${c.out} (${present.join(', ')})`);
      for (const e of present) rmSync(join(c.out, e), { recursive: true, force: true });
    }
    writeFileAtomic(configPath, `${JSON.stringify(c, null, 2)}\n`);
  } catch (error) {
    release();
    throw error;
  }
  return { dir: c.out, release };
}

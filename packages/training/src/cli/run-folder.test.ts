import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedSettings, holderAlive, lockRunFolder, makeDirectory, openRunFolder, RUN_LOCK } from './run-folder.ts';
import { resolveTrainConfig, type TrainConfig } from './train-config.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'edl-run-'));
const config = (flags: Partial<TrainConfig>) => resolveTrainConfig({}, flags);
const quiet = () => {
  const lines: string[] = [];
  return { lines, log: (l: string) => lines.push(l) };
};

/** A run folder as an earlier `edl train` leaves it. */
function earlierRun(out: string, c: TrainConfig): void {
  mkdirSync(join(out, 'checkpoints'), { recursive: true });
  mkdirSync(join(out, 'final'), { recursive: true });
  writeFileSync(join(out, 'config.json'), JSON.stringify(c));
  writeFileSync(join(out, 'metrics.jsonl'), '{"epoch":1}\n');
}

describe('the run folder (edl train --out)', () => {
  it('refuses to re-run into an existing run without --resume, and --overwrite deletes the old run first', () => {
    const out = join(tmp(), 'run');
    earlierRun(out, config({ out }));
    const q = quiet();
    expect(() => openRunFolder(config({ out }), q.log)).toThrow(
      /--out: .*run already holds a run \(config\.json, metrics\.jsonl, checkpoints, final\); continue it with --resume, replace it with --overwrite/,
    );
    expect(existsSync(join(out, 'final'))).toBe(true); // nothing touched
    expect(existsSync(join(out, RUN_LOCK))).toBe(false); // lock released on refusal
    const folder = openRunFolder(config({ out, overwrite: true, seed: 7 }), q.log);
    folder.release();
    expect(q.lines.join('\n')).toMatch(/--overwrite: deleting the earlier run/);
    for (const e of ['final', 'metrics.jsonl', 'checkpoints']) expect(existsSync(join(out, e))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).seed).toBe(7);
    expect(() => openRunFolder(config({ out, overwrite: true, resume: true }), q.log)).toThrow(
      /--resume and --overwrite contradict/,
    );
  });

  it('refuses --resume with settings that change the run, naming the keys, and keeps config.json', () => {
    const out = tmp();
    const c = config({ out, conv: 'vanilla', seed: 1, batchSize: 64 });
    earlierRun(out, c);
    const before = readFileSync(join(out, 'config.json'), 'utf8');
    expect(() => openRunFolder(config({ out, resume: true, conv: 'elastic', seed: 2, batchSize: 32 }))).toThrow(
      /--resume: these settings differ from the run in .*config\.json: batchSize \(run: 64, now: 32\), conv \(run: "vanilla", now: "elastic"\), seed \(run: 1, now: 2\)/,
    );
    expect(readFileSync(join(out, 'config.json'), 'utf8')).toBe(before);
    // where files are and how fast kernels run may change; so may the epochs of a non-cosine schedule
    expect(changedSettings(c as never, { ...c, backend: 'cpu', threads: 2, dataDir: '/x', resume: true })).toEqual([]);
    const multi = config({ out, schedule: 'multistep' });
    expect(changedSettings(multi as never, { ...multi, epochs: 9 })).toEqual([]);
    expect(changedSettings(c as never, { ...c, epochs: 9 })).toEqual(['epochs']); // cosine: stretched schedule
    const q = quiet();
    openRunFolder(config({ out, resume: true, conv: 'vanilla', seed: 1, backend: 'cpu' }), q.log).release();
    expect(q.lines.join('\n')).toMatch(/--resume: no checkpoint in .*checkpoints: starting from epoch 0/);
  });

  it('keeps two runs apart with run.lock (pid + host), clears a stale lock, and names the holder', () => {
    const out = tmp();
    const q = quiet();
    const folder = openRunFolder(config({ out }), q.log);
    const lock = JSON.parse(readFileSync(join(out, RUN_LOCK), 'utf8'));
    expect(lock).toMatchObject({ pid: process.pid, host: hostname() });
    expect(() => lockRunFolder(out, q.log)).toThrow(
      new RegExp(`--out: .* is in use by another edl train \\(pid ${process.pid} on ${hostname()}`),
    );
    folder.release();
    expect(existsSync(join(out, RUN_LOCK))).toBe(false);
    // a lock left by a process that is gone
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    writeFileSync(join(out, RUN_LOCK), JSON.stringify({ pid: dead, host: hostname(), started: 'then' }));
    const release = lockRunFolder(out, q.log);
    expect(q.lines.join('\n')).toMatch(new RegExp(`removing the stale lock .*pid ${dead} on .* is gone`));
    release();
    // a lock naming this very process but older than it: left by a retried container whose pids repeat
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    writeFileSync(join(out, RUN_LOCK), JSON.stringify({ pid: process.pid, host: hostname(), started: hourAgo }));
    lockRunFolder(out, q.log)();
    expect(q.lines.join('\n')).toMatch(
      new RegExp(`stale lock .*pid ${process.pid} on .* is now a process started after the lock \\(pid reused\\)`),
    );
    expect(holderAlive({ pid: process.pid, started: new Date().toISOString() })).toBe(true);
    expect(holderAlive({ pid: process.pid, started: hourAgo })).toBe(false);
    expect(holderAlive({ pid: dead, started: new Date().toISOString() })).toBe(false);
    if (existsSync('/proc/1/stat')) {
      // pid 1 started at boot: alive for a lock written now, reused for a lock written before it started
      expect(holderAlive({ pid: 1, started: new Date().toISOString() })).toBe(true);
      expect(holderAlive({ pid: 1, started: '2000-01-01T00:00:00.000Z' })).toBe(false);
      // the start time read from /proc is right to the second: a process started now predates a lock of now
      // + 0.5 s, and postdates one of 5 s ago
      const sleeper = spawn('sleep', ['30']);
      try {
        const now = Date.now();
        expect(holderAlive({ pid: sleeper.pid!, started: new Date(now + 500).toISOString() })).toBe(true);
        expect(holderAlive({ pid: sleeper.pid!, started: new Date(now - 5000).toISOString() })).toBe(false);
      } finally {
        sleeper.kill();
      }
    }
    // a lock from another machine cannot be checked: refused with the file to delete
    writeFileSync(join(out, RUN_LOCK), JSON.stringify({ pid: 1, host: 'elsewhere', started: 'then' }));
    expect(() => lockRunFolder(out, q.log)).toThrow(/pid 1 on elsewhere.*if that run is gone, delete .*run\.lock/);
    writeFileSync(join(out, RUN_LOCK), '{"pid": ');
    expect(() => lockRunFolder(out, q.log)).toThrow(/run\.lock is damaged/);
  });

  it.skipIf(!existsSync('/proc/self'))('fails fast on a folder that cannot be created (/proc/x), naming it', () => {
    const started = performance.now();
    expect(() => makeDirectory('/proc/edl-x/y', '--out')).toThrow(
      /--out: cannot create the folder \/proc\/edl-x \(ENOENT\); \/proc does not accept new folders/,
    );
    const file = join(tmp(), 'file');
    writeFileSync(file, '');
    expect(() => makeDirectory(join(file, 'sub'), '--out')).toThrow(/--out: .*file exists and is not a folder/);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

// Child process for grid-run.test.ts: runs the `edl` CLI and sends itself <signal> as soon as
// `<checkpoints>/latest.json` points at a checkpoint of epoch `<epoch>`, i.e. early in the next epoch (the trainer
// yields to the event loop before every step, so this timer runs there). SIGKILL: a run killed outright, leaving a
// checkpoint, a stale run.lock and a cell.json saying "running"; SIGTERM: a scheduler's polite stop, which the
// trainer answers with a mid-epoch checkpoint.
// Usage: node --conditions=@edl/source --import tsx kill-after-checkpoint-child.ts <signal> <checkpoints dir> <epoch> <edl args...>
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../cli/main.ts';

const [signal, checkpoints, epoch, ...args] = process.argv.slice(2);
let sent = false;
const wanted = `ckpt-e${String(epoch).padStart(4, '0')}-`;
const pointer = join(checkpoints!, 'latest.json');
setInterval(() => {
  if (!existsSync(pointer)) return;
  let dir = '';
  try {
    dir = (JSON.parse(readFileSync(pointer, 'utf8')) as { dir: string }).dir;
  } catch {
    return; // being replaced
  }
  if (dir.startsWith(wanted) && !sent) {
    sent = true;
    process.stdout.write(`${signal} after ${dir}\n`);
    process.kill(process.pid, signal as NodeJS.Signals);
  }
}, 1).unref();
const code = await runCli(args);
process.stdout.write(`exit ${code}\n`);
process.exit(code);

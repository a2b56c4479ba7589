// Child process for grid-run.test.ts: runs the `edl` CLI and SIGKILLs itself as soon as `<checkpoints>/latest.json`
// points at a checkpoint of epoch `<epoch>`, i.e. mid-way through the next epoch (the trainer yields to the event
// loop before every step, so this timer runs there): a run killed by a scheduler, leaving a checkpoint, a stale
// run.lock and a cell.json saying "running".
// Usage: node --conditions=@edl/source --import tsx kill-after-checkpoint-child.ts <checkpoints dir> <epoch> <edl args...>
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../cli/main.ts';

const [checkpoints, epoch, ...args] = process.argv.slice(2);
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
  if (dir.startsWith(wanted)) {
    process.stdout.write(`KILLED after ${dir}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}, 1).unref();
const code = await runCli(args);
process.stdout.write(`NOT KILLED: exit ${code}\n`);
process.exit(code);

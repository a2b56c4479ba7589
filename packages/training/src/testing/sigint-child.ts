// Child process for trainer.test.ts: trains the toy problem with SIGINT handling; prints one line per step so the
// parent can interrupt it at a known point. Usage: node --conditions=@edl/source --import tsx sigint-child.ts <outDir>
import * as tf from '@tensorflow/tfjs';
import { multiStepLr } from '../lr-schedule.ts';
import { pgdAT } from '../pgd-at.ts';
import { train } from '../trainer.ts';
import { toyData, toyModel } from './toy-problem.ts';

await tf.setBackend('cpu');
const outDir = process.argv[2]!;
const threat = { epsilon: 0.1, stepSize: 0.04, steps: 2 };
const result = await train({
  model: toyModel(11),
  method: {
    name: 'slow-pgd-at',
    step(ctx, x, y) {
      const loss = pgdAT(threat).step(ctx, x, y);
      const until = Date.now() + 30; // slow enough for the parent's signal to land mid-epoch
      while (Date.now() < until) {}
      process.stdout.write('STEP\n');
      return loss;
    },
  },
  train: toyData(40, 1),
  test: toyData(18, 2),
  epochs: 3,
  batchSize: 8,
  lr: multiStepLr({ base: 0.05, milestones: [2] }),
  sgd: { momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
  seed: 42,
  monitor: { trainSubset: 12, testSubset: 12, attack: threat },
  outDir,
  progress: false,
  handleSigint: true,
});
process.stdout.write(result.interrupted ? 'INTERRUPTED\n' : 'DONE\n');
process.exit(result.interrupted ? 130 : 0);

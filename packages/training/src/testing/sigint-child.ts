// Child process for trainer.test.ts: trains the toy problem with SIGINT handling; prints one line per step so the
// parent can interrupt it at a known point. Usage: node --conditions=@edl/source --import tsx sigint-child.ts <outDir>
import * as tf from '@tensorflow/tfjs';
import { train } from '../loop/trainer.ts';
import { pgdAT } from '../methods/pgd-at.ts';
import { toyThreat, toyTrainOptions } from './toy-train-options.ts';

await tf.setBackend('cpu');
const outDir = process.argv[2]!;
const result = await train(
  toyTrainOptions(outDir, {
    method: {
      name: 'slow-pgd-at',
      step(ctx, x, y) {
        const loss = pgdAT(toyThreat).step(ctx, x, y);
        const until = Date.now() + 30; // slow enough for the parent's signal to land mid-epoch
        while (Date.now() < until) {}
        process.stdout.write('STEP\n');
        return loss;
      },
    },
    handleSigint: true,
  }),
);
process.stdout.write(result.interrupted ? 'INTERRUPTED\n' : 'DONE\n');
process.exit(result.interrupted ? 130 : 0);

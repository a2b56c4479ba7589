// The paper's CIFAR-10 protocol (EDLNets §5.1, App. D.2.1): ResNet18, PGD-AT at eps 8/255 with PGD-7 (step 2/255),
// SGD 0.1 / momentum 0.9 / wd, lr / 10 at 50% and 75% of training; Vanilla DL pretrained for 75% of the epochs, then
// switched to Elastic DL; evaluation with FGSM, PGD-20 (step 2/255), CW-Linf (PGD-30 on the CW margin, kappa 50)
// and AutoAttack, through evaluateRobustness (trust checks on). Every size is a flag: full scale on a GPU, small
// scale on a laptop. Data: a folder with the CIFAR-10 binary files (data_batch_*.bin, test_batch.bin) or the
// project's lossless subset (train_first4000.bin + test_first1000.bin).
//
// node --conditions=@edl/source --import tsx examples/cifar10-reproduction/reproduce.ts --data-dir ../shared/data/cifar10 \
//   --train-count 256 --test-count 64 --epochs 2 --width 0.125 --conv vanilla
import { parseArgs } from 'node:util';
import { runCli } from '@edl/training/node';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    'train-count': { type: 'string', default: '50000' },
    'test-count': { type: 'string', default: '10000' },
    'eval-count': { type: 'string', default: '1000' },
    epochs: { type: 'string', default: '200' },
    'batch-size': { type: 'string', default: '128' },
    width: { type: 'string', default: '1' },
    depth: { type: 'string', default: '18' },
    conv: { type: 'string', default: 'vanilla' },
    'rista-steps': { type: 'string', default: '2' },
    lr: { type: 'string', default: '0.1' },
    'weight-decay': { type: 'string', default: '5e-4' },
    backend: { type: 'string', default: 'auto' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'runs/cifar10-reproduction' },
    autoattack: { type: 'boolean', default: false },
  },
});
const v = (k: keyof typeof values) => String(values[k]);
if (values['data-dir'] === undefined) {
  console.error('--data-dir is required: a folder with the CIFAR-10 binary files');
  process.exit(2);
}
const epochs = Number(v('epochs'));
const out = v('out');
const trainArgs = [
  'train',
  ...[
    '--dataset',
    'cifar10',
    '--data-dir',
    v('data-dir'),
    '--train-count',
    v('train-count'),
    '--test-count',
    v('test-count'),
  ],
  ...['--depth', v('depth'), '--conv', v('conv'), '--width', v('width'), '--rista-steps', v('rista-steps')],
  ...['--method', 'pgd-at', '--eps', String(8 / 255), '--step-size', String(2 / 255), '--attack-steps', '7'],
  ...['--epochs', String(epochs), '--batch-size', v('batch-size'), '--lr', v('lr'), '--schedule', 'multistep'],
  ...(epochs >= 4 ? ['--milestones', `${Math.round(epochs / 2)},${Math.round((3 * epochs) / 4)}`] : []),
  ...['--momentum', '0.9', '--weight-decay', v('weight-decay'), '--crop', '4', '--flip'],
  ...(v('conv') === 'vanilla' ? ['--switch-epoch', String(Math.max(1, Math.round((3 * epochs) / 4)))] : []),
  ...['--monitor-count', '200', '--seed', v('seed'), '--backend', v('backend'), '--out', out],
];
console.log(`edl ${trainArgs.join(' ')}`);
let code = await runCli(trainArgs);
if (code !== 0) process.exit(code);
const evalArgs = [
  'eval',
  ...['--model', `${out}/final`, '--dataset', 'cifar10', '--data-dir', v('data-dir'), '--count', v('eval-count')],
  ...['--eps', String(8 / 255), '--pgd-steps', '20', '--cw', ...(values.autoattack ? ['--autoattack'] : [])],
  ...['--seed', v('seed'), '--backend', v('backend'), '--report', `${out}/robustness.json`],
];
console.log(`edl ${evalArgs.join(' ')}`);
code = await runCli(evalArgs);
if (code === 0)
  code = await runCli(['report', '--run', out, '--title', 'CIFAR-10 reproduction', '--out', `${out}/report`]);
process.exit(code);

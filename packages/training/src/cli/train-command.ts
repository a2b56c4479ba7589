import { setupBackend } from '@edl/ops';
import { Command, Option } from 'commander';
import { loadData } from './load-data.ts';
import { int, intList, num } from './parse-flags.ts';
import { readConfigFile, resolveTrainConfig, TRAIN_DEFAULTS, type TrainConfig } from './train-config.ts';
import { trainFromConfig } from './train-from-config.ts';
import { EXIT } from './user-error.ts';

const d = TRAIN_DEFAULTS;

/** Adds the flags shared by `edl train` and `edl quickstart` (no commander defaults: config files must win). */
export function addTrainFlags(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'JSON file with any of these settings (camelCase keys); flags override it')
    .addOption(
      new Option('--dataset <name>', `dataset (default ${d.dataset})`).choices([
        'mnist',
        'cifar10',
        'cifar100',
        'tiny-imagenet',
      ]),
    )
    .option('--data-dir <dir>', 'folder with the dataset files (not needed for the embedded MNIST)')
    .option('--train-count <n>', `training images used (default ${d.trainCount})`, int)
    .option('--test-count <n>', `test images used (default ${d.testCount})`, int)
    .addOption(
      new Option('--depth <n>', `ResNet depth (default ${d.depth})`).choices(['10', '18', '34', '50']).argParser(int),
    )
    .addOption(
      new Option('--conv <kind>', `conv kind (default ${d.conv})`).choices([
        'standard',
        'vanilla',
        'robust',
        'elastic',
      ]),
    )
    .option('--width <m>', `width multiplier of 64/128/256/512 (default ${d.width})`, num)
    .addOption(
      new Option('--first-stage-stride <s>', 'stride of the first stage (default: by input size)')
        .choices(['1', '2'])
        .argParser(int),
    )
    .option('--rista-steps <n>', `unrolled RISTA steps (default ${d.ristaSteps})`, int)
    .option('--lambda <x>', 'sparsity weight lambda of the DL layers', num)
    .option(
      '--recompute-stages <list>',
      'stages whose DL layers recompute RISTA in the backward pass (0 = stem, 1-4), e.g. 0,1: less memory, more time',
      intList,
    )
    .addOption(
      new Option('--method <m>', `training method (default ${d.method})`).choices([
        'standard',
        'pgd-at',
        'trades',
        'mart',
        'hat',
      ]),
    )
    .option('--awp', 'wrap the method (pgd-at or trades) in adversarial weight perturbation')
    .option('--awp-gamma <g>', `AWP relative perturbation (default ${d.awpGamma})`, num)
    .option('--helper <dir>', 'HAT: saved standard-trained helper model')
    .option('--epochs <n>', `epochs (default ${d.epochs})`, int)
    .option('--batch-size <n>', `batch size (default ${d.batchSize})`, int)
    .option(
      '--accumulate <k>',
      `split each batch into k micro-batches whose gradients are summed before one optimizer step: the same batch in less memory (exact but for BatchNorm statistics, which each micro-batch computes on its own; default ${d.accumulate})`,
      int,
    )
    .option('--lr <x>', `learning rate (default ${d.lr})`, num)
    .addOption(
      new Option(
        '--schedule <s>',
        `lr schedule: multistep per epoch, cosine per iteration (default ${d.schedule})`,
      ).choices(['multistep', 'cosine', 'constant']),
    )
    .option('--milestones <list>', 'multistep: epochs at which lr is divided by 10, e.g. 100,150', intList)
    .option('--momentum <x>', `SGD momentum (default ${d.momentum})`, num)
    .option('--nesterov', 'Nesterov momentum (default on)')
    .option('--no-nesterov', 'plain momentum')
    .option('--weight-decay <x>', `L2-coupled weight decay as torch SGD (default ${d.weightDecay})`, num)
    .option('--eps <x>', `L-inf budget of the training attack and the monitor (default ${d.eps})`, num)
    .option('--step-size <x>', `attack step size (default ${d.stepSize})`, num)
    .option('--attack-steps <n>', `training attack steps (default ${d.attackSteps})`, int)
    .option('--beta <x>', `TRADES / MART beta (default ${d.beta})`, num)
    .option(
      '--switch-epoch <n>',
      'pretrain Vanilla DL for n epochs, then switch to Elastic DL (needs --conv vanilla)',
      int,
    )
    .option('--switch-lr <x>', 'constant learning rate after the switch (default: keep the schedule)', num)
    .option('--switch-beta <x>', `beta of every layer at the switch (default ${d.switchBeta})`, num)
    .option('--l1 <x>', 'l1 penalty on kernels (paper Table 3 baseline)', num)
    .option('--l2 <x>', 'l2 penalty on kernels (paper Table 3 baseline)', num)
    .option('--crop <px>', 'random crop after zero padding (4 for CIFAR)', int)
    .option('--flip', 'random horizontal flip')
    .option('--cutout <px>', 'Cutout square side (16 for CIFAR-10)', int)
    .option('--mixup-alpha <x>', 'Mixup with lambda ~ Beta(x, x) per batch (standard / pgd-at; paper Table 3)', num)
    .option('--early-stopping <n>', 'stop after n epochs without better robust test accuracy (keeps best/)', int)
    .option(
      '--bn-recalibration <n>',
      're-estimate BatchNorm statistics with n clean training batches after each epoch (PreciseBN; default 0)',
      int,
    )
    .option('--monitor-count <n>', `train / test images for the per-epoch accuracy (default ${d.monitorCount})`, int)
    .option('--seed <n>', `seed of everything (default ${d.seed})`, int)
    .addOption(
      new Option('--backend <b>', `tfjs backend (default ${d.backend})`).choices([
        'auto',
        'wasm',
        'webgpu',
        'tensorflow',
        'cpu',
      ]),
    )
    .option('--threads <n>', 'wasm threads', int)
    .option('--out <dir>', `output folder (default ${d.out})`)
    .option('--resume', 'continue the run in <out> from <out>/checkpoints (same settings; none yet: starts at epoch 0)')
    .option('--overwrite', 'replace an earlier run in <out> (without it, an existing run is refused)');
}

/** Turns commander's parsed options into a validated {@link TrainConfig}. */
export function configFromFlags(opts: Record<string, unknown>, defaults: Partial<TrainConfig> = {}): TrainConfig {
  const { config, ...flags } = opts;
  const file = typeof config === 'string' ? readConfigFile(config) : {};
  return resolveTrainConfig({ ...defaults, ...file }, flags as Partial<TrainConfig>);
}

/** `edl train`. */
export function trainCommand(): Command {
  return addTrainFlags(new Command('train'))
    .description('train a ResNet (standard / vanilla / elastic DL) with standard, PGD-AT, TRADES, MART, HAT or AWP')
    .addHelpText(
      'after',
      '\nOutputs: <out>/metrics.jsonl (one JSON line per epoch), <out>/checkpoints (atomic, resumable), <out>/final.\n' +
        'An existing run in <out> is refused unless --resume or --overwrite; <out>/run.lock keeps two runs apart.\n' +
        'Example: edl train --conv vanilla --switch-epoch 1 --epochs 2 --out runs/edl',
    )
    .action(async (opts: Record<string, unknown>) => {
      const c = configFromFlags(opts);
      const info = await setupBackend({ backend: c.backend, ...(c.threads ? { threads: c.threads } : {}) });
      console.error(`backend: ${info.backend} (${info.threads} thread(s))`);
      const data = await loadData(c);
      const result = await trainFromConfig(c, data);
      if (result.interrupted) {
        console.error(`interrupted: checkpoint written to ${c.out}/checkpoints; continue with --resume`);
        process.exitCode = EXIT.interrupted;
        return;
      }
      const last = result.history.at(-1);
      if (last) {
        console.log(
          `done: epoch ${last.epoch}, natural test ${(100 * last.testNatural).toFixed(1)}%, PGD test ${(100 * last.testRobust).toFixed(1)}% -> ${c.out}/final`,
        );
      }
    });
}

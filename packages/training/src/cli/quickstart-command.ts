import { Command } from 'commander';
import { int, numList } from './parse-flags.ts';
import { QUICKSTART_DEFAULTS } from './quickstart-defaults.ts';

/** `edl quickstart`: the main job (`npx -y pnpm@10 start`). */
export function quickstartCommand(): Command {
  const d = QUICKSTART_DEFAULTS;
  return new Command('quickstart')
    .description(
      'the main job: train a small Elastic-DL ResNet (Vanilla DL, then Elastic DL) and a standard ResNet the same way on the ' +
        'embedded MNIST digits, attack both (clean, FGSM, PGD, short AutoAttack), print a table, write runs/quickstart/report.html',
    )
    .option('--train-count <n>', `training digits (default ${d.config.trainCount})`, int)
    .option('--epochs <n>', `epochs per model; the EDL model switches half-way (default ${d.config.epochs})`, int)
    .option('--eval-count <n>', `held-out digits for clean / FGSM / PGD (default ${d.evalCount})`, int)
    .option('--aa-count <n>', `digits for the short AutoAttack (default ${d.autoAttackCount})`, int)
    .option('--pgd-steps <n>', `PGD steps at evaluation (default ${d.pgdSteps})`, int)
    .option('--sweep <list>', `epsilons of the accuracy-vs-epsilon curve (default ${d.sweep.join(',')})`, numList)
    .option('--seed <n>', 'seed (default 1)', int)
    .option('--out <dir>', `output folder (default ${d.out})`)
    .action(async (opts: Record<string, number | number[] | string | undefined>) => {
      const config = { ...d.config };
      if (opts.trainCount !== undefined) config.trainCount = opts.trainCount as number;
      if (opts.epochs !== undefined) config.epochs = opts.epochs as number;
      if (opts.seed !== undefined) config.seed = opts.seed as number;
      const { runQuickstart } = await import('./quickstart.ts');
      await runQuickstart({
        ...d,
        config,
        evalCount: (opts.evalCount as number | undefined) ?? d.evalCount,
        autoAttackCount: (opts.aaCount as number | undefined) ?? d.autoAttackCount,
        pgdSteps: (opts.pgdSteps as number | undefined) ?? d.pgdSteps,
        sweep: (opts.sweep as number[] | undefined) ?? d.sweep,
        out: (opts.out as string | undefined) ?? d.out,
      });
    });
}

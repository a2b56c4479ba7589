import { setupBackend } from '@edl/ops';
import { Command, Option } from 'commander';
import { checkCount, checkEpsilon } from './attack-budget.ts';
import { loadData } from './load-data.ts';
import { assertSavedModel, loadSavedModel } from './load-saved-model.ts';
import { int, num, SHARD_HELP } from './parse-flags.ts';
import { resolveTrainConfig } from './train-config.ts';
import { UserError } from './user-error.ts';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** `edl eval`. */
export function evalCommand(): Command {
  return new Command('eval')
    .description('evaluate a saved model: clean, FGSM, PGD, optional CW-Linf and AutoAttack, with trust checks')
    .requiredOption('--model <dir>', 'saved model folder (model.json + weights.bin), e.g. runs/train/final')
    .addOption(
      new Option('--dataset <name>', 'dataset')
        .choices(['mnist', 'cifar10', 'cifar100', 'tiny-imagenet'])
        .default('mnist'),
    )
    .option('--data-dir <dir>', 'folder with the dataset files (not needed for MNIST)')
    .option('--count <n>', 'held-out images evaluated', int, 500)
    .option('--eps <x>', 'L-inf budget', num, 0.1)
    .option('--pgd-steps <n>', 'PGD steps (step eps/4, random start)', int, 20)
    .option('--cw', 'also run CW-Linf (PGD on the CW margin loss)')
    .option('--autoattack', 'also run AutoAttack (standard version; below --aa-budget 1 it is reduced and named so)')
    .option('--aa-budget <f>', 'fraction of AutoAttack reference iterations / queries (1 = the reference)', num, 1)
    .option('--seed <n>', 'seed of random starts', int, 0)
    .option('--report <file>', 'JSON report path', 'runs/eval/robustness.json')
    .option('--shard <i/n>', SHARD_HELP.shard)
    .option('--shard-count <n>', SHARD_HELP.shardCount, int)
    .option('--batch-size <n>', SHARD_HELP.batchSize, int, 128)
    .option('--threads <n>', SHARD_HELP.threads, int)
    .addOption(
      new Option('--backend <b>', 'tfjs backend')
        .choices(['auto', 'wasm', 'webgpu', 'tensorflow', 'cpu'])
        .default('auto'),
    )
    .action(
      async (o: {
        model: string;
        dataset: string;
        dataDir?: string;
        count: number;
        eps: number;
        pgdSteps: number;
        cw?: boolean;
        autoattack?: boolean;
        aaBudget: number;
        seed: number;
        report: string;
        backend: string;
        shard?: string;
        shardCount?: number;
        batchSize: number;
        threads?: number;
      }) => {
        checkEpsilon(o.eps, 'linf');
        if (!(o.aaBudget > 0 && o.aaBudget <= 1))
          throw new UserError(`--aa-budget: expected a number in (0, 1], got ${o.aaBudget}`);
        checkCount(o.count);
        if (o.batchSize < 1) throw new UserError(`--batch-size: expected a positive integer, got ${o.batchSize}`);
        const c = resolveTrainConfig(
          {},
          {
            dataset: o.dataset as 'mnist',
            ...(o.dataDir ? { dataDir: o.dataDir } : {}),
            trainCount: 1,
            testCount: o.count,
          },
        );
        const { attackSuite } = await import('./robustness.ts');
        const { runShardedEvaluation } = await import('./sharded-run.ts');
        assertSavedModel(o.model);
        await setupBackend({
          backend: o.backend as 'auto',
          ...(o.threads !== undefined ? { threads: o.threads } : {}),
        }); // before any tensor exists
        const model = await loadSavedModel(o.model);
        const { test } = await loadData(c);
        const attacks = attackSuite({
          eps: o.eps,
          pgdSteps: o.pgdSteps,
          seed: o.seed,
          autoAttack: o.autoattack === true ? (o.aaBudget < 1 ? { budget: o.aaBudget, nTargets: 9 } : true) : false,
          cw: o.cw === true,
        });
        const { path, merged } = await runShardedEvaluation({
          command: 'eval',
          modelDir: o.model,
          model,
          dataset: o.dataset,
          test,
          count: o.count,
          attacks,
          seed: o.seed,
          batchSize: o.batchSize,
          report: o.report,
          ...(o.shard !== undefined ? { shardFlag: o.shard } : {}),
          ...(o.shardCount !== undefined ? { shardCount: o.shardCount } : {}),
        });
        if (merged) {
          console.log(`clean ${pct(merged.cleanAccuracy)}`);
          for (const a of merged.attacks) console.log(`${a.name} ${pct(a.accuracy)}`);
          console.log(`worst case ${pct(merged.worstCaseAccuracy)}  (n = ${merged.numSamples}, eps = ${o.eps})`);
          for (const f of merged.flags) console.log(`FLAG [${f.severity}] ${f.id}: ${f.message}`);
        }
        console.log(`report: ${path}`);
      },
    );
}

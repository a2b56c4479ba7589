import { type Attack, fgsm, pgd } from '@edl/attacks';
import { setupBackend } from '@edl/ops';
import { Command, Option } from 'commander';
import { checkCount, checkEpsilon } from './attack-budget.ts';
import { loadData } from './load-data.ts';
import { assertSavedModel, loadSavedModel } from './load-saved-model.ts';
import { int, num, SHARD_HELP } from './parse-flags.ts';
import { resolveTrainConfig } from './train-config.ts';
import { UserError } from './user-error.ts';

/** Builds one named attack for `edl attack`. */
export async function namedAttack(name: string, o: { eps: number; steps: number; seed: number }): Promise<Attack> {
  switch (name) {
    case 'fgsm':
      return fgsm({ eps: o.eps });
    case 'pgd':
      return pgd({ eps: o.eps, stepSize: o.eps / 4, steps: o.steps, seed: o.seed });
    case 'pgd-l2':
      return pgd({ eps: o.eps, norm: 'l2', stepSize: o.eps / 5, steps: o.steps, seed: o.seed });
    case 'cw-linf':
      return pgd({ eps: o.eps, stepSize: o.eps / 4, steps: o.steps, loss: 'cw', seed: o.seed, name: 'cw-linf' });
    case 'autoattack':
      return (await import('./robustness.ts'))
        .attackSuite({ eps: o.eps, pgdSteps: o.steps, seed: o.seed, autoAttack: true })
        .at(-1)!;
    default:
      throw new UserError(`--attack: unknown attack "${name}" (expected fgsm, pgd, pgd-l2, cw-linf or autoattack)`);
  }
}

/** `edl attack`. */
export function attackCommand(): Command {
  return new Command('attack')
    .description(
      'run one attack on a saved model and report its accuracy (through evaluateRobustness, with trust checks)',
    )
    .requiredOption('--model <dir>', 'saved model folder (model.json + weights.bin)')
    .addOption(
      new Option('--attack <name>', 'attack')
        .choices(['fgsm', 'pgd', 'pgd-l2', 'cw-linf', 'autoattack'])
        .default('pgd'),
    )
    .addOption(
      new Option('--dataset <name>', 'dataset')
        .choices(['mnist', 'cifar10', 'cifar100', 'tiny-imagenet'])
        .default('mnist'),
    )
    .option('--data-dir <dir>', 'folder with the dataset files (not needed for MNIST)')
    .option('--count <n>', 'held-out images attacked', int, 200)
    .option('--eps <x>', 'budget (L-inf, or L2 for pgd-l2)', num, 0.1)
    .option('--steps <n>', 'iterations', int, 20)
    .option('--seed <n>', 'seed', int, 0)
    .option('--report <file>', 'JSON report path', 'runs/attack/report.json')
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
        attack: string;
        dataset: string;
        dataDir?: string;
        count: number;
        eps: number;
        steps: number;
        seed: number;
        report: string;
        shard?: string;
        shardCount?: number;
        batchSize: number;
        threads?: number;
        backend: string;
      }) => {
        checkEpsilon(o.eps, o.attack === 'pgd-l2' ? 'l2' : 'linf');
        checkCount(o.count);
        if (o.batchSize < 1) throw new UserError(`--batch-size: expected a positive integer, got ${o.batchSize}`);
        const attack = await namedAttack(o.attack, o);
        const c = resolveTrainConfig(
          {},
          {
            dataset: o.dataset as 'mnist',
            ...(o.dataDir ? { dataDir: o.dataDir } : {}),
            trainCount: 1,
            testCount: o.count,
          },
        );
        const { runShardedEvaluation } = await import('./sharded-run.ts');
        assertSavedModel(o.model);
        await setupBackend({
          backend: o.backend as 'auto',
          ...(o.threads !== undefined ? { threads: o.threads } : {}),
        }); // before any tensor exists
        const model = await loadSavedModel(o.model);
        const { test } = await loadData(c);
        const { path, merged } = await runShardedEvaluation({
          command: 'attack',
          modelDir: o.model,
          model,
          dataset: o.dataset,
          test,
          count: o.count,
          attacks: [attack],
          seed: o.seed,
          batchSize: o.batchSize,
          report: o.report,
          ...(o.shard !== undefined ? { shardFlag: o.shard } : {}),
          ...(o.shardCount !== undefined ? { shardCount: o.shardCount } : {}),
        });
        if (merged) {
          console.log(
            `clean ${(100 * merged.cleanAccuracy).toFixed(1)}%, ${attack.name} ${(100 * (merged.attacks[0]?.accuracy ?? Number.NaN)).toFixed(1)}% (eps ${o.eps})`,
          );
          for (const f of merged.flags) console.log(`FLAG [${f.severity}] ${f.id}: ${f.message}`);
        }
        console.log(`report: ${path}`);
      },
    );
}

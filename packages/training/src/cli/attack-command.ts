import { type Attack, fgsm, pgd } from '@edl/attacks';
import { setupBackend } from '@edl/ops';
import { Command, Option } from 'commander';
import { checkCount, checkEpsilon } from './attack-budget.ts';
import { loadData } from './load-data.ts';
import { assertSavedModel, loadSavedModel } from './load-saved-model.ts';
import { int, num } from './parse-flags.ts';
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
      }) => {
        checkEpsilon(o.eps, o.attack === 'pgd-l2' ? 'l2' : 'linf');
        checkCount(o.count);
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
        const { evaluateModel } = await import('./robustness.ts');
        assertSavedModel(o.model);
        await setupBackend({ backend: 'auto' }); // before any tensor exists
        const model = await loadSavedModel(o.model);
        const { test } = await loadData(c);
        const row = await evaluateModel(model, test, o.count, [attack], o.report);
        console.log(
          `clean ${(100 * row.clean).toFixed(1)}%, ${attack.name} ${(100 * (row.attacks[attack.name] ?? Number.NaN)).toFixed(1)}% (eps ${o.eps})`,
        );
        for (const f of row.flags) console.log(`FLAG ${f}`);
      },
    );
}

import { setupBackend } from '@edl/ops';
import { Command, Option } from 'commander';
import { loadData } from './load-data.ts';
import { assertSavedModel, loadSavedModel } from './load-saved-model.ts';
import { int, num } from './parse-flags.ts';
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
      }) => {
        if (!(o.eps > 0 && o.eps <= 1)) throw new UserError(`--eps: expected a number in (0, 1], got ${o.eps}`);
        if (!(o.aaBudget > 0 && o.aaBudget <= 1))
          throw new UserError(`--aa-budget: expected a number in (0, 1], got ${o.aaBudget}`);
        if (o.count < 1) throw new UserError(`--count: expected a positive integer, got ${o.count}`);
        const c = resolveTrainConfig(
          {},
          {
            dataset: o.dataset as 'mnist',
            ...(o.dataDir ? { dataDir: o.dataDir } : {}),
            trainCount: 1,
            testCount: o.count,
          },
        );
        const { attackSuite, evaluateModel } = await import('./robustness.ts');
        assertSavedModel(o.model);
        await setupBackend({ backend: o.backend as 'auto' }); // before any tensor exists
        const model = await loadSavedModel(o.model);
        const { test } = await loadData(c);
        const attacks = attackSuite({
          eps: o.eps,
          pgdSteps: o.pgdSteps,
          seed: o.seed,
          autoAttack: o.autoattack === true ? (o.aaBudget < 1 ? { budget: o.aaBudget, nTargets: 9 } : true) : false,
          cw: o.cw === true,
        });
        const row = await evaluateModel(model, test, o.count, attacks, o.report);
        console.log(`clean ${pct(row.clean)}`);
        for (const [name, acc] of Object.entries(row.attacks)) console.log(`${name} ${pct(acc)}`);
        console.log(`worst case ${pct(row.worstCase)}  (n = ${Math.min(o.count, test.count)}, eps = ${o.eps})`);
        for (const f of row.flags) console.log(`FLAG ${f}`);
        console.log(`report: ${o.report}`);
      },
    );
}

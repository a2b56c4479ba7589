import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Attack } from '@edl/attacks';
import { setupBackend } from '@edl/ops';
import { firstIndices, gatherBatch } from '../loop/labelled-images.ts';
import type { ReportData } from '../report/report-data.ts';
import { flagText } from '../report/report-flag.ts';
import { writeReport } from '../report/write-report.ts';
import { loadData } from './load-data.ts';
import type { QuickstartOptions } from './quickstart-defaults.ts';
import { ristaObjectiveSeries } from './rista-trace.ts';
import { attackSuite, evaluateModel, type RobustnessRow, sweepModel } from './robustness.ts';
import { resolveTrainConfig } from './train-config.ts';
import { trainFromConfig } from './train-from-config.ts';

/** Column of the per-sample worst case over FGSM and PGD (AutoAttack runs on a prefix, reported apart). */
const WORST = 'worst case (FGSM, PGD)';

const pct = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? '   –  ' : `${(100 * v).toFixed(1).padStart(5)}%`;

/** The main job's AutoAttack (shortened by `autoAttackBudget` and `autoAttackTargets`), as a one-attack list. */
export function quickstartAutoAttack(o: QuickstartOptions, eps: number, seed: number): Attack[] {
  return attackSuite({
    eps,
    pgdSteps: o.pgdSteps,
    seed,
    autoAttack: { budget: o.autoAttackBudget, nTargets: o.autoAttackTargets },
  }).slice(-1);
}

/** Table column of the main job's AutoAttack: its label (what ran, from its settings) and the digits it ran on. */
export function autoAttackColumn(label: string, o: Pick<QuickstartOptions, 'autoAttackCount'>): string {
  return `${label} (n=${o.autoAttackCount})`;
}

/**
 * The main job: trains a standard ResNet and an EDL ResNet (Vanilla DL, switched to Elastic DL half-way) the same
 * way (method, budget, data, seed), evaluates both on held-out digits (clean, FGSM, PGD, short AutoAttack, through
 * `evaluateRobustness`), prints a comparison table, and writes the report to `out`.
 */
export async function runQuickstart(
  o: QuickstartOptions,
): Promise<{ rows: Record<string, RobustnessRow>; seconds: number }> {
  const started = performance.now();
  const info = await setupBackend({ backend: (o.config.backend ?? 'auto') as 'auto' });
  console.log(`backend: ${info.backend} (${info.threads} thread(s))`);
  const base = resolveTrainConfig(o.config, {});
  const data = await loadData(base);
  console.log(`data: ${data.train.count} training and ${data.test.count} held-out MNIST digits (embedded)`);
  const half = Math.max(1, Math.floor(base.epochs / 2));
  const models = [
    {
      name: 'standard ResNet',
      config: resolveTrainConfig({ ...o.config, conv: 'standard' }, { out: join(o.out, 'standard'), overwrite: true }),
    },
    {
      name: 'Elastic DL ResNet',
      config: resolveTrainConfig(
        { ...o.config, conv: 'vanilla', switchEpoch: half },
        { out: join(o.out, 'edl'), overwrite: true },
      ),
    },
  ];
  const rows: Record<string, RobustnessRow> = {};
  const report: ReportData = {
    title: 'EDL.js quickstart: Elastic DL vs standard ResNet on MNIST digits',
    runs: [],
    epsilonCurves: [],
    ristaObjective: [],
    flags: [],
  };
  const suite = attackSuite({ eps: base.eps, pgdSteps: o.pgdSteps, seed: base.seed, autoAttack: false });
  const aa = quickstartAutoAttack(o, base.eps, base.seed);
  for (const m of models) {
    console.log(
      `\n== ${m.name}: ${m.config.method} (eps ${m.config.eps}, PGD-${m.config.attackSteps}), ${m.config.epochs} epochs${m.config.switchEpoch !== undefined ? `, Vanilla DL -> Elastic DL after epoch ${m.config.switchEpoch}` : ''}`,
    );
    const result = await trainFromConfig(m.config, data, {
      ...(o.progress !== undefined ? { progress: o.progress } : {}),
      onEpoch: (e) =>
        console.log(
          `  epoch ${e.epoch} (${e.phase}): loss ${e.loss.toFixed(3)}, test natural ${pct(e.testNatural)}, PGD-${m.config.attackSteps} ${pct(e.testRobust)}, ${e.seconds.toFixed(0)} s`,
        ),
    });
    report.runs!.push({
      name: m.name,
      metrics: result.history,
      ...(m.config.switchEpoch !== undefined ? { switchAfterEpoch: m.config.switchEpoch } : {}),
    });
    console.log('  evaluating (clean, FGSM, PGD, short AutoAttack) ...');
    const main = await evaluateModel(
      result.model,
      data.test,
      o.evalCount,
      suite,
      join(m.config.out, 'robustness.json'),
    );
    const auto = await evaluateModel(
      result.model,
      data.test,
      o.autoAttackCount,
      aa,
      join(m.config.out, 'autoattack.json'),
    );
    rows[m.name] = {
      ...main,
      attacks: {
        ...main.attacks,
        ...Object.fromEntries(Object.entries(auto.attacks).map(([k, v]) => [autoAttackColumn(k, o), v])),
      },
      flags: [...main.flags, ...auto.flags],
    };
    const sweep = await sweepModel(
      result.model,
      data.test,
      o.sweepCount,
      o.sweep,
      base.seed,
      join(m.config.out, 'epsilon-sweep.json'),
    );
    report.epsilonCurves!.push({ series: m.name, points: sweep.points });
    rows[m.name]!.flags.push(...sweep.flags);
    const { x } = gatherBatch(data.test, firstIndices(data.test, 32));
    report.ristaObjective!.push(...(await ristaObjectiveSeries(result.model, x, 8)));
    x.dispose();
    report.flags!.push(...rows[m.name]!.flags.map((f) => ({ ...f, on: m.name })));
    result.model.dispose();
  }
  const columns = ['clean', ...Object.keys(rows[models[0]!.name]!.attacks), WORST];
  report.table = {
    columns,
    rows: models.map((m) => {
      const r = rows[m.name]!;
      return { model: m.name, values: { clean: r.clean, ...r.attacks, [WORST]: r.worstCase } };
    }),
  };
  const seconds = (performance.now() - started) / 1000;
  report.subtitle =
    `${data.train.count} training / ${o.evalCount} held-out digits, ResNet${base.depth} x${base.width}, ${base.method} at eps ${base.eps}, ` +
    `${base.epochs} epochs, seed ${base.seed}, backend ${info.backend} (${info.threads} threads), ${seconds.toFixed(0)} s end to end.`;
  report.facts = { command: 'npx -y pnpm@10 start  (= edl quickstart)', config: JSON.stringify(o.config) };
  mkdirSync(o.out, { recursive: true });
  writeFileSync(join(o.out, 'summary.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeReport(o.out, report);
  printTable(
    columns,
    models.map((m) => m.name),
    rows,
  );
  for (const f of report.flags ?? []) console.log(`FLAG ${flagText(f)}`);
  console.log(`\nreport: ${join(o.out, 'report.html')}  (${seconds.toFixed(0)} s end to end)`);
  return { rows, seconds };
}

function printTable(columns: string[], names: string[], rows: Record<string, RobustnessRow>): void {
  const width = Math.max(...names.map((n) => n.length)) + 2;
  console.log(`\n${'model'.padEnd(width)}${columns.map((c) => c.padStart(Math.max(8, c.length + 2))).join('')}`);
  for (const n of names) {
    const r = rows[n]!;
    const v = (c: string) => (c === 'clean' ? r.clean : c === WORST ? r.worstCase : r.attacks[c]);
    console.log(`${n.padEnd(width)}${columns.map((c) => pct(v(c)).padStart(Math.max(8, c.length + 2))).join('')}`);
  }
}

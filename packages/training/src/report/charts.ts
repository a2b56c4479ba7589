import type { TopLevelSpec } from 'vega-lite';
import type { ReportData } from './report-data.ts';

const WIDTH = 460;
const HEIGHT = 260;
const LEGEND = { legend: { labelLimit: 320 } };

/** A named vega-lite chart of the report. */
export interface ChartSpec {
  /** File stem of the SVG (e.g. 'training-curves'). */
  id: string;
  title: string;
  spec: TopLevelSpec;
}

/** Robust and natural test accuracy over epochs with the vanilla -> elastic switch marked (paper Fig. 2). */
function trainingCurves(data: ReportData): ChartSpec | null {
  const runs = data.runs ?? [];
  const values = runs
    .flatMap((r) =>
      r.metrics.flatMap((m) => [
        { run: r.name, epoch: m.epoch, metric: 'robust (PGD) test', accuracy: m.testRobust },
        { run: r.name, epoch: m.epoch, metric: 'natural test', accuracy: m.testNatural },
      ]),
    )
    .filter((v) => v.accuracy != null && Number.isFinite(v.accuracy));
  if (values.length === 0) return null;
  const switches = runs
    .filter((r) => r.switchAfterEpoch !== undefined)
    .map((r) => ({ run: r.name, epoch: (r.switchAfterEpoch ?? 0) + 0.5, label: `${r.name}: vanilla → elastic` }));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: HEIGHT,
    config: LEGEND,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
          y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy', scale: { domain: [0, 1] } },
          color: { field: 'run', type: 'nominal', title: 'model' },
          strokeDash: { field: 'metric', type: 'nominal', title: 'metric' },
        },
      },
      ...(switches.length > 0
        ? [
            {
              data: { values: switches },
              mark: { type: 'rule', strokeDash: [2, 2], color: '#888' },
              encoding: { x: { field: 'epoch', type: 'quantitative' } },
            },
            {
              data: { values: switches },
              mark: { type: 'text', align: 'left', dx: 3, dy: -HEIGHT / 2 + 8, fontSize: 10, color: '#555' },
              encoding: { x: { field: 'epoch', type: 'quantitative' }, text: { field: 'label' } },
            },
          ]
        : []),
    ],
  } as unknown as TopLevelSpec;
  return { id: 'training-curves', title: 'Test accuracy over epochs (dashed rule: switch to Elastic DL)', spec };
}

function lineChart(
  id: string,
  title: string,
  values: Record<string, unknown>[],
  x: { field: string; title: string },
  y: { field: string; title: string; unit?: boolean },
  series: string,
): ChartSpec | null {
  if (values.length === 0) return null;
  return {
    id,
    title,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: WIDTH,
      height: HEIGHT,
      config: LEGEND,
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: x.field, type: 'quantitative', title: x.title },
        y: { field: y.field, type: 'quantitative', title: y.title, ...(y.unit ? { scale: { domain: [0, 1] } } : {}) },
        color: { field: series, type: 'nominal', title: '' },
      },
    } as TopLevelSpec,
  };
}

/** Betas of each dictionary layer over epochs. */
function betaChart(data: ReportData): ChartSpec | null {
  const values = (data.runs ?? []).flatMap((r) =>
    r.metrics.flatMap((m) =>
      Object.entries(m.betas).map(([layer, beta]) => ({ layer: `${r.name} / ${layer}`, epoch: m.epoch, beta })),
    ),
  );
  return lineChart(
    'betas',
    'Beta per dictionary layer over epochs (1 = Vanilla DL, 0 = Robust DL)',
    values,
    { field: 'epoch', title: 'epoch' },
    { field: 'beta', title: 'beta', unit: true },
    'layer',
  );
}

/** The vega-lite charts of a report, in page order (charts without data are left out). */
export function reportCharts(data: ReportData): ChartSpec[] {
  const eps = (data.epsilonCurves ?? []).flatMap((s) => s.points.map((p) => ({ series: s.series, ...p })));
  const rista = (data.ristaObjective ?? []).flatMap((s) => s.points.map((p) => ({ series: s.series, ...p })));
  const loss = (data.runs ?? []).flatMap((r) => r.metrics.map((m) => ({ run: r.name, epoch: m.epoch, loss: m.loss })));
  return [
    trainingCurves(data),
    lineChart(
      'accuracy-vs-epsilon',
      'Accuracy vs L∞ eps (PGD)',
      eps,
      { field: 'eps', title: 'eps' },
      { field: 'accuracy', title: 'accuracy', unit: true },
      'series',
    ),
    lineChart(
      'rista-objective',
      'RISTA objective per unrolled step (paper Fig. 6)',
      rista,
      { field: 'step', title: 'RISTA step' },
      { field: 'objective', title: 'objective' },
      'series',
    ),
    betaChart(data),
    lineChart(
      'training-loss',
      'Training loss over epochs',
      loss,
      { field: 'epoch', title: 'epoch' },
      { field: 'loss', title: 'loss' },
      'run',
    ),
  ].filter((c): c is ChartSpec => c !== null);
}

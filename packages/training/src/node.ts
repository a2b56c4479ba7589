export { runCli } from './cli/main.ts';
export { progressBar } from './loop/progress-bar.ts';
export { type ChartSpec, reportCharts } from './report/charts.ts';
export { renderSvg } from './report/render-svg.ts';
export type { ReportData, ReportRun } from './report/report-data.ts';
export type { ReportFlag } from './report/report-flag.ts';
export { writeReport } from './report/write-report.ts';
export {
  type Checkpoint,
  defaultStore,
  hasCheckpoint,
  type ModelStore,
  readCheckpoint,
  writeCheckpoint,
} from './store/checkpoint-store.ts';
export { type DirectoryStoreOptions, directoryStore } from './store/directory-store.ts';
export { appendMetrics, readMetrics } from './store/metrics-log.ts';

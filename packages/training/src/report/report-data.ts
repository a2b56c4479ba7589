import type { EpochMetrics } from '../store/epoch-metrics.ts';
import type { ReportFlag } from './report-flag.ts';

/** One training run shown in the report. */
export interface ReportRun {
  /** Legend name, e.g. 'Elastic DL' or 'standard'. */
  name: string;
  /** Per-epoch metrics (metrics.jsonl). */
  metrics: EpochMetrics[];
  /** 1-based epoch after which the vanilla -> elastic switch happened (marked on the curves). */
  switchAfterEpoch?: number;
}

/** Everything {@link writeReport} draws. Every part but `title` is optional. */
export interface ReportData {
  title: string;
  /** Free text under the title (setting, command, machine). */
  subtitle?: string;
  runs?: ReportRun[];
  /**
   * The comparison table: one row per model, one column per attack (accuracies in [0, 1]); a `status` column is
   * added when any row has a status (e.g. a grid cell that is missing or failed).
   */
  table?: { columns: string[]; rows: { model: string; values: Record<string, number | null>; status?: string }[] };
  /** Accuracy vs the L∞ budget `eps` (the attacks' name for it), one series per model (and attack). */
  epsilonCurves?: { series: string; points: { eps: number; accuracy: number }[] }[];
  /** RISTA objective per unrolled step (paper Fig. 6), one series per layer or model. */
  ristaObjective?: { series: string; points: { step: number; objective: number }[] }[];
  /** Trust-check flags to show prominently, `@edl/attacks`' TrustFlags with what they were raised on (empty = none raised). */
  flags?: ReportFlag[];
  /** Extra facts (key -> value) listed at the end. */
  facts?: Record<string, string>;
}

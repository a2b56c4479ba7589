/** Everything measured at the end of an epoch (one line of `metrics.jsonl` in a directory store). */
export interface EpochMetrics {
  epoch: number;
  phase: 'vanilla' | 'elastic' | 'single';
  lr: number;
  loss: number;
  trainNatural: number;
  trainRobust: number;
  testNatural: number;
  testRobust: number;
  betas: Record<string, number>;
  seconds: number;
}

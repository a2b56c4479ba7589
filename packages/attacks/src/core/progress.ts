/**
 * Progress of a long-running call (`evaluateRobustness`, `epsilonSweep`, `autoAttack`, `runBatched`): `done` of
 * `total` units (samples) finished in the phase named `label` (an attack name, an eps...). Called after each batch;
 * `done === total` ends a phase. Works everywhere: in Node pass `terminalProgress()` from `@edl/attacks/node` for a
 * terminal bar, in a page update the DOM.
 */
export type ProgressCallback = (done: number, total: number, label: string) => void;

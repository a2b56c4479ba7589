export { type ConvGeometry, type ConvOperator, convOperator } from './conv-operator.ts';
export { elasticWeights } from './elastic-weights.ts';
export { type ConvPadding, type ExplicitPadding, resolvePadding, type TfPadding, convOutputSize } from './padding.ts';
export { estimateLipschitz, type LipschitzEstimate, type PowerIterationOptions } from './power-iteration.ts';
export { nonNegativeSoftThreshold, softThreshold } from './shrinkage.ts';

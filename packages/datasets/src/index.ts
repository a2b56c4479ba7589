export { type ArrayBatch, iterateArrayBatches } from './array-batches.ts';
export { cropWithPadding, randomCrop } from './augment/crop-with-padding.ts';
export { cutout, randomCutout } from './augment/cutout.ts';
export { horizontalFlip } from './augment/horizontal-flip.ts';
export type { ImageArray, ImageShape } from './augment/image-shape.ts';
export { type MixupResult, mixupBatch } from './augment/mixup.ts';
export { sampleBeta } from './augment/sample-beta.ts';
export type { AugmentOptions, BatchOptions, NormalizeOptions } from './batch-options.ts';
export { type ChannelStats, computeChannelStats } from './channel-stats.ts';
export {
  CIFAR_PIXEL_BYTES,
  CIFAR_SIDE,
  CIFAR10_CLASSES,
  chwToHwc,
  type ParseCifarBinaryOptions,
  parseCifarBinary,
} from './cifar-binary.ts';
export { concatImageSets } from './concat-image-sets.ts';
export { DatasetError, type DatasetErrorCode } from './dataset-error.ts';
export { type FileTree, memoryFileTree } from './file-tree.ts';
export { createImageSet, type ImageSet, type ImageSetInit, labelHistogram } from './image-set.ts';
export {
  MNIST_ORDER_SEED,
  MNIST_TRAIN_FRACTION,
  type MnistSplit,
  mnistDigitBytes,
  mnistFromDigits,
} from './mnist-digits.ts';
export type { OnError } from './on-error.ts';
export { createRng, type Rng, shuffleInPlace } from './rng.ts';
export { batchToTensors, iterateTensorBatches, type TensorBatch } from './tensor-batches.ts';
export { toChannels } from './to-channels.ts';

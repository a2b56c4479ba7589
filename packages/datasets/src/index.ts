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
  chwToHwc,
  type ParseCifarBinaryOptions,
  parseCifarBinary,
} from './cifar-binary.ts';
export {
  CIFAR10_CLASSES,
  type CifarDirOptions,
  loadCifar10,
  loadCifar100,
  loadCifarBinaryFiles,
} from './cifar-files.ts';
export { concatImageSets } from './concat-image-sets.ts';
export { DATASET_SOURCES, type DatasetName, type DatasetSource } from './dataset-sources.ts';
export { type DecodeEntriesOptions, decodeEntries } from './decode-entries.ts';
export { type DecodedImage, decodeImage } from './decode-image.ts';
export { type DatasetCacheOptions, defaultCacheDir, downloadDataset, locateDataset } from './download-dataset.ts';
export { type DownloadFileOptions, downloadFile, hashFile } from './download-file.ts';
export { extractArchive } from './extract-archive.ts';
export { type FileTree, memoryFileTree, openDirectory } from './file-tree.ts';
export {
  IMAGE_EXTENSIONS,
  type ImageFolderEntry,
  type ImageFolderListing,
  type ImageFolderOptions,
  listImageFolder,
  loadImageFolder,
} from './image-folder.ts';
export { createImageSet, type ImageSet, type ImageSetInit, labelHistogram } from './image-set.ts';
export { loadMnist, MNIST_ORDER_SEED, MNIST_TRAIN_FRACTION, type MnistOptions } from './mnist.ts';
export type { OnError } from './on-error.ts';
export { createRng, type Rng, shuffleInPlace } from './rng.ts';
export { forEachTarEntry, openTarArchive } from './tar-archive.ts';
export { batchToTensors, iterateTensorBatches, type TensorBatch } from './tensor-batches.ts';
export { loadTinyImageNet, TINY_IMAGENET_EXTRA_WNIDS, type TinyImageNetOptions } from './tiny-imagenet.ts';
export { toChannels } from './to-channels.ts';
export { openZipArchive } from './zip-archive.ts';

export { DATASET_SOURCES, type DatasetName, type DatasetSource } from './download/dataset-sources.ts';
export {
  type DatasetCacheOptions,
  defaultCacheDir,
  downloadDataset,
  locateDataset,
} from './download/download-dataset.ts';
export { DEFAULT_IDLE_TIMEOUT_MS, type DownloadFileOptions, downloadFile, hashFile } from './download/download-file.ts';
export { extractArchive } from './files/extract-archive.ts';
export { openDirectory } from './files/open-directory.ts';
export { forEachTarEntry, openTarArchive } from './files/tar-archive.ts';
export { openZipArchive } from './files/zip-archive.ts';
export { type CifarDirOptions, loadCifar10, loadCifar100, loadCifarBinaryFiles } from './formats/cifar-files.ts';
export {
  IMAGE_EXTENSIONS,
  type ImageFolderEntry,
  type ImageFolderListing,
  type ImageFolderOptions,
  listImageFolder,
  loadImageFolder,
} from './formats/image-folder.ts';
export { loadMnist, type MnistOptions } from './formats/mnist.ts';
export { loadTinyImageNet, TINY_IMAGENET_EXTRA_WNIDS, type TinyImageNetOptions } from './formats/tiny-imagenet.ts';
export { type DecodeEntriesOptions, decodeEntries } from './images/decode-entries.ts';
export { DEFAULT_MAX_PIXELS, type DecodedImage, type DecodeImageOptions, decodeImage } from './images/decode-image.ts';

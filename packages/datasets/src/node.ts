export { type CifarDirOptions, loadCifar10, loadCifar100, loadCifarBinaryFiles } from './cifar-files.ts';
export { DATASET_SOURCES, type DatasetName, type DatasetSource } from './dataset-sources.ts';
export { type DecodeEntriesOptions, decodeEntries } from './decode-entries.ts';
export { DEFAULT_MAX_PIXELS, type DecodedImage, type DecodeImageOptions, decodeImage } from './decode-image.ts';
export { type DatasetCacheOptions, defaultCacheDir, downloadDataset, locateDataset } from './download-dataset.ts';
export { DEFAULT_IDLE_TIMEOUT_MS, type DownloadFileOptions, downloadFile, hashFile } from './download-file.ts';
export { extractArchive } from './extract-archive.ts';
export {
  IMAGE_EXTENSIONS,
  type ImageFolderEntry,
  type ImageFolderListing,
  type ImageFolderOptions,
  listImageFolder,
  loadImageFolder,
} from './image-folder.ts';
export { loadMnist, type MnistOptions } from './mnist.ts';
export { openDirectory } from './open-directory.ts';
export { forEachTarEntry, openTarArchive } from './tar-archive.ts';
export { loadTinyImageNet, TINY_IMAGENET_EXTRA_WNIDS, type TinyImageNetOptions } from './tiny-imagenet.ts';
export { openZipArchive } from './zip-archive.ts';

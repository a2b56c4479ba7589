/** Where an archive is downloaded from and how it is checked and unpacked. */
export interface DatasetSource {
  /** Cache folder name (under the cache directory). */
  name: string;
  /** Archive URL. */
  url: string;
  /** Expected lowercase hex SHA-256 of the archive (preferred when known). */
  sha256?: string;
  /** Expected lowercase hex MD5 of the archive (the official checksum of the CIFAR pages). */
  md5?: string;
  /** Archive kind. */
  archive: 'tar.gz' | 'zip';
  /** Folder inside the archive that holds the data (what loaders expect to be pointed at). */
  folder: string;
  /** Archive size in bytes, when known (informational). */
  bytes?: number;
}

/**
 * The official archives (checksums from the dataset pages as quoted by torchvision and Keras; see
 * notes/datasets.md). Use with {@link downloadDataset}; nothing is downloaded unless you call it.
 */
export const DATASET_SOURCES = {
  'cifar-10-binary': {
    name: 'cifar-10-binary',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
    md5: 'c32a1d4ab5d03f1284b67883e8d87530',
    sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
    archive: 'tar.gz',
    folder: 'cifar-10-batches-bin',
    bytes: 170_052_171,
  },
  'cifar-10-python': {
    name: 'cifar-10-python',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz',
    md5: 'c58f30108f718f92721af3b95e74349a',
    sha256: '6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce',
    archive: 'tar.gz',
    folder: 'cifar-10-batches-py',
    bytes: 170_498_071,
  },
  'cifar-100-binary': {
    name: 'cifar-100-binary',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
    md5: '03b5dce01913d631647c71ecec9e9cb8',
    archive: 'tar.gz',
    folder: 'cifar-100-binary',
    bytes: 168_513_733,
  },
  'cifar-100-python': {
    name: 'cifar-100-python',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz',
    md5: 'eb9058c3a382ffc7106e4002c42a8d85',
    sha256: '85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7',
    archive: 'tar.gz',
    folder: 'cifar-100-python',
    bytes: 169_001_437,
  },
  'tiny-imagenet-200': {
    name: 'tiny-imagenet-200',
    url: 'http://cs231n.stanford.edu/tiny-imagenet-200.zip',
    md5: '90528d7ca1a48142e341f4ef8d21d0de',
    archive: 'zip',
    folder: 'tiny-imagenet-200',
    bytes: 248_100_043,
  },
} as const satisfies Record<string, DatasetSource>;

/** Names of the built-in sources. */
export type DatasetName = keyof typeof DATASET_SOURCES;

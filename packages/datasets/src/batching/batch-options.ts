/** Augmentations applied per image (and per batch for mixup), in this order: crop, flip, cutout, mixup. */
export interface AugmentOptions {
  /** Random crop after zero padding by `padding` pixels (CIFAR: 4). */
  crop?: { padding: number };
  /** Horizontal flip with probability 0.5. */
  flip?: boolean;
  /** Cutout with a `size`x`size` square at a uniform random centre (CIFAR-10: 16). */
  cutout?: { size: number };
  /** Mixup with λ ~ Beta(alpha, alpha) per batch; batches then carry soft labels `ySoft`. */
  mixup?: { alpha: number };
}

/** Per-channel normalisation `(x - mean[c]) / std[c]` applied after augmentation. */
export interface NormalizeOptions {
  mean: readonly number[];
  std: readonly number[];
}

/** Options of {@link iterateArrayBatches} and {@link iterateTensorBatches}. */
export interface BatchOptions {
  /** Images per batch (> 0). */
  batchSize: number;
  /** Visit images in a seeded random order (default false: set order). */
  shuffle?: boolean;
  /** Seed of shuffling and augmentation (default 0). Same seed and epoch give identical batches. */
  seed?: number | string;
  /** Epoch number, mixed into the seed so each epoch gets a new order (default 0). */
  epoch?: number;
  /** Drop a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Augmentations (default none). */
  augment?: AugmentOptions;
  /**
   * Optional normalisation. Leave it off when the model feeds `@edl/attacks`: attacks work on inputs in [0, 1]
   * (epsilon is in pixel units), so put normalisation inside the model instead.
   */
  normalize?: NormalizeOptions;
}

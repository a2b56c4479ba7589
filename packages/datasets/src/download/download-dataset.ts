import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DatasetError } from '../core/dataset-error.ts';
import { extractArchive } from '../files/extract-archive.ts';
import { DATASET_SOURCES, type DatasetName, type DatasetSource } from './dataset-sources.ts';
import { downloadFile } from './download-file.ts';

/** Options of {@link downloadDataset} and {@link locateDataset}. */
export interface DatasetCacheOptions {
  /** Cache folder; default `$EDL_DATA_DIR` or `~/.cache/edl-datasets`. */
  cacheDir?: string;
  /** Progress callback for the download. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Give up when the download takes longer than this many ms (default: no limit); see `downloadFile`. */
  timeoutMs?: number;
  /** Give up when no byte arrives for this many ms (default 30 s); see `downloadFile`. */
  idleTimeoutMs?: number;
}

/** The default cache folder: `$EDL_DATA_DIR` or `~/.cache/edl-datasets`. */
export function defaultCacheDir(): string {
  return process.env.EDL_DATA_DIR ?? join(homedir(), '.cache', 'edl-datasets');
}

function resolveSource(source: DatasetName | DatasetSource): DatasetSource {
  if (typeof source !== 'string') return source;
  const s = (DATASET_SOURCES as Record<string, DatasetSource>)[source];
  if (!s)
    throw new DatasetError(
      'invalid-option',
      'name',
      `dataset: unknown name '${source}', expected one of ${Object.keys(DATASET_SOURCES).join(', ')}`,
    );
  return s;
}

function whereToPut(src: DatasetSource, dir: string): string {
  return `Download ${src.url} yourself and extract it into ${dir} so that ${join(dir, src.folder)} exists`;
}

/**
 * The folder of an already downloaded dataset (`<cacheDir>/<name>/<folder>`), without any network access.
 *
 * @param source - a name from {@link DATASET_SOURCES} or a source description.
 * @param options - cacheDir.
 * @returns the data folder, to pass to a loader.
 * @throws when absent, with a message that says where to put the files.
 */
export function locateDataset(source: DatasetName | DatasetSource, options: DatasetCacheOptions = {}): string {
  const src = resolveSource(source);
  const dir = join(options.cacheDir ?? defaultCacheDir(), src.name);
  const data = join(dir, src.folder);
  if (!existsSync(data)) {
    throw new DatasetError(
      'invalid-file',
      'dir',
      `locateDataset: ${src.name} is not in ${dir}. ${whereToPut(src, dir)}, or call downloadDataset().`,
    );
  }
  return data;
}

/**
 * Downloads (only when called, and only if not cached), verifies and extracts an archive into
 * `<cacheDir>/<name>/`, atomically: the archive is checked against its checksum (sha256 and/or md5) before
 * extraction (also against the announced length), an interrupted download resumes with an HTTP Range request, a
 * stalled server is abandoned after `idleTimeoutMs`, and a failed download or extraction leaves nothing but a
 * resumable `.part` file (deleted on checksum mismatch; an archive that does not extract is deleted).
 *
 * @param source - a name from {@link DATASET_SOURCES} or a source description.
 * @param options - cacheDir, onProgress, timeoutMs and idleTimeoutMs.
 * @returns the data folder (`<cacheDir>/<name>/<folder>`).
 * @example
 * const dir = await downloadDataset('cifar-10-binary'); const train = loadCifar10(dir);
 */
export async function downloadDataset(
  source: DatasetName | DatasetSource,
  options: DatasetCacheOptions = {},
): Promise<string> {
  const src = resolveSource(source);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const dir = join(cacheDir, src.name);
  if (existsSync(join(dir, src.folder))) return join(dir, src.folder);
  if (existsSync(dir))
    throw new DatasetError(
      'invalid-state',
      'dir',
      `downloadDataset: ${dir} exists but lacks ${src.folder}; remove it and retry`,
    );
  mkdirSync(cacheDir, { recursive: true });
  const archive = join(cacheDir, `${src.name}.${src.archive}`);
  if (!existsSync(archive)) {
    try {
      await downloadFile(src.url, archive, {
        ...(src.sha256 ? { sha256: src.sha256 } : {}),
        ...(src.md5 ? { md5: src.md5 } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      });
    } catch (e) {
      throw new DatasetError(
        'unsupported',
        'name',
        `downloadDataset: could not download ${src.name}: ${(e as Error).message}. ${whereToPut(src, dir)}.`,
      );
    }
  }
  try {
    await extractArchive(archive, dir, src.archive);
  } catch (e) {
    // A damaged archive (a body cut short without Content-Length or checksum) must not stay under its final name,
    // or every later call would fail the same way without downloading again.
    rmSync(archive, { force: true });
    throw new DatasetError(
      'invalid-file',
      'name',
      `downloadDataset: the archive ${archive} from ${src.url} is damaged (${(e as Error).message}); it was deleted, ` +
        'so the next call downloads it again',
    );
  }
  rmSync(archive, { force: true });
  if (!existsSync(join(dir, src.folder))) {
    rmSync(dir, { recursive: true, force: true });
    throw new DatasetError(
      'invalid-file',
      'name',
      `downloadDataset: ${src.url} does not contain the folder ${src.folder}; nothing was kept`,
    );
  }
  return join(dir, src.folder);
}

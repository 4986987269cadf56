/**
 * Model thumbnails kept in the library, so the model picker shows them offline and the window
 * never loads anything from the network (its CSP allows only the library and itself).
 *
 *   thumbs/models/<model slug>-<16 hex>.webp
 *
 * The hex is the start of sha256(model id, thumbnail asset id): a model whose thumbnail changes
 * upstream gets a new file name, so a cached file is never stale and an unchanged one is never
 * downloaded twice. The files are a cache: any of them can be deleted and comes back on the next
 * refresh of the model list.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import { z } from 'zod';
import type { DownloadOptions } from '../scenario/index';
import { isPartFile, pathExists } from './atomic';
import { absoluteLibraryPath, presetSlug } from './paths';
import { makeThumbnail } from './thumbnails';

export const MODEL_THUMBNAILS_DIR = 'thumbs/models';

/** Past this, the models list answers with what it has; the rest keep their initials until the next refresh. */
const DEFAULT_DEADLINE_MS = 10_000;
/** Downloads at once: a list of a few dozen models finishes in a few round trips without crowding the pipeline's own. */
const DEFAULT_CONCURRENCY = 4;

/** Where a model's thumbnail comes from, as GET /models describes it. */
export interface ModelThumbnailSource {
  modelId: string;
  assetId: string;
  /** Signed and short-lived: used as given, replaced through the asset id when it has expired. */
  url: string;
}

const thumbnailFieldSchema = z.object({ assetId: z.string().min(1), url: z.url() });

/** The model's thumbnail, or null when Scenario lists none (or an unusable one). */
export function modelThumbnailSource(model: { id: string; thumbnail?: unknown }): ModelThumbnailSource | null {
  const parsed = thumbnailFieldSchema.safeParse(model.thumbnail);
  return parsed.success ? { modelId: model.id, assetId: parsed.data.assetId, url: parsed.data.url } : null;
}

export function modelThumbnailRelPath({ modelId, assetId }: Pick<ModelThumbnailSource, 'modelId' | 'assetId'>): string {
  const key = createHash('sha256').update(`${modelId}\n${assetId}`).digest('hex').slice(0, 16);
  return `${MODEL_THUMBNAILS_DIR}/${presetSlug(modelId)}-${key}.webp`;
}

/** The thumbnails already in the library, by model id (what the picker can show offline). */
export async function cachedModelThumbnails(root: string, sources: readonly ModelThumbnailSource[]): Promise<Map<string, string>> {
  const present = await Promise.all(
    sources.map(async (source) => {
      const relPath = modelThumbnailRelPath(source);
      return (await pathExists(absoluteLibraryPath(root, relPath))) ? ([source.modelId, relPath] as const) : null;
    }),
  );
  return new Map(present.filter((entry) => entry !== null));
}

/** What downloads an asset's file (the Scenario client's downloadAsset). */
export interface AssetDownloader {
  downloadAsset(assetId: string, destPath: string, options?: DownloadOptions): Promise<unknown>;
}

export interface CacheModelThumbnailsOptions {
  deadlineMs?: number;
  concurrency?: number;
  /** A thumbnail that could not be fetched or read; its model keeps its initials. */
  onError?: (source: ModelThumbnailSource, error: unknown) => void;
}

/**
 * Brings the library's model thumbnails in line with a fresh model list: each missing one is
 * downloaded (by the engine, never by the window), made a small WebP, and written atomically;
 * files no listed model uses any more are removed. Resolves with the thumbnails now present, by
 * model id. Never rejects for a thumbnail: a failed one is left out and retried next time.
 */
export async function cacheModelThumbnails(
  root: string,
  sources: readonly ModelThumbnailSource[],
  downloader: AssetDownloader,
  options: CacheModelThumbnailsOptions = {},
): Promise<Map<string, string>> {
  const { deadlineMs = DEFAULT_DEADLINE_MS, concurrency = DEFAULT_CONCURRENCY, onError } = options;
  const present = await cachedModelThumbnails(root, sources);
  const missing = sources.filter((source) => !present.has(source.modelId));
  const signal = AbortSignal.timeout(deadlineMs);

  const fetchOne = async (source: ModelThumbnailSource): Promise<void> => {
    const relPath = modelThumbnailRelPath(source);
    // The original goes to the library's scratch folder (same drive), never where the window looks;
    // a name of its own, so two refreshes at once never read each other's half.
    const download = absoluteLibraryPath(root, `tmp/model-thumbnail-${randomBytes(6).toString('hex')}.download`);
    try {
      await downloader.downloadAsset(source.assetId, download, { expectedUrl: source.url, signal });
      await makeThumbnail(download, absoluteLibraryPath(root, relPath));
      present.set(source.modelId, relPath);
    } catch (error) {
      onError?.(source, error);
    } finally {
      await unlink(download).catch(() => undefined);
    }
  };

  const queue = [...missing];
  const worker = async () => {
    for (let source = queue.shift(); source !== undefined && !signal.aborted; source = queue.shift()) await fetchOne(source);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));

  await removeUnused(root, new Set(sources.map(modelThumbnailRelPath)));
  return present;
}

/** Deletes cached thumbnails no listed model points at (a model removed, or its thumbnail replaced). */
async function removeUnused(root: string, wanted: ReadonlySet<string>): Promise<void> {
  const folder = absoluteLibraryPath(root, MODEL_THUMBNAILS_DIR);
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    const relPath = `${MODEL_THUMBNAILS_DIR}/${name}`;
    // A part file belongs to a write in progress; the start-up sweep takes care of abandoned ones.
    if (wanted.has(relPath) || isPartFile(name)) continue;
    await unlink(absoluteLibraryPath(root, relPath)).catch(() => undefined);
  }
}

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Zip, ZipDeflate, ZipPassThrough, strToU8 } from 'fflate';
import type { GalleryFilters, GenerationDetail, Store } from '../store';
import { writeFileAtomic } from './atomic';
import { isErrno, toLibraryError } from './errors';
import { absoluteLibraryPath, imageFileCandidates } from './paths';

/**
 * Exports generations as one zip: `metadata.json` (everything needed to understand and reproduce
 * each generation), `images/` and `controls/` (each control image once).
 *
 * Why fflate's streaming Zip rather than zipSync: a gallery export can hold thousands of images,
 * and streaming keeps one image in memory at a time while the zip goes straight to disk (through
 * the atomic writer, so a failed export never leaves a half zip). Images are PNG/JPEG/WebP, already
 * compressed, so they are stored as-is; only metadata.json is deflated.
 */
export type ExportStore = Pick<Store, 'galleryPage' | 'generationDetail'>;

export const GENERATIONS_EXPORT_FORMAT = 'scenario-hotfolder/generations';

export interface ExportedImage {
  index: number;
  assetId: string | null;
  width: number | null;
  height: number | null;
  /** Path inside the zip; null when the file was missing from the library. */
  file: string | null;
}

export interface ExportedGeneration {
  id: number;
  kind: string;
  state: string;
  parentId: number | null;
  preset: { id: number; name: string; version: number; family: string };
  model: { id: string; name: string | null };
  modality: string;
  prompt: string;
  negativePrompt: string | null;
  seed: string | null;
  /** The request body exactly as it was sent to Scenario. */
  request: unknown;
  jobId: string | null;
  controlAssetId: string | null;
  costCu: number | null;
  simulated: boolean;
  tags: string[];
  timings: { createdAt: string; submittedAt: string | null; finishedAt: string | null; durationMs: number | null };
  input: { fileName: string; sha256: string; width: number | null; height: number | null; file: string | null };
  images: ExportedImage[];
}

export interface ExportReport {
  destination: string;
  generations: number;
  images: number;
  controls: number;
  /** Library rel paths that were expected but not found; their entries have `file: null`. */
  missingFiles: string[];
  /**
   * Of those, images of imported generations not downloaded yet (their full files come on
   * demand): not lost, only not fetched.
   */
  notDownloaded: string[];
  bytes: number;
}

interface ZipEntry {
  name: string;
  bytes: Uint8Array;
  compress: boolean;
}

const PAGE_SIZE = 500;

/** `generations-2025-01-31-142501.zip`, in local time like the library's folders: an export's default name (in `<home>/exports`). */
export function exportFileName(at: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return `generations-${date}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}.zip`;
}

/** The ids a gallery filter (and search) selects, newest first, across all pages. */
export function generationIdsMatching(store: Pick<Store, 'galleryPage'>, query: { filters?: GalleryFilters; search?: string }): number[] {
  const ids: number[] = [];
  let cursor: string | null = null;
  do {
    const page = store.galleryPage({ ...query, cursor, limit: PAGE_SIZE });
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

function isoOrNull(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}

function parseRequest(requestJson: string): unknown {
  try {
    return JSON.parse(requestJson);
  } catch {
    return requestJson;
  }
}

/** Reads the first candidate that exists; undefined when none does. */
async function readFirst(root: string, candidates: readonly string[]): Promise<Uint8Array | undefined> {
  for (const candidate of candidates) {
    try {
      return await readFile(absoluteLibraryPath(root, candidate));
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw toLibraryError(error, 'read', candidate);
    }
  }
  return undefined;
}

/** Zip entry names stay unique even if two library files share a base name. */
function uniqueName(taken: Set<string>, folder: string, relPath: string, id: number): string {
  const base = path.posix.basename(relPath);
  const name = taken.has(`${folder}/${base}`) ? `${folder}/${id}-${base}` : `${folder}/${base}`;
  taken.add(name);
  return name;
}

async function* zipChunks(entries: AsyncIterable<ZipEntry>, modifiedAt: Date): AsyncGenerator<Uint8Array> {
  const ready: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else ready.push(chunk);
  });
  for await (const entry of entries) {
    const file = entry.compress ? new ZipDeflate(entry.name, { level: 6 }) : new ZipPassThrough(entry.name);
    file.mtime = modifiedAt;
    zip.add(file);
    file.push(entry.bytes, true);
    if (failure) throw failure;
    yield* ready.splice(0);
  }
  zip.end();
  if (failure) throw failure;
  yield* ready.splice(0);
}

/** Writes the zip of `generationIds` (in that order) to `destinationPath`. */
export async function exportGenerations(
  root: string,
  store: ExportStore,
  generationIds: readonly number[],
  destinationPath: string,
  options: { appVersion?: string; now?: Date } = {},
): Promise<ExportReport> {
  const now = options.now ?? new Date();
  const details: GenerationDetail[] = generationIds.map((id) => store.generationDetail(id));
  const names = new Set<string>();
  const controlNames = new Map<string, string | null>();
  const missingFiles: string[] = [];
  const notDownloaded: string[] = [];
  const metadata: ExportedGeneration[] = [];
  let imageCount = 0;

  async function* entries(): AsyncGenerator<ZipEntry> {
    for (const { generation, input, presetVersion, images, tags } of details) {
      if (!controlNames.has(input.sha256)) {
        const bytes = await readFirst(root, [input.libraryRelPath]);
        if (bytes === undefined) missingFiles.push(input.libraryRelPath);
        const name = bytes === undefined ? null : uniqueName(names, 'controls', input.libraryRelPath, input.id);
        controlNames.set(input.sha256, name);
        if (bytes !== undefined && name !== null) yield { name, bytes, compress: false };
      }

      const exportedImages: ExportedImage[] = [];
      for (const image of images) {
        const bytes = await readFirst(root, imageFileCandidates(image.relPath, generation.trashBatchId));
        if (bytes === undefined) missingFiles.push(image.relPath);
        if (bytes === undefined && image.missing && generation.origin !== null) notDownloaded.push(image.relPath);
        const name = bytes === undefined ? null : uniqueName(names, 'images', image.relPath, image.id);
        exportedImages.push({ index: image.idx, assetId: image.assetId, width: image.width, height: image.height, file: name });
        if (bytes !== undefined && name !== null) {
          imageCount += 1;
          yield { name, bytes, compress: false };
        }
      }

      metadata.push({
        id: generation.id,
        kind: generation.kind,
        state: generation.state,
        parentId: generation.parentId,
        preset: { id: presetVersion.presetId, name: presetVersion.name, version: presetVersion.version, family: presetVersion.family },
        model: { id: generation.modelId, name: generation.modelName },
        modality: generation.modality,
        prompt: generation.prompt,
        negativePrompt: generation.negativePrompt,
        seed: generation.seed,
        request: parseRequest(generation.requestJson),
        jobId: generation.jobId,
        controlAssetId: generation.imageAssetId,
        costCu: generation.costCu,
        simulated: generation.simulated,
        tags,
        timings: {
          createdAt: new Date(generation.createdAt).toISOString(),
          submittedAt: isoOrNull(generation.submittedAt),
          finishedAt: isoOrNull(generation.finishedAt),
          durationMs: generation.finishedAt === null ? null : generation.finishedAt - generation.createdAt,
        },
        input: { fileName: input.fileName, sha256: input.sha256, width: input.width, height: input.height, file: controlNames.get(input.sha256) ?? null },
        images: exportedImages,
      });
    }
    const document = {
      format: GENERATIONS_EXPORT_FORMAT,
      formatVersion: 1,
      exportedAt: now.toISOString(),
      appVersion: options.appVersion ?? null,
      generations: metadata,
    };
    yield { name: 'metadata.json', bytes: strToU8(JSON.stringify(document, null, 2)), compress: true };
  }

  await writeFileAtomic(destinationPath, zipChunks(entries(), now));
  const { size } = await stat(destinationPath);
  return {
    destination: destinationPath,
    generations: details.length,
    images: imageCount,
    controls: [...controlNames.values()].filter((name) => name !== null).length,
    missingFiles,
    notDownloaded,
    bytes: size,
  };
}

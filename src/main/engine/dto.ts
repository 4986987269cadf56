/**
 * Store rows → the contract's DTOs, and the contract's inputs → store arguments. The store keys
 * rows by integer and keeps times as epoch milliseconds; the contract speaks string ids and ISO
 * times so it stays the same over structured clone and JSON. Every conversion lives here.
 */
import type {
  ControlImage,
  Folder,
  FolderOptions as ContractFolderOptions,
  GenerationDetail as ContractGenerationDetail,
  GenerationFacets,
  GenerationFilters,
  GenerationImage,
  GenerationSummary as ContractGenerationSummary,
  PresetDetail,
  PresetSummary,
  PresetVersionDetail,
  RelatedGeneration,
} from '../../shared/ipc/contract';
import { anyPresetSchema } from '../../shared/ipc/contract';
import { isCustomPresetDocument } from '../../shared/model-inputs/index';
import { MODEL_FAMILIES, type FieldIssue, type ModelFamily } from '../../shared/preset/index';
import type {
  FacetCount,
  FacetCounts,
  FolderOptions,
  GalleryFilters,
  GalleryImage,
  GalleryItem,
  GenerationDetail,
  GenerationSummary,
  Image,
  Input,
  Preset,
  PresetVersion,
  WatchedFolder,
} from '../store/index';
import type { PresetVersionUse } from '../store/repositories/presets';
import type { IpcErrorData } from '../../shared/ipc/errors';
import { HandlerError } from './handlers-context';

const ROW_ID = /^[1-9][0-9]{0,15}$/;

/** A contract id → a store row id. An id that cannot be a row is "no longer exists", like a deleted one. */
export function rowId(id: string, what: string): number {
  const value = ROW_ID.test(id) ? Number(id) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new HandlerError('not-found', `This ${what} no longer exists. Reload the window.`);
  return value;
}

export function iso(time: number): string {
  return new Date(time).toISOString();
}

export function isoOrNull(time: number | null): string | null {
  return time === null ? null : iso(time);
}

function epoch(time: string, field: string): number {
  const value = Date.parse(time);
  if (Number.isNaN(value)) throw new HandlerError('invalid-input', `The ${field} date "${time}" is not a date. Pick the date again.`);
  return value;
}

export function asModelFamily(family: string): ModelFamily | null {
  return MODEL_FAMILIES.find((known) => known === family) ?? null;
}

/** What the store keeps as a preset version's family when the model's family is not known (offline). */
export const UNKNOWN_FAMILY = 'unknown';

// ---------------------------------------------------------------- presets

export function presetSummary(preset: Preset, counts: { folderCount: number; generationCount: number }, issues: readonly FieldIssue[]): PresetSummary {
  const { currentVersion } = preset;
  const document = anyPresetSchema.parse(currentVersion.preset);
  const custom = isCustomPresetDocument(document);
  return {
    id: String(preset.id),
    name: preset.name,
    modelId: document.modelId,
    family: asModelFamily(currentVersion.family),
    custom,
    modality: modalityOf(document),
    version: currentVersion.version,
    updatedAt: iso(currentVersion.createdAt),
    folderCount: counts.folderCount,
    generationCount: counts.generationCount,
    issues: [...issues],
  };
}

/** A ControlNet preset's modality, or a custom model's control modality when it has one. */
function modalityOf(document: Record<string, unknown>): string {
  const value = document.modality ?? document.controlModality;
  return typeof value === 'string' ? value : '';
}

/** `useCounts`: live generations per version row id (versions without any are left out). */
export function presetDetail(
  preset: Preset,
  versions: readonly PresetVersion[],
  folders: readonly WatchedFolder[],
  useCounts: ReadonlyMap<number, number>,
  inputsChanges: readonly string[] = [],
): PresetDetail {
  return {
    id: String(preset.id),
    version: preset.currentVersion.version,
    createdAt: iso(preset.createdAt),
    updatedAt: iso(preset.currentVersion.createdAt),
    preset: anyPresetSchema.parse(preset.currentVersion.preset),
    ...(inputsChanges.length === 0 ? {} : { inputsChanges: [...inputsChanges] }),
    versions: versions.map((version) => ({ version: version.version, createdAt: iso(version.createdAt), generationCount: useCounts.get(version.id) ?? 0 })),
    folders: folders.filter((folder) => folder.presetIds.includes(preset.id)).map((folder) => ({ id: String(folder.id), path: folder.path })),
  };
}

export function presetVersionDetail(
  preset: Preset,
  version: PresetVersion,
  uses: { count: number; newest: readonly PresetVersionUse[] },
): PresetVersionDetail {
  return {
    presetId: String(preset.id),
    version: version.version,
    createdAt: iso(version.createdAt),
    current: version.id === preset.currentVersion.id,
    preset: asRecord(version.preset),
    generationCount: uses.count,
    generations: uses.newest.map((use) => ({
      id: String(use.id),
      kind: use.kind,
      state: use.state,
      seed: use.seed,
      createdAt: iso(use.createdAt),
      inputName: use.inputFileName,
      cover: use.firstImage === null ? null : galleryImage(use.firstImage),
    })),
  };
}

// ---------------------------------------------------------------- folders

/** How a folder's watcher is doing, as the engine sees it. */
export interface FolderWatchState {
  state: 'watching' | 'missing' | 'error';
  message: string | null;
}

export function folderDto(folder: WatchedFolder, watch: FolderWatchState, pendingCount: number): Folder {
  return {
    id: String(folder.id),
    path: folder.path,
    presetIds: folder.presetIds.map(String),
    options: {
      recursive: folder.options.recursive,
      extensions: folder.options.acceptedExtensions.map((extension) => extension.replace(/^\./, '')),
      processedAction: folder.options.processedAction,
      allowDuplicates: folder.options.allowDuplicates,
      mapFirst: folder.options.mapFirst,
    },
    state: folder.paused ? 'paused' : watch.state,
    message: folder.paused ? null : watch.message,
    pendingCount,
  };
}

/** The contract's options (extensions without the dot, any case) → the store's. */
export function folderOptions(options: Partial<ContractFolderOptions>): Partial<FolderOptions> {
  const { extensions, ...rest } = options;
  if (extensions === undefined) return rest;
  const acceptedExtensions = [...new Set(extensions.map((extension) => `.${extension.trim().replace(/^\./, '').toLowerCase()}`))];
  return { ...rest, acceptedExtensions };
}

// ---------------------------------------------------------------- generations

export function galleryFilters(filters: GenerationFilters | undefined): GalleryFilters | undefined {
  if (filters === undefined) return undefined;
  const { presetId, folderId, createdFrom, createdBefore, ...same } = filters;
  return {
    ...same,
    ...(presetId === undefined ? {} : { presetId: rowId(presetId, 'preset') }),
    ...(folderId === undefined ? {} : { folderId: rowId(folderId, 'folder') }),
    ...(createdFrom === undefined ? {} : { createdFrom: epoch(createdFrom, 'from') }),
    ...(createdBefore === undefined ? {} : { createdBefore: epoch(createdBefore, 'until') }),
  };
}

/** Its file is not here but its thumbnail is: an import whose full file comes on demand (sync/images.ts). */
function thumbnailOnly(image: { missing: boolean; thumbRelPath: string | null }): boolean {
  return image.missing && image.thumbRelPath !== null;
}

function galleryImage(image: GalleryImage): GenerationImage {
  return { id: String(image.id), relPath: image.relPath, thumbRelPath: image.thumbRelPath, width: image.width, height: image.height, assetId: null, missing: image.missing, thumbnailOnly: thumbnailOnly(image) };
}

export function storedImage(image: Image): GenerationImage {
  return { id: String(image.id), relPath: image.relPath, thumbRelPath: image.thumbRelPath, width: image.width, height: image.height, assetId: image.assetId, missing: image.missing, thumbnailOnly: thumbnailOnly(image) };
}

export function generationSummary(item: GalleryItem): ContractGenerationSummary {
  return {
    id: String(item.id),
    kind: item.kind,
    state: item.state,
    presetId: String(item.presetId),
    presetName: item.presetName,
    folderId: item.folderId === null ? null : String(item.folderId),
    inputName: item.inputFileName,
    prompt: item.prompt,
    modelId: item.modelId,
    modelName: item.modelName,
    family: item.family,
    modality: item.modality,
    cover: item.firstImage === null ? null : galleryImage(item.firstImage),
    control: controlImage(item.control),
    error: generationError(item),
    imageCount: item.imageCount,
    favourite: item.favourite,
    rating: item.rating,
    tags: item.tags,
    creativeUnitsCost: item.costCu,
    simulated: item.simulated,
    origin: item.origin,
    author: item.authorId,
    createdAt: iso(item.createdAt),
    parentId: item.parentId === null ? null : String(item.parentId),
    stackSize: item.stackSize,
  };
}

function related(summary: GenerationSummary): RelatedGeneration {
  return {
    id: String(summary.id),
    kind: summary.kind,
    state: summary.state,
    seed: summary.seed,
    createdAt: iso(summary.createdAt),
    cover: summary.firstImage === null ? null : galleryImage(summary.firstImage),
  };
}

function parsedObject(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // A row written by hand or by a broken version: shown as empty rather than failing the panel.
  }
  return {};
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The generation as one summary, for events, from the same detail the panel reads. */
export function summaryOfDetail(detail: GenerationDetail): ContractGenerationSummary {
  const { generation, input, presetVersion, images } = detail;
  const cover = images[0];
  return {
    id: String(generation.id),
    kind: generation.kind,
    state: generation.state,
    presetId: String(presetVersion.presetId),
    presetName: presetVersion.name,
    folderId: generation.folderId === null ? null : String(generation.folderId),
    inputName: input.fileName,
    prompt: generation.prompt,
    modelId: generation.modelId,
    modelName: generation.modelName,
    family: generation.family,
    modality: generation.modality,
    cover: cover === undefined ? null : storedImage(cover),
    control: controlImage({ relPath: input.libraryRelPath, width: input.width, height: input.height }),
    error: generationError(generation),
    imageCount: images.length,
    favourite: generation.favourite,
    rating: generation.rating,
    tags: detail.tags,
    creativeUnitsCost: generation.costCu,
    simulated: generation.simulated,
    origin: generation.origin,
    author: generation.authorId,
    createdAt: iso(generation.createdAt),
  };
}

/** Why a generation failed or was canceled, or null when nothing went wrong. */
function generationError({ errorCode, errorMessage }: { errorCode: string | null; errorMessage: string | null }): IpcErrorData | null {
  if (errorCode === null && errorMessage === null) return null;
  return { code: errorCode ?? 'generation.failed', userMessage: errorMessage ?? 'This generation failed. Retry it from the queue.' };
}

/** A control image's library copy with its size, or null when the file was refused before it was copied (stored as ''). */
function controlImage(control: { relPath: string; width: number | null; height: number | null }): ControlImage | null {
  return control.relPath === '' ? null : { relPath: control.relPath, width: positiveOrNull(control.width), height: positiveOrNull(control.height) };
}

const positiveOrNull = (value: number | null) => (value !== null && value > 0 ? value : null);

/** The library copy of a control image, or null when the file was refused before it was copied (stored as ''). */
export function controlCopyRelPath(input: Input): string | null {
  return input.libraryRelPath === '' ? null : input.libraryRelPath;
}

/** `controlCopyPresent`: the handler looked, and the control image's library copy is on disk. */
export function generationDetailDto(detail: GenerationDetail, { controlCopyPresent, photo = null }: { controlCopyPresent: boolean; photo?: Input | null }): ContractGenerationDetail {
  const { generation, input, presetVersion } = detail;
  const relPath = controlCopyRelPath(input);
  return {
    ...summaryOfDetail(detail),
    presetVersion: presetVersion.version,
    preset: asRecord(presetVersion.preset),
    request: parsedObject(generation.requestJson),
    seed: generation.seed,
    negativePrompt: generation.negativePrompt,
    ...(generation.overrides === null
      ? {}
      : { overrides: Object.entries(generation.overrides).map(([field, used]) => ({ field, preset: asRecord(presetVersion.preset)[field] ?? null, used })) }),
    images: detail.images.map(storedImage),
    input: {
      relPath,
      missing: relPath === null || !controlCopyPresent,
      name: input.fileName,
      originalPath: input.originalPath,
      sha256: input.sha256,
      width: input.width,
      height: input.height,
      ...(photo === null || input.mapModality === null ? {} : { madeFrom: { modality: input.mapModality, photoName: photo.fileName, photoPath: photo.originalPath, photoSha256: photo.sha256 } }),
    },
    jobId: generation.jobId,
    imageAssetId: generation.imageAssetId,
    submittedAt: isoOrNull(generation.submittedAt),
    finishedAt: isoOrNull(generation.finishedAt),
    error: generationError(generation),
    parent: detail.parent === null ? null : related(detail.parent),
    children: detail.children.map(related),
    notReproducible: generation.notReproducible,
  };
}

function idFacet(facets: readonly FacetCount<number>[]): FacetCount<string>[] {
  return facets.map((facet) => ({ ...facet, value: String(facet.value) }));
}

export function facetsDto(facets: FacetCounts): GenerationFacets {
  return { ...facets, presets: idFacet(facets.presets), folders: idFacet(facets.folders) };
}

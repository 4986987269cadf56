import type { MapModality } from '../../shared/detect';
/** What the store's API returns. Times are milliseconds since the epoch (UTC). */
import type { GenerationKind, GenerationState } from '../../shared/generation';

export { GENERATION_KINDS, GENERATION_STATES } from '../../shared/generation';
export type { GenerationKind, GenerationState } from '../../shared/generation';

export interface DryRunCost {
  costCu: number;
  checkedAt: number;
}

export interface PresetVersion {
  id: number;
  presetId: number;
  /** 1, 2, 3... within its preset. */
  version: number;
  name: string;
  family: string;
  /** The preset document as saved; its schema belongs to src/shared/preset. */
  preset: unknown;
  createdAt: number;
  dryRunCost: DryRunCost | null;
}

export interface Preset {
  id: number;
  name: string;
  createdAt: number;
  archivedAt: number | null;
  currentVersion: PresetVersion;
}

export interface FolderOptions {
  recursive: boolean;
  /** Lower-case, with the dot: ['.png', '.jpg']. */
  acceptedExtensions: string[];
  processedAction: 'leave' | 'move';
  allowDuplicates: boolean;
  /** "Make a <modality> map first": dropped photos go through Scenario's detection, and the map is generated from. */
  mapFirst: MapModality | null;
}

export interface WatchedFolder {
  id: number;
  path: string;
  options: FolderOptions;
  presetIds: number[];
  paused: boolean;
  createdAt: number;
}

export interface Input {
  id: number;
  sha256: string;
  originalPath: string;
  fileName: string;
  libraryRelPath: string;
  bytes: number;
  width: number | null;
  height: number | null;
  format: string | null;
  createdAt: number;
  /** For a control map made from a photo: the photo's input, and the modality the map shows. */
  sourceInputId: number | null;
  mapModality: string | null;
}

export interface Generation {
  id: number;
  inputId: number;
  presetVersionId: number;
  folderId: number | null;
  kind: GenerationKind;
  parentId: number | null;
  /** The canonical request body exactly as sent. */
  requestJson: string;
  seed: string | null;
  modelId: string;
  modelName: string | null;
  family: string;
  modality: string;
  prompt: string;
  negativePrompt: string | null;
  /** Preset fields this file's sidecars changed (already in the request), or null. */
  overrides: Record<string, unknown> | null;
  state: GenerationState;
  stateChangedAt: number;
  createdAt: number;
  submittedAt: number | null;
  finishedAt: number | null;
  imageAssetId: string | null;
  jobId: string | null;
  costCu: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  simulated: boolean;
  submitAttempts: number;
  favourite: boolean;
  rating: number;
  deletedAt: number | null;
  trashBatchId: number | null;
  /** Null when this library made it; else where Scenario's job came from (imported by sync). */
  origin: GenerationOrigin | null;
  /** Scenario's author id of an imported job. */
  authorId: string | null;
  /** Why an imported job cannot be sent again through this app's endpoints; null when it can. */
  notReproducible: string | null;
  /** When Scenario made an imported job (createdAt is when it arrived here). */
  remoteCreatedAt: number | null;
  /** When this library learned that every asset of it was deleted at Scenario; null while any is there. */
  deletedInScenarioAt: number | null;
}

/** Where an imported generation was made: a complete body as this app sends, or Scenario's web app or a plugin (the API does not tell them apart). */
export type GenerationOrigin = 'another-machine' | 'web-app-or-plugin';

export interface Image {
  id: number;
  generationId: number;
  assetId: string | null;
  idx: number;
  relPath: string;
  thumbRelPath: string | null;
  width: number | null;
  height: number | null;
  bytes: number | null;
  sha256: string | null;
  missing: boolean;
  createdAt: number;
}

export interface Tag {
  id: number;
  name: string;
  /** Live (not trashed) generations carrying the tag. */
  count: number;
}

export interface GalleryFilters {
  presetId?: number;
  modelId?: string;
  family?: string;
  modality?: string;
  folderId?: number;
  states?: GenerationState[];
  /** Inclusive lower and exclusive upper bound on created_at. */
  createdFrom?: number;
  createdBefore?: number;
  favourite?: boolean;
  minRating?: number;
  tag?: string;
  /** Show the trash instead of the live library. */
  trashed?: boolean;
  /** Generations with an image in this Scenario collection. */
  collectionId?: string;
  /** Only those made here (false) or only those imported from Scenario (true). */
  imported?: boolean;
}

export interface GalleryQuery {
  filters?: GalleryFilters;
  /** Free text as typed by the person; made safe before it reaches FTS5. */
  search?: string;
  /** From the previous page's nextCursor. */
  cursor?: string | null;
  limit: number;
  /**
   * Reproductions and variations stacked under the generation they came from: a live
   * generation made from another live one is left out (its parent's stackSize counts it).
   */
  stacked?: boolean;
}

export interface GalleryImage {
  id: number;
  relPath: string;
  thumbRelPath: string | null;
  missing: boolean;
  width: number | null;
  height: number | null;
}

export interface GalleryItem {
  id: number;
  createdAt: number;
  state: GenerationState;
  kind: GenerationKind;
  prompt: string;
  modelId: string;
  modelName: string | null;
  family: string;
  modality: string;
  presetId: number;
  presetName: string;
  folderId: number | null;
  inputFileName: string;
  favourite: boolean;
  rating: number;
  simulated: boolean;
  costCu: number | null;
  imageCount: number;
  firstImage: GalleryImage | null;
  origin: GenerationOrigin | null;
  authorId: string | null;
  /** Every asset of it was deleted at Scenario (by anyone): its files here stay. */
  deletedInScenario: boolean;
  /** The control image's library copy ('' when the file was refused before it was copied) and its size. */
  control: { relPath: string; width: number | null; height: number | null };
  errorCode: string | null;
  errorMessage: string | null;
  /** Alphabetical. */
  tags: string[];
  /** The generation it reproduces or varies, if any. */
  parentId: number | null;
  /** Its live reproductions and variations. */
  stackSize: number;
}

export interface GalleryPage {
  items: GalleryItem[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export interface FacetCount<K> {
  value: K;
  label: string;
  count: number;
}

export interface FacetCounts {
  total: number;
  presets: FacetCount<number>[];
  models: FacetCount<string>[];
  families: FacetCount<string>[];
  modalities: FacetCount<string>[];
  folders: FacetCount<number>[];
  states: FacetCount<GenerationState>[];
  tags: FacetCount<string>[];
  favourites: number;
}

export interface GenerationSummary {
  id: number;
  kind: GenerationKind;
  state: GenerationState;
  seed: string | null;
  createdAt: number;
  /** Its first output, null while it has none. */
  firstImage: GalleryImage | null;
}

export interface GenerationDetail {
  generation: Generation;
  input: Input;
  presetVersion: PresetVersion;
  images: Image[];
  parent: GenerationSummary | null;
  children: GenerationSummary[];
  tags: string[];
}

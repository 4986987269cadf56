import type { GenerationOrigin, GenerationState, GenerationSummary } from '../../shared/ipc/contract';

/**
 * What the gallery keeps per generation: only what a tile, the lightbox and the filters need.
 * A history of 100,000 generations stays a few tens of megabytes this way; the full record
 * (request, history, preset snapshot) is fetched on demand by the detail panel.
 */
export interface GalleryItem {
  id: string;
  state: GenerationState;
  presetName: string;
  modelLabel: string;
  modality: string;
  inputName: string;
  /** The first output, or null while nothing has been downloaded. */
  imageRelPath: string | null;
  thumbRelPath: string | null;
  /** The output file is gone from disk: the tile shows a placeholder without asking for it. */
  imageMissing: boolean;
  /** Only the output's thumbnail is here (a team member's, its full file on demand): the tile shows the thumbnail. */
  thumbnailOnly: boolean;
  /** The control image's library copy: the tile shows it until an output exists (running, failed). */
  controlRelPath: string | null;
  /** Width over height of what the tile shows (its first output, else its control image): the grid keeps it. */
  aspect: number;
  /** Why it failed or was canceled, in the engine's words. */
  errorMessage: string | null;
  imageCount: number;
  favourite: boolean;
  rating: number;
  /** Alphabetical, as the engine sends them. */
  tags: string[];
  simulated: boolean;
  /** Imported from the team's Scenario history: where it was made, and by whom. */
  origin: GenerationOrigin | null;
  author: string | null;
  createdAt: string;
  /** Local calendar day (YYYY-MM-DD), the gallery's grouping key. */
  day: string;
  /** Shortened: tiles show it as a tooltip, the detail panel shows the full text. */
  promptPreview: string;
  /** The generation it reproduces or varies. */
  parentId: string | null;
  /** Its live reproductions and variations: its stack when the grid stacks them. */
  stackSize: number;
}

const PROMPT_PREVIEW_LENGTH = 160;

export function toGalleryItem(summary: GenerationSummary): GalleryItem {
  const cover = summary.cover;
  return {
    id: summary.id,
    state: summary.state,
    presetName: summary.presetName,
    modelLabel: summary.modelName ?? summary.modelId,
    modality: summary.modality,
    inputName: summary.inputName,
    imageRelPath: cover?.relPath ?? null,
    thumbRelPath: cover ? (cover.thumbRelPath ?? cover.relPath) : null,
    imageMissing: cover?.missing ?? false,
    thumbnailOnly: cover?.thumbnailOnly ?? false,
    controlRelPath: summary.control?.relPath ?? null,
    aspect: aspectOf(cover) ?? aspectOf(summary.control) ?? 1,
    errorMessage: summary.error?.userMessage ?? null,
    imageCount: summary.imageCount,
    favourite: summary.favourite,
    rating: summary.rating,
    tags: summary.tags,
    simulated: summary.simulated,
    origin: summary.origin,
    author: summary.author,
    createdAt: summary.createdAt,
    day: localDay(summary.createdAt),
    promptPreview: summary.prompt.length > PROMPT_PREVIEW_LENGTH ? `${summary.prompt.slice(0, PROMPT_PREVIEW_LENGTH)}…` : summary.prompt,
    parentId: summary.parentId ?? null,
    stackSize: summary.stackSize ?? 0,
  };
}

/** Tiles stay between a tall portrait and a panorama, so one odd file does not break a row. */
const ASPECT_RANGE = { min: 0.4, max: 2.5 };

function aspectOf(image: { width: number | null; height: number | null } | null | undefined): number | null {
  if (!image?.width || !image.height) return null;
  return Math.min(ASPECT_RANGE.max, Math.max(ASPECT_RANGE.min, image.width / image.height));
}

export function localDay(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'unknown';
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

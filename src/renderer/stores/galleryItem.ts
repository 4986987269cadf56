import type { GenerationState, GenerationSummary } from '../../shared/ipc/contract';

/**
 * What the gallery keeps per generation: only what a tile, the lightbox and the filters need.
 * A history of 100,000 generations stays a few tens of megabytes this way; the full record
 * (request, history, preset snapshot) is fetched on demand by the detail panel.
 */
export interface GalleryItem {
  id: string;
  state: GenerationState;
  presetName: string;
  modelId: string;
  modality: string;
  inputRelPath: string;
  inputName: string;
  /** The first output, or null while nothing has been downloaded. */
  imageRelPath: string | null;
  thumbRelPath: string | null;
  imageCount: number;
  favourite: boolean;
  rating: number;
  tags: string[];
  seed: string | null;
  createdAt: string;
  /** Local calendar day (YYYY-MM-DD), the gallery's grouping key. */
  day: string;
  errorMessage: string | null;
  /** Shortened: tiles show it as a tooltip, the detail panel shows the full text. */
  promptPreview: string;
}

const PROMPT_PREVIEW_LENGTH = 160;

export function toGalleryItem(summary: GenerationSummary): GalleryItem {
  const first = summary.images[0];
  return {
    id: summary.id,
    state: summary.state,
    presetName: summary.presetName,
    modelId: summary.modelId,
    modality: summary.modality,
    inputRelPath: summary.inputRelPath,
    inputName: summary.inputName,
    imageRelPath: first?.relPath ?? null,
    thumbRelPath: first?.thumbRelPath ?? first?.relPath ?? null,
    imageCount: summary.images.length,
    favourite: summary.favourite,
    rating: summary.rating,
    tags: summary.tags,
    seed: summary.seed,
    createdAt: summary.createdAt,
    day: localDay(summary.createdAt),
    errorMessage: summary.error?.userMessage ?? null,
    promptPreview: summary.prompt.length > PROMPT_PREVIEW_LENGTH ? `${summary.prompt.slice(0, PROMPT_PREVIEW_LENGTH)}…` : summary.prompt,
  };
}

export function localDay(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'unknown';
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

/** Snake_case rows as SQLite returns them, and their mapping to the API's types. */
import type { GalleryImage, Generation, GenerationKind, GenerationOrigin, GenerationState, Image, Input, PresetVersion } from './types';

export interface PresetVersionRow {
  id: number;
  preset_id: number;
  version: number;
  name: string;
  family: string;
  preset_json: string;
  created_at: number;
  dry_run_cost_cu: number | null;
  dry_run_checked_at: number | null;
}

export function toPresetVersion(row: PresetVersionRow): PresetVersion {
  return {
    id: row.id,
    presetId: row.preset_id,
    version: row.version,
    name: row.name,
    family: row.family,
    preset: JSON.parse(row.preset_json) as unknown,
    createdAt: row.created_at,
    dryRunCost:
      row.dry_run_cost_cu === null || row.dry_run_checked_at === null
        ? null
        : { costCu: row.dry_run_cost_cu, checkedAt: row.dry_run_checked_at },
  };
}

export interface InputRow {
  id: number;
  sha256: string;
  original_path: string;
  file_name: string;
  library_rel_path: string;
  bytes: number;
  width: number | null;
  height: number | null;
  format: string | null;
  created_at: number;
  source_input_id: number | null;
  map_modality: string | null;
}

export function toInput(row: InputRow): Input {
  return {
    id: row.id,
    sha256: row.sha256,
    originalPath: row.original_path,
    fileName: row.file_name,
    libraryRelPath: row.library_rel_path,
    bytes: row.bytes,
    width: row.width,
    height: row.height,
    format: row.format,
    createdAt: row.created_at,
    sourceInputId: row.source_input_id,
    mapModality: row.map_modality,
  };
}

export interface GenerationRow {
  id: number;
  input_id: number;
  preset_version_id: number;
  folder_id: number | null;
  kind: GenerationKind;
  parent_id: number | null;
  request_json: string;
  seed: string | null;
  model_id: string;
  model_name: string | null;
  family: string;
  modality: string;
  prompt: string;
  negative_prompt: string | null;
  overrides_json: string | null;
  state: GenerationState;
  state_changed_at: number;
  created_at: number;
  submitted_at: number | null;
  finished_at: number | null;
  image_asset_id: string | null;
  job_id: string | null;
  cost_cu: number | null;
  error_code: string | null;
  error_message: string | null;
  simulated: number;
  submit_attempts: number;
  favourite: number;
  rating: number;
  deleted_at: number | null;
  trash_batch_id: number | null;
  origin: GenerationOrigin | null;
  author_id: string | null;
  not_reproducible: string | null;
  remote_created_at: number | null;
}

export function toGeneration(row: GenerationRow): Generation {
  return {
    id: row.id,
    inputId: row.input_id,
    presetVersionId: row.preset_version_id,
    folderId: row.folder_id,
    kind: row.kind,
    parentId: row.parent_id,
    requestJson: row.request_json,
    seed: row.seed,
    modelId: row.model_id,
    modelName: row.model_name,
    family: row.family,
    modality: row.modality,
    prompt: row.prompt,
    negativePrompt: row.negative_prompt,
    overrides: row.overrides_json === null ? null : (JSON.parse(row.overrides_json) as Record<string, unknown>),
    state: row.state,
    stateChangedAt: row.state_changed_at,
    createdAt: row.created_at,
    submittedAt: row.submitted_at,
    finishedAt: row.finished_at,
    imageAssetId: row.image_asset_id,
    jobId: row.job_id,
    costCu: row.cost_cu,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    simulated: row.simulated === 1,
    submitAttempts: row.submit_attempts,
    favourite: row.favourite === 1,
    rating: row.rating,
    deletedAt: row.deleted_at,
    trashBatchId: row.trash_batch_id,
    origin: row.origin,
    authorId: row.author_id,
    notReproducible: row.not_reproducible,
    remoteCreatedAt: row.remote_created_at,
  };
}

export interface ImageRow {
  id: number;
  generation_id: number;
  asset_id: string | null;
  idx: number;
  rel_path: string;
  thumb_rel_path: string | null;
  width: number | null;
  height: number | null;
  bytes: number | null;
  sha256: string | null;
  missing: number;
  created_at: number;
}

export function toImage(row: ImageRow): Image {
  return {
    id: row.id,
    generationId: row.generation_id,
    assetId: row.asset_id,
    idx: row.idx,
    relPath: row.rel_path,
    thumbRelPath: row.thumb_rel_path,
    width: row.width,
    height: row.height,
    bytes: row.bytes,
    sha256: row.sha256,
    missing: row.missing === 1,
    createdAt: row.created_at,
  };
}


/** The first-image columns a gallery or version-history query joins (`fi.* AS image_*`). */
export interface FirstImageColumns {
  image_id: number | null;
  image_rel_path: string | null;
  image_thumb_rel_path: string | null;
  image_missing: number | null;
  image_width: number | null;
  image_height: number | null;
}

/** A row's first output, or null while the generation has none. */
export function toFirstImage(row: FirstImageColumns): GalleryImage | null {
  if (row.image_id === null || row.image_rel_path === null) return null;
  return {
    id: row.image_id,
    relPath: row.image_rel_path,
    thumbRelPath: row.image_thumb_rel_path,
    missing: row.image_missing === 1,
    width: row.image_width,
    height: row.image_height,
  };
}

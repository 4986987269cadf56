/**
 * The simulator's in-memory world: assets, jobs and uploads. Job status is derived from the
 * clock (queued → in-progress with rising progress → success), so a suspended server resumes
 * with jobs that kept running, as Scenario's would.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { RenderRecipe } from './images';

export interface StoredAsset {
  id: string;
  name: string;
  createdAt: string;
  mimeType: string;
  width: number;
  height: number;
  size: number;
  /** `uploaded` for a client's control map, `inference-controlnet` for a generated image. */
  type: 'uploaded' | 'inference-controlnet';
  /** Uploaded bytes, or the recipe that renders the same bytes again on demand. */
  content: { bytes: Buffer } | { recipe: RenderRecipe };
  jobId?: string;
  inferenceId?: string;
  modelId?: string;
  outputIndex?: number;
  /** Generation parameters copied into metadata for generated images. */
  parameters?: Record<string, unknown>;
  /** The team member who made it. */
  authorId: string;
  /** Changed by tags and collections; `updatedAfter` listings follow it. */
  updatedAt: string;
  tags: string[];
  collectionIds: string[];
  /** Lineage: the asset this one was made from, and the first of that chain. */
  parentId?: string;
  rootParentId?: string;
  /** Scenario offered no thumbnail of this generated image (a seeded history asked for such). */
  withoutThumbnail?: boolean;
}

/** A generated image is offered at thumbnail size too, unless it was made without one. */
export function offersThumbnail(asset: StoredAsset): boolean {
  return asset.type === 'inference-controlnet' && asset.withoutThumbnail !== true;
}

export type JobStatus = 'queued' | 'in-progress' | 'finalizing' | 'success' | 'failure' | 'canceled';

export interface StoredJob {
  jobId: string;
  /** The team member whose key sent it. */
  authorId: string;
  /** `inference` for /generate/controlnet, `custom` for /generate/custom/{modelId}. */
  jobType: 'inference' | 'custom' | 'detection';
  inferenceId: string;
  createdAtMs: number;
  /** Time from creation to the end of work, fixed when the job is created. */
  latencyMs: number;
  input: Record<string, unknown>;
  /** Set when a `fail` fault was injected: the job ends in failure with this reason. */
  failReason: string | undefined;
  canceledAtMs: number | undefined;
  /** Set when every output was rendered and stored as an asset. */
  finishedAtMs: number | undefined;
  assetIds: string[];
}

export interface StoredUpload {
  id: string;
  authorId: string;
  fileName: string;
  fileSize: number | undefined;
  kind: string;
  contentType: string | undefined;
  partsCount: number;
  parts: Map<number, Buffer>;
  status: 'pending' | 'validating' | 'imported' | 'failed';
  assetId: string | undefined;
  errorMessage: string | undefined;
  createdAt: string;
  updatedAt: string;
}

/** Every member's jobs and assets belong to one team, as on a Scenario project. */
export const TEAM_ID = 'team_simulator';

export type IdSource = (prefix: string) => string;

/** Ids as Scenario's look (a prefix and 24 hex digits): random ones. */
export const randomIds: IdSource = (prefix) => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 24)}`;

/**
 * The same ids, numbered per prefix from a seed: a seeded run sees the same ids, so what depends on
 * a request's path (keyed fault draws, signed URLs) is the same from one run to the next.
 */
export function seededIds(seed: number): IdSource {
  const counts = new Map<string, number>();
  return (prefix) => {
    const count = (counts.get(prefix) ?? 0) + 1;
    counts.set(prefix, count);
    return `${prefix}_${createHash('sha256').update(`${seed}|${prefix}|${count}`).digest('hex').slice(0, 24)}`;
  };
}

const QUEUED_SHARE = 0.2;

export interface JobView {
  status: JobStatus;
  progress: number;
  statusHistory: { date: string; status: JobStatus }[];
  updatedAt: string;
}

export function isTerminal(status: JobStatus): boolean {
  return status === 'success' || status === 'failure' || status === 'canceled';
}

/** What the job looks like at `now`. */
export function viewJob(job: StoredJob, now: number): JobView {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const history: JobView['statusHistory'] = [{ date: iso(job.createdAtMs), status: 'queued' }];
  const startedAt = job.createdAtMs + job.latencyMs * QUEUED_SHARE;
  const workEndsAt = job.createdAtMs + job.latencyMs;
  const cutoff = job.canceledAtMs ?? now;
  if (cutoff >= startedAt && (job.latencyMs > 0 || job.finishedAtMs !== undefined || job.failReason !== undefined)) {
    history.push({ date: iso(startedAt), status: 'in-progress' });
  }
  let status: JobStatus = history.at(-1)?.status ?? 'queued';
  let progress = status === 'in-progress' && job.latencyMs > 0 ? Math.min(0.99, (cutoff - startedAt) / (job.latencyMs * (1 - QUEUED_SHARE))) : 0;
  if (job.canceledAtMs !== undefined) {
    history.push({ date: iso(job.canceledAtMs), status: 'canceled' });
    status = 'canceled';
  } else if (now >= workEndsAt && job.failReason !== undefined) {
    history.push({ date: iso(workEndsAt), status: 'failure' });
    status = 'failure';
  } else if (job.finishedAtMs !== undefined) {
    history.push({ date: iso(job.finishedAtMs), status: 'success' });
    status = 'success';
    progress = 1;
  } else if (now >= workEndsAt && job.latencyMs > 0) {
    history.push({ date: iso(workEndsAt), status: 'finalizing' });
    status = 'finalizing';
    progress = 0.99;
  }
  return { status, progress, statusHistory: history, updatedAt: history.at(-1)?.date ?? iso(job.createdAtMs) };
}

export function jobToApi(job: StoredJob, now: number): Record<string, unknown> {
  const view = viewJob(job, now);
  const output: Record<string, unknown> = {};
  if (view.status === 'failure') output.error = job.failReason;
  return {
    jobId: job.jobId,
    jobType: job.jobType,
    status: view.status,
    progress: view.progress,
    statusHistory: view.statusHistory,
    createdAt: new Date(job.createdAtMs).toISOString(),
    updatedAt: view.updatedAt,
    authorId: job.authorId,
    ownerId: TEAM_ID,
    metadata: {
      input: job.input,
      output,
      assetIds: view.status === 'success' ? job.assetIds : [],
    },
  };
}

export function uploadToApi(upload: StoredUpload, partUrls: { number: number; url: string; expires: string }[] | undefined): Record<string, unknown> {
  return {
    id: upload.id,
    fileName: upload.fileName,
    originalFileName: upload.fileName,
    fileSize: upload.fileSize,
    kind: upload.kind,
    contentType: upload.contentType,
    partsCount: upload.partsCount,
    source: 'multipart',
    status: upload.status,
    authorId: upload.authorId,
    ownerId: TEAM_ID,
    createdAt: upload.createdAt,
    updatedAt: upload.updatedAt,
    ...(partUrls ? { parts: partUrls } : {}),
    ...(upload.assetId ? { entityId: upload.assetId } : {}),
    ...(upload.errorMessage ? { errorMessage: upload.errorMessage } : {}),
  };
}

/** `thumbnailUrl`: the signed URL of its thumbnail, when it offers one. */
export function assetToApi(asset: StoredAsset, url: string, thumbnailUrl?: string): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    kind: 'image',
    type: asset.type,
    name: asset.name,
  };
  if (asset.type === 'inference-controlnet') {
    Object.assign(metadata, asset.parameters ?? {}, { modelId: asset.modelId, inferenceId: asset.inferenceId, parentJobId: asset.jobId });
  }
  if (asset.parentId !== undefined) metadata.parentId = asset.parentId;
  if (asset.rootParentId !== undefined) metadata.rootParentId = asset.rootParentId;
  return {
    id: asset.id,
    url,
    mimeType: asset.mimeType,
    kind: 'image',
    source: asset.type === 'uploaded' ? 'uploaded' : 'inference-control-net',
    status: 'success',
    privacy: 'private',
    authorId: asset.authorId,
    ownerId: TEAM_ID,
    collectionIds: [...asset.collectionIds],
    tags: [...asset.tags],
    editCapabilities: [],
    createdAt: asset.createdAt,
    updatedAt: asset.updatedAt,
    ...(asset.outputIndex !== undefined ? { outputIndex: asset.outputIndex } : {}),
    ...(thumbnailUrl !== undefined ? { thumbnail: { assetId: asset.id, url: thumbnailUrl } } : {}),
    properties: { size: asset.size, width: asset.width, height: asset.height, format: asset.mimeType.replace('image/', '') },
    metadata,
  };
}

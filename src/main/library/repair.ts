import { lstat } from 'node:fs/promises';
import type { ImageFileRecord, ImagesRepository } from '../store/repositories/images';
import { isPartFile, moveFileAtomic, pathExists, sweepStaleParts, walkFiles } from './atomic';
import { absoluteLibraryPath, imageFileCandidates, relativeLibraryPath, trashRelPath } from './paths';
import type { ImageThumbnailJob, ThumbnailQueue } from './thumbnails';
import { imageThumbnailJob } from './thumbnails';

export interface RepairStore {
  images: Pick<ImagesRepository, 'listFiles' | 'markMissing'>;
}

export interface RepairOptions {
  /** Report what would change without changing anything. */
  dryRun?: boolean;
  /** Where missing thumbnails are re-enqueued; without it they are only counted. */
  thumbnails?: ThumbnailQueue<ImageThumbnailJob>;
  /**
   * Files younger than this are left alone (default 10 minutes): a `.part` may belong to a running
   * writer, and a new output is written just before its row is added, so it looks orphaned for a
   * moment while a generation downloads.
   */
  graceMs?: number;
  now?: Date;
}

export interface RepairReport {
  dryRun: boolean;
  /** Rows whose file is gone: now marked missing. */
  missingFiles: { imageId: number; relPath: string }[];
  /** Rows marked missing whose file is back (a drive reconnected): marked present again. */
  recoveredFiles: { imageId: number; relPath: string }[];
  /** Files in outputs/ that no row knows, moved (never deleted) into the trash. */
  orphans: { relPath: string; movedTo: string }[];
  thumbnailsQueued: number;
  /** Stale `.part` files from interrupted writes, removed. */
  partsRemoved: string[];
  /**
   * Stray files and `.part` files left alone because they are younger than `safetyAgeMs`: a
   * download or a running app may still be writing them. A later repair looks at them again.
   */
  youngFilesLeft: string[];
  safetyAgeMs: number;
}

async function imageFileExists(root: string, image: ImageFileRecord): Promise<boolean> {
  for (const candidate of imageFileCandidates(image.relPath, image.trashBatchId)) if (await pathExists(absoluteLibraryPath(root, candidate))) return true;
  return false;
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * Brings the store and the files back in agreement after crashes, manual edits or a missing
 * drive: rows without files are marked missing, files without rows are moved aside, missing
 * thumbnails are rebuilt, stale `.part` files are removed. Nothing a person made is deleted.
 */
export async function repairLibrary(root: string, store: RepairStore, options: RepairOptions = {}): Promise<RepairReport> {
  const { dryRun = false, thumbnails, now = new Date(), graceMs = 10 * 60_000 } = options;
  const youngFilesLeft: string[] = [];
  const partsRemoved = await sweepStaleParts(root, { dryRun, now, olderThanMs: graceMs, onTooYoung: (relPath) => youngFilesLeft.push(relPath) });

  const known = store.images.listFiles();
  const missingFiles: RepairReport['missingFiles'] = [];
  const recoveredFiles: RepairReport['recoveredFiles'] = [];
  const thumbnailJobs: ImageThumbnailJob[] = [];
  for (const image of known) {
    const present = await imageFileExists(root, image);
    if (!present && !image.missing) missingFiles.push({ imageId: image.id, relPath: image.relPath });
    if (present && image.missing) recoveredFiles.push({ imageId: image.id, relPath: image.relPath });
    const thumbnailGone = image.thumbRelPath === null || !(await pathExists(absoluteLibraryPath(root, image.thumbRelPath)));
    if (present && image.trashBatchId === null && thumbnailGone) thumbnailJobs.push(imageThumbnailJob(root, image));
  }

  const knownPaths = new Set(known.map((image) => image.relPath));
  const orphanBatch = `orphans-${timestamp(now)}`;
  const orphans: RepairReport['orphans'] = [];
  for await (const filePath of walkFiles(absoluteLibraryPath(root, 'outputs'))) {
    const relPath = relativeLibraryPath(root, filePath);
    // A part file is a write in progress (or swept above), never an orphan.
    if (knownPaths.has(relPath) || isPartFile(filePath)) continue;
    const { mtimeMs } = await lstat(filePath);
    if (now.getTime() - mtimeMs < graceMs) {
      youngFilesLeft.push(relPath);
      continue;
    }
    orphans.push({ relPath, movedTo: trashRelPath(orphanBatch, relPath) });
  }

  if (!dryRun) {
    store.images.markMissing(missingFiles.map((file) => file.imageId), true);
    store.images.markMissing(recoveredFiles.map((file) => file.imageId), false);
    for (const orphan of orphans) {
      await moveFileAtomic(absoluteLibraryPath(root, orphan.relPath), absoluteLibraryPath(root, orphan.movedTo));
    }
    for (const job of thumbnailJobs) thumbnails?.enqueue(job);
  }
  return { dryRun, missingFiles, recoveredFiles, orphans, thumbnailsQueued: thumbnailJobs.length, partsRemoved, youngFilesLeft: youngFilesLeft.sort(), safetyAgeMs: graceMs };
}

import { readdir, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { ImagesRepository } from '../store/repositories/images';
import type { TrashCounts, TrashRepository } from '../store/repositories/trash';
import type { Image } from '../store/types';
import { moveFileAtomic, pathExists, walkFiles } from './atomic';
import { LibraryError, isErrno, toLibraryError } from './errors';
import { absoluteLibraryPath, relativeLibraryPath, trashRelPath } from './paths';

/**
 * Deleting from the library: the store moves rows to the trash as one undoable batch (whole
 * generations, or single images), and the files of those rows move into
 * `trash/<batch id>/<their rel path>`, so a batch folder describes itself and undo needs nothing
 * but the folder. Files are deleted only when the trash is purged.
 *
 * The store creates the batch id inside its transaction, so rows are trashed first and files
 * moved second; if a move fails, the moved files go back and the batch is undone, leaving rows and
 * files as they were. A crash between the two steps leaves trashed rows whose files are still at
 * their usual place: undo, purge and repair all accept a file in either place.
 */
export interface TrashStore {
  images: Pick<ImagesRepository, 'listForGeneration' | 'listByIds'>;
  trash: Pick<TrashRepository, 'softDelete' | 'trashImages' | 'undo' | 'purge' | 'list'>;
}

export interface TrashedBatch {
  batchId: number;
  /** Generations moved to the trash (already trashed ones are not counted again). */
  generations: number;
  /** Rel paths of the files moved, as they were before the move. */
  files: string[];
}

export interface TrashedImages {
  batchId: number;
  /** Images moved to the trash (unknown or already trashed ones are left out). */
  imageIds: number[];
  /** Generations that went with them, their last images gone. */
  generationIds: number[];
  /** Rel paths of the files moved, as they were before the move. */
  files: string[];
}

interface Move {
  from: string;
  to: string;
}

/** Performs moves in order; on failure puts back what moved, then rethrows. */
async function moveAllOrNone(moves: readonly Move[]): Promise<void> {
  const done: Move[] = [];
  try {
    for (const move of moves) {
      await moveFileAtomic(move.from, move.to);
      done.push(move);
    }
  } catch (error) {
    for (const move of done.reverse()) await moveFileAtomic(move.to, move.from).catch(() => undefined);
    throw error;
  }
}

async function existingFiles(root: string, relPaths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const relPath of relPaths) if (await pathExists(absoluteLibraryPath(root, relPath))) found.push(relPath);
  return found;
}

/** Removes the now empty folders that held `relPath` (outputs/2025/01/02...), keeping the top-level folder. */
async function pruneEmptyFolders(root: string, relPath: string): Promise<void> {
  const segments = relPath.split('/').slice(0, -1);
  for (let depth = segments.length; depth > 1; depth -= 1) {
    const current = absoluteLibraryPath(root, segments.slice(0, depth).join('/'));
    try {
      await rmdir(current);
    } catch {
      return; // not empty (or already gone): stop climbing
    }
  }
}

/** Removes every empty folder below `directory`, deepest first, and `directory` itself if it ends up empty. */
async function removeEmptyTree(directory: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) if (entry.isDirectory()) await removeEmptyTree(path.join(directory, entry.name));
  await rmdir(directory).catch(() => undefined);
}

function batchFolder(root: string, batchId: number): string {
  return path.join(root, 'trash', String(batchId));
}

function filesOf(images: readonly Image[]): string[] {
  return images.flatMap((image) => (image.thumbRelPath ? [image.relPath, image.thumbRelPath] : [image.relPath]));
}

/**
 * Trashes rows with `trashRows` (which returns the store's batch and the files of the rows it
 * took), then moves those files that exist into the batch's folder; undoes the batch if a move fails.
 */
async function moveToTrash<Batch extends { batchId: number }>(
  root: string,
  store: TrashStore,
  trashRows: () => { batch: Batch; relPaths: readonly string[] },
): Promise<Batch & { files: string[] }> {
  const { batch, relPaths } = trashRows();
  let files: string[] = [];
  try {
    files = await existingFiles(root, relPaths);
    await moveAllOrNone(files.map((relPath) => ({ from: absoluteLibraryPath(root, relPath), to: absoluteLibraryPath(root, trashRelPath(String(batch.batchId), relPath)) })));
  } catch (error) {
    store.trash.undo(batch.batchId);
    await removeEmptyTree(batchFolder(root, batch.batchId));
    throw toLibraryError(error, 'move to the trash', files.join(', '));
  }
  for (const relPath of files) await pruneEmptyFolders(root, relPath);
  return { ...batch, files };
}

/** Moves generations (their images and thumbnails) to the trash as one batch that can be undone. */
export async function trashGenerations(root: string, store: TrashStore, generationIds: readonly number[]): Promise<TrashedBatch> {
  const { batchId, count, files } = await moveToTrash(root, store, () => {
    // Files of generations already in the trash are no longer in place: existingFiles leaves them out.
    const relPaths = filesOf(generationIds.flatMap((id) => store.images.listForGeneration(id)));
    return { batch: store.trash.softDelete(generationIds), relPaths };
  });
  return { batchId, generations: count, files };
}

/**
 * Moves single images (and their thumbnails) to the trash as one batch that can be undone; their
 * generations keep their other images, and one left with none goes into the batch too.
 */
export async function trashImages(root: string, store: TrashStore, imageIds: readonly number[]): Promise<TrashedImages> {
  const { batchId, images, generations, files } = await moveToTrash(root, store, () => {
    const listed = store.images.listByIds(imageIds);
    const batch = store.trash.trashImages(imageIds);
    // Only the files of what the store took: an image of a trashed generation stays with it.
    const taken = new Set(batch.images);
    return { batch, relPaths: filesOf(listed.filter((image) => taken.has(image.id))) };
  });
  return { batchId, imageIds: images, generationIds: generations, files };
}

/** Puts a trashed batch of either kind back: files to their places, then rows restored. */
export async function restoreTrashBatch(root: string, store: TrashStore, batchId: number): Promise<TrashCounts> {
  if (!store.trash.list().some((batch) => batch.id === batchId)) {
    throw new LibraryError('not-found', 'These items were already removed from the trash and cannot be restored.');
  }
  const folder = batchFolder(root, batchId);
  const moves: Move[] = [];
  for await (const filePath of walkFiles(folder)) {
    moves.push({ from: filePath, to: absoluteLibraryPath(root, relativeLibraryPath(folder, filePath)) });
  }
  await moveAllOrNone(moves);
  try {
    const restored = store.trash.undo(batchId);
    await removeEmptyTree(folder);
    return restored;
  } catch (error) {
    await moveAllOrNone(moves.map(({ from, to }) => ({ from: to, to: from })));
    throw error;
  }
}

export interface PurgeReport {
  generations: number;
  images: number;
  /** Rel paths of the files deleted (where they were found: in a trash batch or in place). */
  filesDeleted: string[];
}

/** Deletes for good what was trashed more than `olderThanDays` ago: rows first, then their files. */
export async function purgeTrash(root: string, store: TrashStore, olderThanDays: number): Promise<PurgeReport> {
  const { generations, images, filePaths } = store.trash.purge(olderThanDays);
  const trashRoot = path.join(root, 'trash');
  const batchFolders = (await readdir(trashRoot, { withFileTypes: true }).catch(() => []))
    // Numbered folders are store batches; `orphans-*` from repair are the person's to empty.
    .filter((entry) => entry.isDirectory() && /^\d+$/.test(entry.name))
    .map((entry) => entry.name);
  const filesDeleted: string[] = [];
  for (const relPath of filePaths) {
    // In place too: a crash between soft delete and move leaves the file where it was.
    for (const candidate of [relPath, ...batchFolders.map((batch) => trashRelPath(batch, relPath))]) {
      try {
        await unlink(absoluteLibraryPath(root, candidate));
        filesDeleted.push(candidate);
      } catch (error) {
        if (!isErrno(error, 'ENOENT')) throw toLibraryError(error, 'delete', candidate);
      }
    }
  }
  for (const batch of batchFolders) await removeEmptyTree(path.join(trashRoot, batch));
  return { generations, images, filesDeleted: filesDeleted.sort() };
}

import { readdir, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { ImagesRepository } from '../store/repositories/images';
import type { TrashRepository } from '../store/repositories/trash';
import { moveFileAtomic, pathExists, walkFiles } from './atomic';
import { LibraryError, isErrno, toLibraryError } from './errors';
import { absoluteLibraryPath, relativeLibraryPath, trashRelPath } from './paths';

/**
 * Deleting from the library: the store soft-deletes rows as one undoable batch, and the files of
 * those rows move into `trash/<batch id>/<their rel path>`, so a batch folder describes itself and
 * undo needs nothing but the folder. Files are deleted only when the trash is purged.
 *
 * The store creates the batch id inside its transaction, so rows are soft-deleted first and files
 * moved second; if a move fails, the moved files go back and the batch is undone, leaving rows and
 * files as they were. A crash between the two steps leaves trashed rows whose files are still at
 * their usual place: undo, purge and repair all accept a file in either place.
 */
export interface TrashStore {
  images: Pick<ImagesRepository, 'listForGeneration'>;
  trash: Pick<TrashRepository, 'softDelete' | 'undo' | 'purge' | 'list'>;
}

export interface TrashedBatch {
  batchId: number;
  /** Generations moved to the trash (already trashed ones are not counted again). */
  generations: number;
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

/** Moves generations (their images and thumbnails) to the trash as one batch that can be undone. */
export async function trashGenerations(root: string, store: TrashStore, generationIds: readonly number[]): Promise<TrashedBatch> {
  const relPaths = generationIds.flatMap((id) =>
    store.images.listForGeneration(id).flatMap((image) => (image.thumbRelPath ? [image.relPath, image.thumbRelPath] : [image.relPath])),
  );
  const files = await existingFiles(root, relPaths);
  const { batchId, count } = store.trash.softDelete(generationIds);
  const moves = files.map((relPath) => ({
    from: absoluteLibraryPath(root, relPath),
    to: absoluteLibraryPath(root, trashRelPath(String(batchId), relPath)),
  }));
  try {
    await moveAllOrNone(moves);
  } catch (error) {
    store.trash.undo(batchId);
    await removeEmptyTree(batchFolder(root, batchId));
    throw toLibraryError(error, 'move to the trash', files.join(', '));
  }
  for (const relPath of files) await pruneEmptyFolders(root, relPath);
  return { batchId, generations: count, files };
}

/** Puts a trashed batch back: files to their places, then rows restored. Returns the generations restored. */
export async function restoreTrashBatch(root: string, store: TrashStore, batchId: number): Promise<number> {
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
  /** Rel paths of the files deleted (where they were found: in a trash batch or in place). */
  filesDeleted: string[];
}

/** Deletes for good what was trashed more than `olderThanDays` ago: rows first, then their files. */
export async function purgeTrash(root: string, store: TrashStore, olderThanDays: number): Promise<PurgeReport> {
  const { generations, filePaths } = store.trash.purge(olderThanDays);
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
  return { generations, filesDeleted: filesDeleted.sort() };
}

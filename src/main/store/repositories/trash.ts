import type { StoreContext } from '../context';
import { IN_LIST, isUniqueViolation, jsonList } from '../context';
import { StoreError } from '../errors';
import { IMAGE_COLUMNS } from '../migrations';
import { TERMINAL_STATES } from '../states';
import type { GenerationState } from '../types';

export interface TrashBatch {
  id: number;
  createdAt: number;
  /** Generations in the batch (for a batch of images: those it emptied). */
  generations: number;
  /** Images deleted one by one in the batch. */
  images: number;
}

/** What moved to the trash, or came back from it. */
export interface TrashCounts {
  generations: number;
  images: number;
}

export interface PurgeResult {
  generations: number;
  images: number;
  /** Library-relative files the library should now delete: images, thumbnails, orphaned input copies. */
  filePaths: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deleting from the library is one step for the rows (undoable as one batch); the files go only
 * when the trash is purged, and purge hands their paths to the library.
 *
 * A batch holds generations (soft-deleted in place, their images with them) or single images
 * (moved to `trashed_images`, so every query of live images stays as it is). When a batch of
 * images takes the last live images of a generation, the generation goes into the same batch: a
 * finished generation with nothing to show is a blank tile, and the person asked for every image
 * of it to go. Undo brings back both.
 */
export function createTrashRepository({ db, now }: StoreContext) {
  const newBatch = db.prepare<[number], never>('INSERT INTO trash_batches (created_at) VALUES (?)');
  const markDeleted = db.prepare<[number, number, string], never>(
    `UPDATE generations SET deleted_at = ?, trash_batch_id = ? WHERE deleted_at IS NULL AND id ${IN_LIST}`,
  );
  const restoreGenerations = db.prepare<[number], never>('UPDATE generations SET deleted_at = NULL, trash_batch_id = NULL WHERE trash_batch_id = ?');

  /** Images of live generations among `ids`: only those can go to the trash on their own. */
  const liveImages = db.prepare<[string], { id: number; generationId: number; state: GenerationState }>(`
    SELECT i.id, i.generation_id AS generationId, g.state FROM images i JOIN generations g ON g.id = i.generation_id
    WHERE g.deleted_at IS NULL AND i.id ${IN_LIST}`);
  const copyToTrash = db.prepare<[number, number, string], never>(`
    INSERT INTO trashed_images (${IMAGE_COLUMNS}, trash_batch_id, deleted_at)
    SELECT ${IMAGE_COLUMNS}, ?, ? FROM images WHERE id ${IN_LIST}`);
  const deleteImages = db.prepare<[string], never>(`DELETE FROM images WHERE id ${IN_LIST}`);
  const emptied = db.prepare<[string], { id: number }>(
    `SELECT g.id FROM generations g WHERE g.id ${IN_LIST} AND NOT EXISTS (SELECT 1 FROM images WHERE generation_id = g.id)`,
  );
  const copyBack = db.prepare<[number], never>(`INSERT INTO images (${IMAGE_COLUMNS}) SELECT ${IMAGE_COLUMNS} FROM trashed_images WHERE trash_batch_id = ?`);
  const dropTrashedImages = db.prepare<[number], never>('DELETE FROM trashed_images WHERE trash_batch_id = ?');

  const dropBatch = db.prepare<[number], never>('DELETE FROM trash_batches WHERE id = ?');
  const batches = db.prepare<[], TrashBatch>(`
    SELECT * FROM (
      SELECT b.id, b.created_at AS createdAt,
             (SELECT count(*) FROM generations WHERE trash_batch_id = b.id) AS generations,
             (SELECT count(*) FROM trashed_images WHERE trash_batch_id = b.id) AS images
      FROM trash_batches b)
    WHERE generations + images > 0 ORDER BY createdAt DESC, id DESC`);

  // Purge: the generations trashed before the cutoff (their images, and any of their images
  // trashed on their own since), and images trashed on their own before it.
  const expiredFiles = db.prepare<[{ cutoff: number }], { path: string }>(`
    WITH expired AS (
      SELECT rel_path, thumb_rel_path FROM images WHERE generation_id IN (SELECT id FROM generations WHERE deleted_at < @cutoff)
      UNION ALL
      SELECT rel_path, thumb_rel_path FROM trashed_images
      WHERE deleted_at < @cutoff OR generation_id IN (SELECT id FROM generations WHERE deleted_at < @cutoff))
    SELECT rel_path AS path FROM expired
    UNION ALL
    SELECT thumb_rel_path FROM expired WHERE thumb_rel_path IS NOT NULL`);
  const orphanedInputsAfterPurge = db.prepare<[{ cutoff: number }], { id: number; path: string }>(`
    SELECT i.id, i.library_rel_path AS path FROM inputs i
    WHERE i.id IN (SELECT input_id FROM generations WHERE deleted_at < @cutoff)
      AND NOT EXISTS (SELECT 1 FROM generations g WHERE g.input_id = i.id AND (g.deleted_at IS NULL OR g.deleted_at >= @cutoff))`);
  const purgeTrashedImages = db.prepare<[number], never>('DELETE FROM trashed_images WHERE deleted_at < ?');
  // Their images and trashed images go with them (ON DELETE CASCADE).
  const purgeGenerations = db.prepare<[number], never>('DELETE FROM generations WHERE deleted_at < ?');
  const deleteInputs = db.prepare<[string], never>(`DELETE FROM inputs WHERE id ${IN_LIST}`);
  const dropEmptyBatches = db.prepare<[], never>(`
    DELETE FROM trash_batches WHERE NOT EXISTS (SELECT 1 FROM generations WHERE trash_batch_id = trash_batches.id)
      AND NOT EXISTS (SELECT 1 FROM trashed_images WHERE trash_batch_id = trash_batches.id)`);

  // A few pictures of a batch: its generations' first outputs, or its single images (their thumbnails when made).
  const previewsOf = db.prepare<[{ batch: number; limit: number }], { path: string }>(`
    SELECT coalesce(thumb_rel_path, rel_path) AS path FROM (
      SELECT i.thumb_rel_path, i.rel_path FROM generations g JOIN images i ON i.generation_id = g.id AND i.idx = 0
      WHERE g.trash_batch_id = @batch
      UNION ALL
      SELECT thumb_rel_path, rel_path FROM trashed_images WHERE trash_batch_id = @batch)
    LIMIT @limit`);

  return {
    /** Library paths (as they were before the trash) of up to `limit` pictures of a batch. */
    previews(batchId: number, limit: number): string[] {
      return previewsOf.all({ batch: batchId, limit }).map((row) => row.path);
    },

    /** Moves generations to the trash as one undoable batch. */
    softDelete: db.transaction((ids: readonly number[]): { batchId: number; count: number } => {
      const batchId = Number(newBatch.run(now()).lastInsertRowid);
      const { changes } = markDeleted.run(now(), batchId, jsonList(ids));
      return { batchId, count: changes };
    }),

    /**
     * Moves images of live generations to the trash as one undoable batch, with the generations
     * left without images (see above). Images of a generation still running are refused: its
     * download would fetch them again into the places undo needs.
     */
    trashImages: db.transaction((ids: readonly number[]): { batchId: number; images: number[]; generations: number[] } => {
      const found = liveImages.all(jsonList(ids));
      const running = found.find((image) => !TERMINAL_STATES.includes(image.state));
      if (running) {
        throw new StoreError('invalid-argument', 'This generation is still running. Delete its images once it has finished.', {
          detail: `generation ${running.generationId} is ${running.state}`,
        });
      }
      const at = now();
      const batchId = Number(newBatch.run(at).lastInsertRowid);
      const imageIds = found.map((image) => image.id);
      copyToTrash.run(batchId, at, jsonList(imageIds));
      deleteImages.run(jsonList(imageIds));
      const generations = emptied.all(jsonList([...new Set(found.map((image) => image.generationId))])).map((row) => row.id);
      markDeleted.run(at, batchId, jsonList(generations));
      return { batchId, images: imageIds, generations };
    }),

    /** Restores a batch of either kind: its generations, then its images. */
    undo: db.transaction((batchId: number): TrashCounts => {
      const generations = restoreGenerations.run(batchId).changes;
      let images: number;
      try {
        images = copyBack.run(batchId).changes;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new StoreError('invalid-argument', 'These images cannot be put back: their generation was downloaded again and has new images in their places.', {
          cause: error,
          detail: `batch ${batchId}`,
        });
      }
      dropTrashedImages.run(batchId);
      dropBatch.run(batchId);
      if (generations + images === 0) {
        throw new StoreError('not-found', 'These items were already removed from the trash and cannot be restored.', { detail: `batch ${batchId}` });
      }
      return { generations, images };
    }),

    /** Batches that still hold something, newest first. */
    list(): TrashBatch[] {
      return batches.all();
    },

    /** Deletes rows trashed more than `olderThanDays` ago and returns the files that belonged to them. */
    purge: db.transaction((olderThanDays: number): PurgeResult => {
      const cutoff = now() - olderThanDays * DAY_MS;
      const filePaths = expiredFiles.all({ cutoff }).map((row) => row.path);
      const orphans = orphanedInputsAfterPurge.all({ cutoff });
      const images = purgeTrashedImages.run(cutoff).changes;
      const { changes } = purgeGenerations.run(cutoff);
      deleteInputs.run(jsonList(orphans.map((input) => input.id)));
      dropEmptyBatches.run();
      return { generations: changes, images, filePaths: [...filePaths, ...orphans.map((input) => input.path)] };
    }),
  };
}

export type TrashRepository = ReturnType<typeof createTrashRepository>;

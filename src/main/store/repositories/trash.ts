import type { StoreContext } from '../context';
import { IN_LIST, jsonList } from '../context';
import { StoreError } from '../errors';

export interface TrashBatch {
  id: number;
  createdAt: number;
  count: number;
}

export interface PurgeResult {
  generations: number;
  /** Library-relative files the library should now delete: images, thumbnails, orphaned input copies. */
  filePaths: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deleting from the library is one step for the rows (a soft delete that can be undone); the
 * files go only when the trash is purged, and purge hands their paths to the library.
 */
export function createTrashRepository({ db, now }: StoreContext) {
  const newBatch = db.prepare<[number], never>('INSERT INTO trash_batches (created_at) VALUES (?)');
  const markDeleted = db.prepare<[number, number, string], never>(
    `UPDATE generations SET deleted_at = ?, trash_batch_id = ? WHERE deleted_at IS NULL AND id ${IN_LIST}`,
  );
  const restore = db.prepare<[number], never>('UPDATE generations SET deleted_at = NULL, trash_batch_id = NULL WHERE trash_batch_id = ?');
  const dropBatch = db.prepare<[number], never>('DELETE FROM trash_batches WHERE id = ?');
  const batches = db.prepare<[], TrashBatch>(`
    SELECT b.id, b.created_at AS createdAt, count(g.id) AS count
    FROM trash_batches b JOIN generations g ON g.trash_batch_id = b.id
    GROUP BY b.id ORDER BY b.created_at DESC`);
  const expiredFiles = db.prepare<[{ cutoff: number }], { path: string }>(`
    SELECT rel_path AS path FROM images WHERE generation_id IN (SELECT id FROM generations WHERE deleted_at < @cutoff)
    UNION ALL
    SELECT thumb_rel_path FROM images WHERE thumb_rel_path IS NOT NULL
      AND generation_id IN (SELECT id FROM generations WHERE deleted_at < @cutoff)`);
  const orphanedInputsAfterPurge = db.prepare<[{ cutoff: number }], { id: number; path: string }>(`
    SELECT i.id, i.library_rel_path AS path FROM inputs i
    WHERE i.id IN (SELECT input_id FROM generations WHERE deleted_at < @cutoff)
      AND NOT EXISTS (SELECT 1 FROM generations g WHERE g.input_id = i.id AND (g.deleted_at IS NULL OR g.deleted_at >= @cutoff))`);
  const purgeGenerations = db.prepare<[number], never>('DELETE FROM generations WHERE deleted_at < ?');
  const deleteInputs = db.prepare<[string], never>(`DELETE FROM inputs WHERE id ${IN_LIST}`);
  const dropEmptyBatches = db.prepare<[], never>(
    'DELETE FROM trash_batches WHERE NOT EXISTS (SELECT 1 FROM generations WHERE trash_batch_id = trash_batches.id)',
  );

  return {
    /** Moves generations to the trash as one undoable batch. */
    softDelete: db.transaction((ids: readonly number[]): { batchId: number; count: number } => {
      const batchId = Number(newBatch.run(now()).lastInsertRowid);
      const { changes } = markDeleted.run(now(), batchId, jsonList(ids));
      return { batchId, count: changes };
    }),
    undo: db.transaction((batchId: number): number => {
      const { changes } = restore.run(batchId);
      dropBatch.run(batchId);
      if (changes === 0) throw new StoreError('not-found', 'These items were already removed from the trash and cannot be restored.', { detail: `batch ${batchId}` });
      return changes;
    }),
    list(): TrashBatch[] {
      return batches.all();
    },
    /** Deletes rows trashed more than `olderThanDays` ago and returns the files that belonged to them. */
    purge: db.transaction((olderThanDays: number): PurgeResult => {
      const cutoff = now() - olderThanDays * DAY_MS;
      const filePaths = expiredFiles.all({ cutoff }).map((row) => row.path);
      const orphans = orphanedInputsAfterPurge.all({ cutoff });
      const { changes } = purgeGenerations.run(cutoff);
      deleteInputs.run(jsonList(orphans.map((input) => input.id)));
      dropEmptyBatches.run();
      return { generations: changes, filePaths: [...filePaths, ...orphans.map((input) => input.path)] };
    }),
  };
}

export type TrashRepository = ReturnType<typeof createTrashRepository>;

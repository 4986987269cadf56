import type { StoreContext } from '../context';
import { IN_LIST, jsonList } from '../context';
import { toImage } from '../rows';
import type { ImageRow } from '../rows';
import type { Image } from '../types';

export interface ImageDraft {
  assetId?: string | null;
  idx: number;
  relPath: string;
  width?: number | null;
  height?: number | null;
  bytes?: number | null;
  sha256?: string | null;
}

/** Where an image's files are: what the library's repair pass checks for every image. */
export interface ImageFileRecord {
  id: number;
  relPath: string;
  thumbRelPath: string | null;
  missing: boolean;
  /** The trash batch of the image (deleted on its own) or of its generation: its files are then in that batch's folder. */
  trashBatchId: number | null;
}

export function createImagesRepository({ db, now }: StoreContext) {
  const insert = db.prepare<[number, string | null, number, string, number | null, number | null, number | null, string | null, number], ImageRow>(`
    INSERT INTO images (generation_id, asset_id, idx, rel_path, width, height, bytes, sha256, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`);
  const byId = db.prepare<[number], ImageRow>('SELECT * FROM images WHERE id = ?');
  const forGeneration = db.prepare<[number], ImageRow>('SELECT * FROM images WHERE generation_id = ? ORDER BY idx');
  const byIds = db.prepare<[string], ImageRow>(`SELECT * FROM images WHERE id ${IN_LIST} ORDER BY id`);
  const setMissing = db.prepare<[number, string], never>(`UPDATE images SET missing = ? WHERE id ${IN_LIST}`);
  const setTrashedMissing = db.prepare<[number, string], never>(`UPDATE trashed_images SET missing = ? WHERE id ${IN_LIST}`);
  const setThumb = db.prepare<[string, number], never>('UPDATE images SET thumb_rel_path = ? WHERE id = ?');
  const files = db.prepare<[], Omit<ImageFileRecord, 'missing'> & { missing: number }>(`
    SELECT i.id, i.rel_path AS relPath, i.thumb_rel_path AS thumbRelPath, i.missing, g.trash_batch_id AS trashBatchId
    FROM images i JOIN generations g ON g.id = i.generation_id
    UNION ALL
    SELECT id, rel_path, thumb_rel_path, missing, trash_batch_id FROM trashed_images
    ORDER BY id`);
  // Walks the partial index images_without_thumbnail in id order. Images of a generation in the
  // trash are left out: their files are in the trash's folder, not at rel_path.
  const withoutThumbnail = db.prepare<[number, number, number], ImageRow>(`
    SELECT i.* FROM images i JOIN generations g ON g.id = i.generation_id
    WHERE i.thumb_rel_path IS NULL AND i.missing = 0 AND i.id > ? AND i.id <= ? AND g.trash_batch_id IS NULL
    ORDER BY i.id LIMIT ?`);
  const lastId = db.prepare<[], { id: number }>('SELECT coalesce(max(id), 0) AS id FROM images');

  return {
    add(generationId: number, image: ImageDraft): Image {
      const row = insert.get(
        generationId,
        image.assetId ?? null,
        image.idx,
        image.relPath,
        image.width ?? null,
        image.height ?? null,
        image.bytes ?? null,
        image.sha256 ?? null,
        now(),
      );
      return toImage(row as ImageRow);
    },
    get(id: number): Image | null {
      const row = byId.get(id);
      return row ? toImage(row) : null;
    },
    listForGeneration(generationId: number): Image[] {
      return forGeneration.all(generationId).map(toImage);
    },
    /** The live images among `ids` (trashed and unknown ids are left out). */
    listByIds(ids: readonly number[]): Image[] {
      return byIds.all(jsonList(ids)).map(toImage);
    },
    /** The library's repair pass found the files gone (or back); trashed images included. */
    markMissing: db.transaction((imageIds: readonly number[], missing = true): void => {
      setMissing.run(missing ? 1 : 0, jsonList(imageIds));
      setTrashedMissing.run(missing ? 1 : 0, jsonList(imageIds));
    }),
    setThumbnail(imageId: number, thumbRelPath: string): void {
      setThumb.run(thumbRelPath, imageId);
    },
    /** Every image, trashed ones (with their generation or on their own) included, in one query: only the columns about files. */
    listFiles(): ImageFileRecord[] {
      return files.all().map((row) => ({ ...row, missing: row.missing === 1 }));
    },
    /**
     * Work for the thumbnailer, oldest first: live images with no thumbnail whose file is not known
     * to be missing. A page starts after `afterId` (a failed thumbnail stays without one, so the
     * next page must not find it again) and ends at `throughId`.
     */
    listWithoutThumbnail(limit: number, { afterId = 0, throughId = Number.MAX_SAFE_INTEGER }: { afterId?: number; throughId?: number } = {}): Image[] {
      return withoutThumbnail.all(afterId, throughId, limit).map(toImage);
    },
    /** The newest image's id (0 when there is none). */
    lastId(): number {
      return lastId.get()?.id ?? 0;
    },
  };
}

export type ImagesRepository = ReturnType<typeof createImagesRepository>;

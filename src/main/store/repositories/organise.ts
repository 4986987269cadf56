import type { StoreContext } from '../context';
import { IN_LIST, jsonList } from '../context';
import { StoreError } from '../errors';
import type { Tag } from '../types';
import { FAVOURITE_TAG } from './sync';

function normaliseTag(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

/** Favourites, ratings and tags, each applied to many generations at once (a gallery selection). */
export function createOrganiseRepository({ db, now }: StoreContext) {
  const setFavourite = db.prepare<[number, string], never>(`UPDATE generations SET favourite = ? WHERE id ${IN_LIST}`);
  const setRating = db.prepare<[number, string], never>(`UPDATE generations SET rating = ? WHERE id ${IN_LIST}`);
  const ensureTag = db.prepare<[string], never>('INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING');
  const tagId = db.prepare<[string], { id: number }>('SELECT id FROM tags WHERE name = ?');
  const link = db.prepare<[number, string], never>(`
    INSERT INTO generation_tags (generation_id, tag_id)
    SELECT g.id, ? FROM generations g WHERE g.id ${IN_LIST} ON CONFLICT DO NOTHING`);
  const unlink = db.prepare<[number, string], never>(`DELETE FROM generation_tags WHERE tag_id = ? AND generation_id ${IN_LIST}`);
  const dropUnused = db.prepare<[], never>('DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM generation_tags WHERE tag_id = tags.id)');
  // The live counts kept by triggers (migration 6), not a join over every tagged generation.
  // Every change made here is also queued for Scenario (tag_changes, migration 9): the tag is put
  // on the generation's assets by `sync`, and a favourite is the tag 'favourite'. Ratings stay here.
  const recordChange = db.prepare<[string, string, number, string], never>(
    `INSERT INTO tag_changes (generation_id, tag, change, source, at) SELECT id, ?, ?, 'local', ? FROM generations WHERE id ${IN_LIST}`,
  );
  const allTags = db.prepare<[], Tag>(`
    SELECT t.id, t.name, coalesce(tc.count, 0) AS count
    FROM tags t LEFT JOIN tag_counts tc ON tc.tag_id = t.id AND tc.trashed = 0
    ORDER BY t.name`);

  return {
    setFavourite: db.transaction((ids: readonly number[], favourite: boolean): void => {
      setFavourite.run(favourite ? 1 : 0, jsonList(ids));
      recordChange.run(FAVOURITE_TAG, favourite ? 'add' : 'delete', now(), jsonList(ids));
    }),
    setRating(ids: readonly number[], rating: number): void {
      if (!Number.isInteger(rating) || rating < 0 || rating > 5) {
        throw new StoreError('invalid-argument', 'A rating is a whole number of stars from 0 to 5.', { detail: String(rating) });
      }
      setRating.run(rating, jsonList(ids));
    },
    tag: db.transaction((ids: readonly number[], names: readonly string[]): void => {
      for (const name of names.map(normaliseTag).filter(Boolean)) {
        ensureTag.run(name);
        link.run((tagId.get(name) as { id: number }).id, jsonList(ids));
        recordChange.run(name, 'add', now(), jsonList(ids));
      }
    }),
    untag: db.transaction((ids: readonly number[], names: readonly string[]): void => {
      for (const name of names.map(normaliseTag)) {
        const tag = tagId.get(name);
        if (tag) unlink.run(tag.id, jsonList(ids));
        recordChange.run(name, 'delete', now(), jsonList(ids));
      }
      dropUnused.run();
    }),
    listTags(): Tag[] {
      return allTags.all();
    },
  };
}

export type OrganiseRepository = ReturnType<typeof createOrganiseRepository>;

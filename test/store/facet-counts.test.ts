/**
 * The facet counts kept by migration 6's triggers (facet_counts, generation_facets, tag_counts)
 * must always equal a recount of the rows: after an upgrade of an existing library, and through
 * every way the store changes generations and tags.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listBackups, openStore, StoreError } from '../../src/main/store';
import type { GalleryFilters, Store } from '../../src/main/store';
import { closeDatabase, openDatabase } from '../../src/main/store/database';
import { migrations } from '../../src/main/store/migrations';
import { storeWithBasics, tempDir } from './fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

const COLUMNS = 'preset_version_id, model_id, family, modality, folder_id, state, favourite';

/** The kept tables next to a recount from the generations and their tags, each in one order (through `reader` when given). */
function keptAndRecounted(file: string, reader?: Database.Database) {
  const db = reader ?? new Database(file, { readonly: true });
  try {
    const all = (sql: string) => db.prepare(sql).all();
    return {
      kept: {
        facets: all(`SELECT ${COLUMNS}, trashed, count FROM facet_counts ORDER BY ${COLUMNS}, trashed`),
        tags: all('SELECT tag_id, trashed, count FROM tag_counts ORDER BY tag_id, trashed'),
        // Each generation's facet_counts row, as generation_facets names it.
        rowOfEach: all(`SELECT gf.generation_id, ${COLUMNS.split(', ').map((column) => `fc.${column}`).join(', ')}, fc.trashed
                        FROM generation_facets gf JOIN facet_counts fc ON fc.id = gf.facet_id ORDER BY gf.generation_id`),
        // Rows that fell to 0 stay in both tables (migration 15): only the others count.
        totals: all('SELECT dimension, value, trashed, count FROM facet_totals WHERE count <> 0 ORDER BY dimension, value, trashed'),
        tagsByCombination: all(`SELECT ${COLUMNS.split(', ').map((column) => `fc.${column}`).join(', ')}, fc.trashed, ft.tag_id, ft.count
                                FROM facet_tags ft JOIN facet_counts fc ON fc.id = ft.facet_id WHERE ft.count <> 0 ORDER BY ${COLUMNS}, fc.trashed, ft.tag_id`),
      },
      recounted: {
        facets: all(`SELECT ${COLUMNS}, deleted_at IS NOT NULL AS trashed, count(*) AS count FROM generations
                     GROUP BY ${COLUMNS}, trashed ORDER BY ${COLUMNS}, trashed`),
        tags: all(`SELECT gt.tag_id, g.deleted_at IS NOT NULL AS trashed, count(*) AS count
                   FROM generation_tags gt JOIN generations g ON g.id = gt.generation_id GROUP BY gt.tag_id, trashed ORDER BY gt.tag_id, trashed`),
        rowOfEach: all(`SELECT id AS generation_id, ${COLUMNS}, deleted_at IS NOT NULL AS trashed FROM generations ORDER BY id`),
        totals: all(
          `${COLUMNS.split(', ')
            .map((column) => `SELECT '${column}' AS dimension, ${column === 'folder_id' ? 'ifnull(folder_id, 0)' : column} AS value, deleted_at IS NOT NULL AS trashed, count(*) AS count FROM generations GROUP BY 2, 3`)
            .join(' UNION ALL ')} ORDER BY dimension, value, trashed`,
        ),
        tagsByCombination: all(`SELECT ${COLUMNS.split(', ').map((column) => `g.${column}`).join(', ')}, g.deleted_at IS NOT NULL AS trashed, gt.tag_id, count(*) AS count
                                FROM generations g JOIN generation_tags gt ON gt.generation_id = g.id
                                GROUP BY ${COLUMNS}, trashed, gt.tag_id ORDER BY ${COLUMNS}, trashed, gt.tag_id`),
      },
    };
  } finally {
    if (reader === undefined) db.close();
  }
}

function expectExactCounts(store: Store, reader?: Database.Database) {
  const { kept, recounted } = keptAndRecounted(store.file, reader);
  expect(kept).toEqual(recounted);
}

/** The facets as a person would count them: every generation the query shows, one by one. */
function countedOneByOne(store: Store, query: { filters?: GalleryFilters; search?: string }) {
  const items = [];
  let cursor: string | null = null;
  do {
    const page = store.galleryPage({ ...query, cursor, limit: 500 });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const tally = (values: (string | number | null)[]) => {
    const counts = new Map<string | number, number>();
    for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
    return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => String(a.value).localeCompare(String(b.value)));
  };
  return {
    total: items.length,
    favourites: items.filter((item) => item.favourite).length,
    families: tally(items.map((item) => item.family)),
    modalities: tally(items.map((item) => item.modality)),
    states: tally(items.map((item) => item.state)),
    modelIds: tally(items.map((item) => item.modelId)),
    folderIds: tally(items.map((item) => item.folderId)),
    presetIds: tally(items.map((item) => item.presetId)),
    tags: tally(items.flatMap((item) => item.tags)),
  };
}

function facetsOf(store: Store, query: { filters?: GalleryFilters; search?: string }) {
  const facets = store.facetCounts(query);
  const plain = (list: { value: string | number; count: number }[]) =>
    list.map(({ value, count }) => ({ value, count })).sort((a, b) => String(a.value).localeCompare(String(b.value)));
  return {
    total: facets.total,
    favourites: facets.favourites,
    families: plain(facets.families),
    modalities: plain(facets.modalities),
    states: plain(facets.states),
    modelIds: plain(facets.models),
    folderIds: plain(facets.folders),
    presetIds: plain(facets.presets),
    tags: plain(facets.tags),
  };
}

/** A v5 library (before kept counts) with live, trashed, tagged and folder-less generations. */
function createVersionFiveLibrary(file: string) {
  const { db } = openDatabase({ file, migrations: migrations.slice(0, 5) });
  db.exec(`
    INSERT INTO presets (id, name, created_at) VALUES (1, 'Old preset', 0);
    INSERT INTO preset_versions (id, preset_id, version, name, family, preset_json, created_at) VALUES
      (1, 1, 1, 'Old preset', 'sd-1_5', '{}', 0), (2, 1, 2, 'Old preset', 'sd-1_5', '{}', 1);
    INSERT INTO watched_folders (id, path, options_json, created_at) VALUES (1, '/in', '{}', 0);
    INSERT INTO inputs (sha256, original_path, file_name, library_rel_path, bytes, created_at) VALUES ('f00', '/in/castle.png', 'castle.png', 'inputs/f00.png', 10, 0);
    INSERT INTO trash_batches (id, created_at) VALUES (1, 5);
    INSERT INTO generations (input_id, preset_version_id, folder_id, kind, request_json, model_id, family, modality, prompt, state, state_changed_at, created_at, favourite, deleted_at, trash_batch_id)
    VALUES (1, 1, 1, 'hotfolder', '{}', 'model_x', 'sd-1_5', 'canny', 'a castle at dusk', 'done', 0, 0, 1, NULL, NULL),
           (1, 1, 1, 'hotfolder', '{}', 'model_x', 'sd-1_5', 'canny', 'a castle at noon', 'done', 0, 1, 0, NULL, NULL),
           (1, 2, NULL, 'manual', '{}', 'model_y', 'sd-1_5', 'pose', 'a forest', 'failed', 0, 2, 0, NULL, NULL),
           (1, 2, NULL, 'manual', '{}', 'model_y', 'sd-1_5', 'pose', 'a castle in the trash', 'done', 0, 3, 0, 5, 1);
    INSERT INTO tags (id, name) VALUES (1, 'hero'), (2, 'wip');
    INSERT INTO generation_tags (generation_id, tag_id) VALUES (1, 1), (2, 1), (3, 2), (4, 1), (4, 2);
  `);
  closeDatabase(db, file);
}

describe('kept facet counts', () => {
  it('are built for an existing library when it upgrades, and answer as a recount does', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = join(dir, 'history.sqlite');
    createVersionFiveLibrary(file);
    const store = openStore({ file });
    try {
      expect(store.previousVersion).toBe(5);
      expect(listBackups(store.backupDir).map((backup) => backup.schemaVersion)).toEqual([5]);
      expectExactCounts(store);
      const all = store.facetCounts({});
      expect(all).toMatchObject({ total: 3, favourites: 1, presets: [{ value: 1, label: 'Old preset', count: 3 }] });
      expect(all.folders).toEqual([{ value: 1, label: '/in', count: 2 }]);
      expect(all.tags).toEqual([
        { value: 'hero', label: 'hero', count: 2 },
        { value: 'wip', label: 'wip', count: 1 },
      ]);
      expect(store.facetCounts({ filters: { trashed: true } }).tags.map((tag) => [tag.value, tag.count])).toEqual([['hero', 1], ['wip', 1]]);
      expect(facetsOf(store, { search: 'castle' })).toEqual(countedOneByOne(store, { search: 'castle' }));
      expect(store.organise.listTags().map((tag) => [tag.name, tag.count])).toEqual([['hero', 2], ['wip', 1]]);
      // And they are kept from then on.
      store.trash.undo(1);
      store.folders.remove(1);
      expectExactCounts(store);
      expect(store.facetCounts({}).folders).toEqual([]);
      expect(store.checkIntegrity()).toEqual([]);
    } finally {
      store.close();
    }
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    expect(raw.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'generations_facets'").pluck().get()).toBe(0);
    raw.close();
  });

  it('stay exact through any sequence of changes, and every query counts as showing its generations one by one would', () => {
    // Few places, so operations meet the same generations often.
    const index = fc.nat({ max: 7 });
    const operation = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('create' as const), model: fc.nat({ max: 2 }), modality: fc.nat({ max: 2 }), folder: fc.nat({ max: 2 }), word: fc.nat({ max: 2 }), done: fc.boolean() }), weight: 4 },
      fc.record({ kind: fc.constant('reproduce' as const), index }),
      fc.record({ kind: fc.constant('transition' as const), index, to: fc.constantFrom(...(['validated', 'failed', 'canceled', 'detected', 'done'] as const)) }),
      fc.record({ kind: fc.constant('favourite' as const), indexes: fc.array(index, { maxLength: 4 }), favourite: fc.boolean() }),
      fc.record({ kind: fc.constant('rate' as const), indexes: fc.array(index, { maxLength: 4 }), rating: fc.nat({ max: 5 }) }),
      fc.record({ kind: fc.constant('tag' as const), indexes: fc.array(index, { maxLength: 4 }), tag: fc.nat({ max: 2 }) }),
      fc.record({ kind: fc.constant('untag' as const), indexes: fc.array(index, { maxLength: 4 }), tag: fc.nat({ max: 2 }) }),
      fc.record({ kind: fc.constant('addImage' as const), index }),
      fc.record({ kind: fc.constant('trash' as const), indexes: fc.array(index, { maxLength: 4 }) }),
      fc.record({ kind: fc.constant('trashImage' as const), index }),
      fc.record({ kind: fc.constant('undo' as const), batch: fc.nat({ max: 5 }) }),
      fc.record({ kind: fc.constant('purge' as const) }),
      fc.record({ kind: fc.constant('removeFolder' as const), folder: fc.nat({ max: 1 }) }),
    );
    const WORDS = ['castle', 'forest', 'castle forest'];
    const TAGS = ['hero', 'wip', 'Keep'];

    fc.assert(
      fc.property(fc.array(operation, { minLength: 10, maxLength: 40, size: 'max' }), (operations) => {
        const context = storeWithBasics();
        const { store, clock, generate } = context;
        // One reader for the whole run: a connection opened for each of its 40 checks made the
        // property slow enough to time out on a loaded machine.
        const reader = new Database(store.file, { readonly: true });
        try {
          const other = store.presets.create({ name: 'Flux depth', family: 'flux', preset: {} });
          const folders = [store.folders.add({ path: '/watch/a', presetIds: [context.preset.id] }).id, store.folders.add({ path: '/watch/b', presetIds: [context.preset.id] }).id];
          const removedFolders = new Set<number>();
          // Never trashed: a purge would otherwise take the one input along with its last generation.
          generate({ prompt: 'the keeper' });
          const ids: number[] = [];
          const batches: number[] = [];
          const imageIds: number[] = [];
          const pick = (i: number) => ids[i % Math.max(ids.length, 1)];
          const picked = (indexes: number[]) => indexes.map(pick).filter((id): id is number => id !== undefined);
          const attempt = (work: () => void) => {
            try {
              work();
            } catch (error) {
              // Refusals (a transition the state machine forbids, a running generation's image,
              // an undone batch) change nothing: the counts are checked all the same.
              if (!(error instanceof StoreError)) throw error;
            }
          };
          for (const op of operations) {
            clock.advance(1000);
            if (op.kind === 'create') {
              const generation = generate({
                presetVersionId: op.model === 2 ? other.currentVersion.id : context.preset.currentVersion.id,
                modelId: ['model_a', 'model_b', 'model_flux'][op.model],
                family: op.model === 2 ? 'flux' : 'sd-xl',
                modality: ['canny', 'depth', 'pose'][op.modality],
                folderId: [...folders, null].filter((folder) => folder === null || !removedFolders.has(folder))[op.folder] ?? null,
                prompt: `a ${WORDS[op.word]}`,
                state: op.done ? 'done' : 'detected',
              });
              ids.push(generation.id);
            } else if (op.kind === 'reproduce') {
              const id = pick(op.index);
              if (id !== undefined) attempt(() => void ids.push(store.generations.createReproduction(id).id));
            } else if (op.kind === 'transition') {
              const id = pick(op.index);
              if (id !== undefined) attempt(() => void store.generations.transition(id, op.to));
            } else if (op.kind === 'favourite') {
              store.organise.setFavourite(picked(op.indexes), op.favourite);
            } else if (op.kind === 'rate') {
              store.organise.setRating(picked(op.indexes), op.rating);
            } else if (op.kind === 'tag') {
              store.organise.tag(picked(op.indexes), [TAGS[op.tag]!]);
            } else if (op.kind === 'untag') {
              store.organise.untag(picked(op.indexes), [TAGS[op.tag]!]);
            } else if (op.kind === 'addImage') {
              const id = pick(op.index);
              if (id !== undefined) attempt(() => void imageIds.push(store.images.add(id, { idx: imageIds.length, relPath: `out/${imageIds.length}.png` }).id));
            } else if (op.kind === 'trash') {
              batches.push(store.trash.softDelete(picked(op.indexes)).batchId);
            } else if (op.kind === 'trashImage') {
              const imageId = imageIds[op.index % Math.max(imageIds.length, 1)];
              if (imageId !== undefined) attempt(() => void batches.push(store.trash.trashImages([imageId]).batchId));
            } else if (op.kind === 'undo') {
              const batch = batches[op.batch % Math.max(batches.length, 1)];
              if (batch !== undefined) attempt(() => void store.trash.undo(batch));
            } else if (op.kind === 'purge') {
              // Everything trashed before now goes, with its tags (ON DELETE CASCADE).
              store.trash.purge(0);
              ids.splice(0, ids.length, ...ids.filter((id) => store.generations.get(id) !== null));
            } else {
              store.folders.remove(folders[op.folder]!);
              removedFolders.add(folders[op.folder]!);
            }
            expectExactCounts(store, reader);
          }
          const later = clock.now() - 10_000;
          const queries: { filters?: GalleryFilters; search?: string }[] = [
            {},
            { filters: { trashed: true } },
            { search: 'castle' },
            { search: 'cast', filters: { family: 'sd-xl', favourite: true } },
            { filters: { modality: 'depth' } },
            { filters: { tag: 'hero' } },
            { search: 'forest', filters: { tag: 'wip', trashed: true } },
            // Filters on the generation's own columns, alone and beside a search or a tag.
            { filters: { minRating: 2 } },
            { filters: { createdFrom: later, states: ['done'] } },
            { search: 'castle', filters: { createdBefore: later, minRating: 1 } },
            { filters: { tag: 'Keep', createdFrom: later } },
          ];
          for (const query of queries) {
            expect(facetsOf(store, query), JSON.stringify(query)).toEqual(countedOneByOne(store, query));
          }
        } finally {
          reader.close();
          context.close();
        }
      }),
      { numRuns: 60 },
    );
    // CPU-bound, no waiting on anything: 60 stores of 10 to 40 changes took 10 s on a quiet machine
    // and over 30 s under a load of 30. A time limit here would measure the machine, not the code.
  }, 180_000);
});

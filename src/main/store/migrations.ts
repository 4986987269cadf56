import type Database from 'better-sqlite3';

/**
 * Numbered schema migrations. The database's `PRAGMA user_version` is the number of the last one
 * applied; opening runs every later one in a single transaction, so a failure leaves the file at
 * its old version (see database.ts). Never edit a released migration: append a new one.
 *
 * Migrations run with foreign keys off, as SQLite's table-rebuild procedure requires (create the
 * new table, copy, drop the old, rename): dropping a table that others reference would otherwise
 * fail even when the renamed copy keeps every id. `PRAGMA foreign_key_check` runs before the
 * commit, so a migration still cannot leave a dangling reference.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database.Database): void;
}

const GENERATION_STATES_SQL =
  "'detected','validated','uploaded','submitting','submitted','downloading','done','failed','canceled','outcome-unknown'";

const coreSchema: Migration = {
  version: 1,
  name: 'core schema: presets, folders, inputs, generations, images, tags, trash, settings, models',
  up(db) {
    db.exec(`
      CREATE TABLE presets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        archived_at INTEGER
      ) STRICT;
      -- Archived presets keep their name for history, so only live names must be unique.
      CREATE UNIQUE INDEX presets_live_name ON presets(name COLLATE NOCASE) WHERE archived_at IS NULL;

      -- A version is immutable: generations point at the exact preset they were made with.
      CREATE TABLE preset_versions (
        id INTEGER PRIMARY KEY,
        preset_id INTEGER NOT NULL REFERENCES presets(id),
        version INTEGER NOT NULL,
        name TEXT NOT NULL,
        family TEXT NOT NULL,
        preset_json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        dry_run_cost_cu REAL,
        dry_run_checked_at INTEGER,
        UNIQUE (preset_id, version)
      ) STRICT;

      CREATE TABLE watched_folders (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        options_json TEXT NOT NULL,
        paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE folder_presets (
        folder_id INTEGER NOT NULL REFERENCES watched_folders(id) ON DELETE CASCADE,
        preset_id INTEGER NOT NULL REFERENCES presets(id),
        position INTEGER NOT NULL,
        PRIMARY KEY (folder_id, preset_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX folder_presets_by_preset ON folder_presets(preset_id);

      CREATE TABLE inputs (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        original_path TEXT NOT NULL,
        file_name TEXT NOT NULL,
        library_rel_path TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        width INTEGER,
        height INTEGER,
        format TEXT,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE trash_batches (
        id INTEGER PRIMARY KEY,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE generations (
        id INTEGER PRIMARY KEY,
        input_id INTEGER NOT NULL REFERENCES inputs(id),
        preset_version_id INTEGER NOT NULL REFERENCES preset_versions(id),
        folder_id INTEGER REFERENCES watched_folders(id) ON DELETE SET NULL,
        kind TEXT NOT NULL CHECK (kind IN ('hotfolder', 'manual', 'reproduction', 'variation')),
        parent_id INTEGER REFERENCES generations(id) ON DELETE SET NULL,
        request_json TEXT NOT NULL,
        seed TEXT,
        model_id TEXT NOT NULL,
        model_name TEXT,
        family TEXT NOT NULL,
        modality TEXT NOT NULL,
        prompt TEXT NOT NULL,
        negative_prompt TEXT,
        state TEXT NOT NULL CHECK (state IN (${GENERATION_STATES_SQL})),
        state_changed_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        submitted_at INTEGER,
        finished_at INTEGER,
        image_asset_id TEXT,
        job_id TEXT,
        cost_cu REAL,
        error_code TEXT,
        error_message TEXT,
        simulated INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0, 1)),
        submit_attempts INTEGER NOT NULL DEFAULT 0,
        favourite INTEGER NOT NULL DEFAULT 0 CHECK (favourite IN (0, 1)),
        rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
        deleted_at INTEGER,
        trash_batch_id INTEGER REFERENCES trash_batches(id)
      ) STRICT;
      -- The gallery walks newest first by (created_at, id); each common filter gets the same
      -- tail so a filtered page is still an index range scan, not a sort.
      -- Partial like the live gallery's WHERE, so the planner matches it exactly to the first page.
      CREATE INDEX generations_by_time ON generations(created_at, id) WHERE deleted_at IS NULL;
      CREATE INDEX generations_by_model ON generations(model_id, created_at, id);
      CREATE INDEX generations_by_preset_version ON generations(preset_version_id, created_at, id);
      CREATE INDEX generations_by_folder ON generations(folder_id, created_at, id) WHERE folder_id IS NOT NULL;
      CREATE INDEX generations_by_state ON generations(state, created_at, id);
      CREATE INDEX generations_favourites ON generations(created_at, id) WHERE favourite = 1;
      -- Covers the facet counts of the live library: one in-order walk, no table reads. Partial
      -- rather than led by deleted_at, so the planner never prefers it (and a sort) for a page.
      CREATE INDEX generations_facets
        ON generations(preset_version_id, model_id, family, modality, folder_id, state, favourite) WHERE deleted_at IS NULL;
      CREATE INDEX generations_by_input ON generations(input_id);
      CREATE INDEX generations_by_parent ON generations(parent_id) WHERE parent_id IS NOT NULL;
      CREATE INDEX generations_spending ON generations(submitted_at) WHERE cost_cu IS NOT NULL;
      CREATE INDEX generations_in_trash ON generations(trash_batch_id) WHERE trash_batch_id IS NOT NULL;

      CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        generation_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
        asset_id TEXT,
        idx INTEGER NOT NULL,
        rel_path TEXT NOT NULL,
        thumb_rel_path TEXT,
        width INTEGER,
        height INTEGER,
        bytes INTEGER,
        sha256 TEXT,
        missing INTEGER NOT NULL DEFAULT 0 CHECK (missing IN (0, 1)),
        created_at INTEGER NOT NULL,
        UNIQUE (generation_id, idx)
      ) STRICT;
      CREATE INDEX images_without_thumbnail ON images(id) WHERE thumb_rel_path IS NULL;

      CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE
      ) STRICT;

      CREATE TABLE generation_tags (
        generation_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        PRIMARY KEY (generation_id, tag_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX generation_tags_by_tag ON generation_tags(tag_id, generation_id);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE models_cache (
        model_id TEXT PRIMARY KEY,
        model_json TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
      ) STRICT;
    `);
  },
};

/** The text one generation is found by; the triggers and the backfill share it. */
const SEARCH_SOURCE_SELECT = `
  SELECT g.id, g.prompt, coalesce(g.negative_prompt, ''), pv.name, coalesce(g.model_name, g.model_id), i.file_name,
         coalesce((SELECT group_concat(t.name, ' ') FROM generation_tags gt JOIN tags t ON t.id = gt.tag_id
                   WHERE gt.generation_id = g.id), '')
  FROM generations g
  JOIN preset_versions pv ON pv.id = g.preset_version_id
  JOIN inputs i ON i.id = g.input_id`;

const SEARCH_COLUMNS = 'rowid, prompt, negative_prompt, preset_name, model_name, file_name, tags';

const fullTextSearch: Migration = {
  version: 2,
  name: 'full-text search over prompts, preset, model, file name and tags',
  up(db) {
    // Contentless (content='') keeps the index small: the text already lives in the tables,
    // and contentless_delete lets triggers remove a row by rowid. Prefix indexes make the
    // type-ahead search on the last term cheap.
    db.exec(`
      CREATE VIRTUAL TABLE generation_search USING fts5(
        prompt, negative_prompt, preset_name, model_name, file_name, tags,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
      );

      CREATE TRIGGER generation_search_insert AFTER INSERT ON generations BEGIN
        INSERT INTO generation_search(${SEARCH_COLUMNS}) ${SEARCH_SOURCE_SELECT} WHERE g.id = new.id;
      END;
      -- Only the searched columns: state changes must not rewrite the index.
      CREATE TRIGGER generation_search_update
      AFTER UPDATE OF prompt, negative_prompt, model_name, model_id, preset_version_id, input_id ON generations BEGIN
        DELETE FROM generation_search WHERE rowid = old.id;
        INSERT INTO generation_search(${SEARCH_COLUMNS}) ${SEARCH_SOURCE_SELECT} WHERE g.id = new.id;
      END;
      CREATE TRIGGER generation_search_delete AFTER DELETE ON generations BEGIN
        DELETE FROM generation_search WHERE rowid = old.id;
      END;
      CREATE TRIGGER generation_search_tag_added AFTER INSERT ON generation_tags BEGIN
        DELETE FROM generation_search WHERE rowid = new.generation_id;
        INSERT INTO generation_search(${SEARCH_COLUMNS}) ${SEARCH_SOURCE_SELECT} WHERE g.id = new.generation_id;
      END;
      CREATE TRIGGER generation_search_tag_removed AFTER DELETE ON generation_tags BEGIN
        DELETE FROM generation_search WHERE rowid = old.generation_id;
        INSERT INTO generation_search(${SEARCH_COLUMNS}) ${SEARCH_SOURCE_SELECT} WHERE g.id = old.generation_id;
      END;

      INSERT INTO generation_search(${SEARCH_COLUMNS}) ${SEARCH_SOURCE_SELECT};
    `);
  },
};

const queueLookups: Migration = {
  version: 3,
  name: 'queue lookups: generations by Scenario job id, finished generations by time',
  up(db) {
    db.exec(`
      -- Reconciling a lost submission skips jobs that another row already owns.
      CREATE INDEX generations_by_job ON generations(job_id) WHERE job_id IS NOT NULL;
      -- The queue's "done / failed today" counts, without scanning the history.
      CREATE INDEX generations_finished ON generations(finished_at, state) WHERE finished_at IS NOT NULL;
    `);
  },
};

const trashBatchIdsNeverReused: Migration = {
  version: 4,
  name: 'trash batch ids are never reused',
  up(db) {
    // Without AUTOINCREMENT, SQLite hands out max(id) + 1, so the id of an undone or purged batch
    // came back for the next one: a stale "undo" (a window, the CLI) then restored the wrong
    // batch, and the new batch's trash folder had the old one's name. The copy seeds the sequence
    // with the largest id still present; ids of batches already gone before this cannot be known.
    db.exec(`
      CREATE TABLE trash_batches_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at INTEGER NOT NULL
      ) STRICT;
      INSERT INTO trash_batches_new (id, created_at) SELECT id, created_at FROM trash_batches;
      DROP TABLE trash_batches;
      ALTER TABLE trash_batches_new RENAME TO trash_batches;
    `);
  },
};

/** The columns an image row has, in order: shared by the rebuild below and the trash that moves rows. */
export const IMAGE_COLUMNS = 'id, generation_id, asset_id, idx, rel_path, thumb_rel_path, width, height, bytes, sha256, missing, created_at';

const imagesInTheTrash: Migration = {
  version: 5,
  name: 'single images in the trash; image ids are never reused',
  up(db) {
    // An image moved to the trash leaves `images` (the gallery, the detail and export read only
    // live rows) and comes back with its own id on undo, so that id must never be handed to a new
    // image meanwhile, nor may a late thumbnail for the old image land on a new one: AUTOINCREMENT.
    db.exec(`
      CREATE TABLE images_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        generation_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
        asset_id TEXT,
        idx INTEGER NOT NULL,
        rel_path TEXT NOT NULL,
        thumb_rel_path TEXT,
        width INTEGER,
        height INTEGER,
        bytes INTEGER,
        sha256 TEXT,
        missing INTEGER NOT NULL DEFAULT 0 CHECK (missing IN (0, 1)),
        created_at INTEGER NOT NULL,
        UNIQUE (generation_id, idx)
      ) STRICT;
      INSERT INTO images_new (${IMAGE_COLUMNS}) SELECT ${IMAGE_COLUMNS} FROM images;
      DROP TABLE images;
      ALTER TABLE images_new RENAME TO images;
      CREATE INDEX images_without_thumbnail ON images(id) WHERE thumb_rel_path IS NULL;

      -- Images deleted one by one (not with their generation), until undo or purge.
      CREATE TABLE trashed_images (
        id INTEGER PRIMARY KEY,
        generation_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
        asset_id TEXT,
        idx INTEGER NOT NULL,
        rel_path TEXT NOT NULL,
        thumb_rel_path TEXT,
        width INTEGER,
        height INTEGER,
        bytes INTEGER,
        sha256 TEXT,
        missing INTEGER NOT NULL CHECK (missing IN (0, 1)),
        created_at INTEGER NOT NULL,
        trash_batch_id INTEGER NOT NULL REFERENCES trash_batches(id),
        deleted_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX trashed_images_by_batch ON trashed_images(trash_batch_id);
      CREATE INDEX trashed_images_by_generation ON trashed_images(generation_id);
      CREATE INDEX trashed_images_by_time ON trashed_images(deleted_at);
    `);
  },
};

/**
 * What a generation is counted by in `facet_counts` (the facets' columns), in the order of its
 * unique key. The gallery reads the table by the same list: a later change of the counted
 * columns is a new migration with a list of its own, never an edit of this one.
 */
export const FACET_COLUMNS = ['preset_version_id', 'model_id', 'family', 'modality', 'folder_id', 'state', 'favourite'] as const;

/** The key of `facet_counts`: a generation with no folder is keyed by 0 (no folder has that id), as NULLs never conflict. */
const FACET_KEY = `${FACET_COLUMNS.map((column) => (column === 'folder_id' ? 'ifnull(folder_id, 0)' : column)).join(', ')}, trashed`;

/** The `facet_counts` row of the generation `row` ('new' or 'old' in a trigger, an alias elsewhere). */
function facetRowOf(row: string): string {
  const same = FACET_COLUMNS.map((column) => (column === 'folder_id' ? `ifnull(folder_id, 0) = ifnull(${row}.folder_id, 0)` : `${column} = ${row}.${column}`));
  return `SELECT id FROM facet_counts WHERE ${same.join(' AND ')} AND trashed = (${row}.deleted_at IS NOT NULL)`;
}

/** Counts the generation `new` in its facet_counts row and remembers which row that is. */
const COUNT_NEW_GENERATION = `
  INSERT INTO facet_counts (${FACET_COLUMNS.join(', ')}, trashed, count)
  VALUES (${FACET_COLUMNS.map((column) => `new.${column}`).join(', ')}, new.deleted_at IS NOT NULL, 1)
  ON CONFLICT (${FACET_KEY}) DO UPDATE SET count = count + 1;
  INSERT INTO generation_facets (generation_id, facet_id) VALUES (new.id, (${facetRowOf('new')}));`;

/** Takes the generation `old` out of its facet_counts row (the row goes with its last generation). */
const UNCOUNT_OLD_GENERATION = `
  DELETE FROM facet_counts WHERE id = (SELECT facet_id FROM generation_facets WHERE generation_id = old.id) AND count = 1;
  UPDATE facet_counts SET count = count - 1 WHERE id = (SELECT facet_id FROM generation_facets WHERE generation_id = old.id);
  DELETE FROM generation_facets WHERE generation_id = old.id;`;

/** Adds 1 to the tags of generation `row` in the bucket `trashed` (an SQL expression). */
function countTagsOf(row: string, trashed: string): string {
  return `
  INSERT INTO tag_counts (tag_id, trashed, count) SELECT tag_id, ${trashed}, 1 FROM generation_tags WHERE generation_id = ${row}.id
  ON CONFLICT (tag_id, trashed) DO UPDATE SET count = count + 1;`;
}

/** Takes 1 from the tags of generation `row` in the bucket `trashed` (an SQL expression). */
function uncountTagsOf(row: string, trashed: string): string {
  const ofRow = `tag_id IN (SELECT tag_id FROM generation_tags WHERE generation_id = ${row}.id)`;
  return `
  DELETE FROM tag_counts WHERE trashed = ${trashed} AND ${ofRow} AND count = 1;
  UPDATE tag_counts SET count = count - 1 WHERE trashed = ${trashed} AND ${ofRow};`;
}

const keptFacetCounts: Migration = {
  version: 6,
  name: 'facet counts kept by triggers: per combination of filterable columns, per tag',
  up(db) {
    // Counting facets meant one pass over every generation that matched: 0.6-1.6 s over the
    // whole library at 1,000,000 generations. The counts are kept instead, as the full-text index
    // is, by triggers (so no write path can forget them), in two small tables:
    // - facet_counts: how many generations share each combination of the columns the gallery
    //   filters and counts by, live and trashed apart (a few thousand rows). The whole library's
    //   facets, or those under filters on these columns, are sums over it.
    // - tag_counts: how many live and trashed generations carry each tag.
    // generation_facets names each generation's facet_counts row: counting within a search then
    // reads this narrow table (stays in the page cache) for each match, not the generation row.
    // The covering index the whole-library scan used goes with that scan.
    db.exec(`
      DROP INDEX generations_facets;

      CREATE TABLE facet_counts (
        id INTEGER PRIMARY KEY,
        preset_version_id INTEGER NOT NULL,
        model_id TEXT NOT NULL,
        family TEXT NOT NULL,
        modality TEXT NOT NULL,
        folder_id INTEGER,
        state TEXT NOT NULL,
        favourite INTEGER NOT NULL,
        trashed INTEGER NOT NULL CHECK (trashed IN (0, 1)),
        count INTEGER NOT NULL CHECK (count > 0)
      ) STRICT;
      CREATE UNIQUE INDEX facet_counts_key ON facet_counts(${FACET_KEY});
      INSERT INTO facet_counts (${FACET_COLUMNS.join(', ')}, trashed, count)
      SELECT ${FACET_COLUMNS.join(', ')}, deleted_at IS NOT NULL, count(*) FROM generations
      GROUP BY ${FACET_COLUMNS.join(', ')}, deleted_at IS NOT NULL;

      CREATE TABLE generation_facets (
        generation_id INTEGER PRIMARY KEY,
        facet_id INTEGER NOT NULL
      ) STRICT;
      -- One lookup in facet_counts' key per generation, written in id order.
      INSERT INTO generation_facets (generation_id, facet_id)
      SELECT g.id, (${facetRowOf('g')}) FROM generations g ORDER BY g.id;

      CREATE TABLE tag_counts (
        tag_id INTEGER NOT NULL,
        trashed INTEGER NOT NULL CHECK (trashed IN (0, 1)),
        count INTEGER NOT NULL CHECK (count > 0),
        PRIMARY KEY (tag_id, trashed)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO tag_counts (tag_id, trashed, count)
      SELECT gt.tag_id, g.deleted_at IS NOT NULL, count(*) FROM generation_tags gt JOIN generations g ON g.id = gt.generation_id
      GROUP BY gt.tag_id, g.deleted_at IS NOT NULL;

      CREATE TRIGGER facet_counts_insert AFTER INSERT ON generations BEGIN ${COUNT_NEW_GENERATION}
      END;
      -- Only when a counted column changes: a transition's other columns (job id, cost...) do not
      -- touch the counts.
      CREATE TRIGGER facet_counts_update AFTER UPDATE OF id, ${FACET_COLUMNS.join(', ')}, deleted_at ON generations
      WHEN ${FACET_COLUMNS.map((column) => `old.${column} IS NOT new.${column}`).join(' OR ')}
        OR old.id <> new.id OR (old.deleted_at IS NULL) <> (new.deleted_at IS NULL)
      BEGIN ${UNCOUNT_OLD_GENERATION} ${COUNT_NEW_GENERATION}
      END;
      CREATE TRIGGER facet_counts_delete AFTER DELETE ON generations BEGIN ${UNCOUNT_OLD_GENERATION}
      END;

      CREATE TRIGGER tag_counts_link AFTER INSERT ON generation_tags
      WHEN EXISTS (SELECT 1 FROM generations WHERE id = new.generation_id) BEGIN
        INSERT INTO tag_counts (tag_id, trashed, count)
        VALUES (new.tag_id, (SELECT deleted_at IS NOT NULL FROM generations WHERE id = new.generation_id), 1)
        ON CONFLICT (tag_id, trashed) DO UPDATE SET count = count + 1;
      END;
      -- A generation's links deleted with it (ON DELETE CASCADE) are deleted after it is gone:
      -- tag_counts_forget took them out of the counts already, when its trash state was known.
      CREATE TRIGGER tag_counts_unlink AFTER DELETE ON generation_tags
      WHEN EXISTS (SELECT 1 FROM generations WHERE id = old.generation_id) BEGIN
        DELETE FROM tag_counts WHERE tag_id = old.tag_id AND count = 1
          AND trashed = (SELECT deleted_at IS NOT NULL FROM generations WHERE id = old.generation_id);
        UPDATE tag_counts SET count = count - 1 WHERE tag_id = old.tag_id
          AND trashed = (SELECT deleted_at IS NOT NULL FROM generations WHERE id = old.generation_id);
      END;
      CREATE TRIGGER tag_counts_trash AFTER UPDATE OF deleted_at ON generations
      WHEN (old.deleted_at IS NULL) <> (new.deleted_at IS NULL) BEGIN
        ${uncountTagsOf('old', '(old.deleted_at IS NOT NULL)')}
        ${countTagsOf('new', '(new.deleted_at IS NOT NULL)')}
      END;
      CREATE TRIGGER tag_counts_forget BEFORE DELETE ON generations BEGIN
        ${uncountTagsOf('old', '(old.deleted_at IS NOT NULL)')}
      END;
    `);
  },
};

const chargesKeptApart: Migration = {
  version: 7,
  name: 'charges: one row per accepted submission, kept by a trigger',
  up(db) {
    // Spending was read from each generation's cost: a generation charged, canceled or failed,
    // then retried and charged again kept only its last cost, so a daily budget let jobs through
    // over it (found by the seeded simulation). Each time a generation enters `submitted` with a
    // cost, Scenario accepted (and charged) one submission: a trigger records it, so no write path
    // can forget it. Charges outlive a purged generation: the money was spent.
    db.exec(`
      CREATE TABLE charges (
        id INTEGER PRIMARY KEY,
        generation_id INTEGER NOT NULL,
        cost_cu REAL NOT NULL,
        charged_at INTEGER NOT NULL,
        simulated INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX charges_by_time ON charges(charged_at);
      INSERT INTO charges (generation_id, cost_cu, charged_at, simulated)
        SELECT id, cost_cu, submitted_at, simulated FROM generations WHERE cost_cu IS NOT NULL AND submitted_at IS NOT NULL;
      CREATE TRIGGER charges_on_acceptance AFTER UPDATE OF state ON generations
      WHEN new.state = 'submitted' AND old.state <> 'submitted' AND new.cost_cu IS NOT NULL BEGIN
        INSERT INTO charges (generation_id, cost_cu, charged_at, simulated) VALUES (new.id, new.cost_cu, new.state_changed_at, new.simulated);
      END;
      DROP INDEX generations_spending;
      CREATE INDEX generations_pending_charges ON generations(state_changed_at) WHERE state IN ('submitting', 'outcome-unknown') AND cost_cu IS NOT NULL;
    `);
  },
};

const duplicatesUnderTheirOwnName: Migration = {
  version: 8,
  name: 'duplicates: a dropped copy is an input event under its own name, not a canceled generation',
  up(db) {
    // A file whose bytes were already generated with a preset (in a folder that allows no
    // duplicates) made a canceled generation under the first file's name: the gallery showed
    // tiles for nothing, and a search for the copy's own name found nothing. It is now an event of
    // the dropped file, pointing at the generation it duplicates. Rows made the old way stay.
    db.exec(`
      CREATE TABLE input_events (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('duplicate')),
        path TEXT NOT NULL,
        file_name TEXT NOT NULL,
        folder_id INTEGER REFERENCES watched_folders(id) ON DELETE SET NULL,
        input_id INTEGER NOT NULL REFERENCES inputs(id),
        preset_version_id INTEGER NOT NULL REFERENCES preset_versions(id),
        duplicate_of INTEGER REFERENCES generations(id) ON DELETE SET NULL,
        message TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX input_events_by_time ON input_events(created_at, id);
    `);
  },
};

const unknownOutcomesStaySpent: Migration = {
  version: 9,
  name: 'charges: a lost submission the person cancels or sends again counts as spent',
  up(db) {
    // A submission whose answer was lost counts against the budget until it is settled. When the
    // person cancels it or sends it again, Scenario may still have run it and charged it: its
    // estimate stays spent, so the budget cannot let later jobs through over a charge it could not
    // see (found by the seeded simulation, seed 1718). A job found in Scenario's list is charged
    // on entering 'submitted'; a submission answered "no job made" was never charged.
    db.exec(`
      CREATE TRIGGER charges_on_unsettled_outcome AFTER UPDATE OF state ON generations
      WHEN old.state = 'outcome-unknown' AND new.state NOT IN ('outcome-unknown', 'submitted') AND old.cost_cu IS NOT NULL AND coalesce(old.error_code, '') <> 'no-job-created' BEGIN
        INSERT INTO charges (generation_id, cost_cu, charged_at, simulated) VALUES (new.id, old.cost_cu, old.state_changed_at, new.simulated);
      END;
    `);
  },
};

const modelInputVersions: Migration = {
  version: 10,
  name: 'model_inputs: every version of a model\'s inputs a preset was checked against; generations.overrides_json: per-file overrides from sidecars; inputs made as maps from photos',
  up(db) {
    // A custom-model preset names the version of the model's inputs it was checked against; the
    // inputs themselves are kept here (never deleted, unlike the model list's cache) so the
    // preset runs offline and can say what changed once the model changes them.
    db.exec(`
      CREATE TABLE model_inputs (
        version TEXT PRIMARY KEY,
        model_id TEXT NOT NULL,
        inputs_json TEXT NOT NULL,
        seen_at INTEGER NOT NULL
      ) STRICT;
      -- The preset fields a file's sidecars (shot_010.txt, shot_010.json) changed for that file, as
      -- a JSON object; NULL when none did. The request body already holds them: this says which
      -- values differ from the preset, and lets the request be built again after a new upload.
      ALTER TABLE generations ADD COLUMN overrides_json TEXT;
      -- A control map made from a photo by Scenario's detection (a folder's "make a map first"):
      -- the map is an input of its own, linked to the photo it came from and the modality it shows.
      ALTER TABLE inputs ADD COLUMN source_input_id INTEGER REFERENCES inputs(id);
      ALTER TABLE inputs ADD COLUMN map_modality TEXT;
      CREATE INDEX inputs_maps ON inputs(source_input_id, map_modality) WHERE source_input_id IS NOT NULL;
    `);
  },
};

const teamHistory: Migration = {
  version: 11,
  name: "the team's history: imported generations (origin, author, lineage), sync marks, tag changes both ways, collections",
  up(db) {
    // Scenario keeps every job and asset of the project for every member; the library becomes
    // its offline copy (issue 19). Imported generations are ordinary rows (they search, filter,
    // compare and reproduce like our own) marked by where they came from.
    db.exec(`
      -- NULL: made by this library. Else 'another-machine' (a complete body, as this app sends)
      -- or 'web-app-or-plugin' (Scenario's API does not tell those two apart).
      ALTER TABLE generations ADD COLUMN origin TEXT;
      ALTER TABLE generations ADD COLUMN author_id TEXT;
      -- Why an imported job cannot be sent again through our endpoints; NULL when it can.
      ALTER TABLE generations ADD COLUMN not_reproducible TEXT;
      -- Lineage as Scenario lists it (asset ids): parent_id follows once the parent is here too.
      ALTER TABLE generations ADD COLUMN parent_asset_id TEXT;
      ALTER TABLE generations ADD COLUMN root_asset_id TEXT;
      -- When Scenario made it (created_at is when it arrived here: ids and created_at keep one order).
      ALTER TABLE generations ADD COLUMN remote_created_at INTEGER;
      -- A job is imported once, whatever crashes or repeats a sync.
      CREATE UNIQUE INDEX generations_imported_job ON generations(job_id) WHERE origin IS NOT NULL;
      CREATE INDEX generations_by_parent_asset ON generations(parent_asset_id) WHERE parent_asset_id IS NOT NULL AND parent_id IS NULL;
      -- Tags and lineage arrive by asset id.
      CREATE INDEX images_by_asset ON images(asset_id) WHERE asset_id IS NOT NULL;

      -- Where each listing stopped: a crashed or interrupted sync resumes from here.
      CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      -- Control images brought in from Scenario, by asset id: each is downloaded once.
      CREATE TABLE remote_inputs (
        asset_id TEXT PRIMARY KEY,
        input_id INTEGER NOT NULL REFERENCES inputs(id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX remote_inputs_by_input ON remote_inputs(input_id);

      -- The preset version an imported parameter set became, by the hash of its document.
      CREATE TABLE imported_presets (
        content_sha256 TEXT PRIMARY KEY,
        preset_version_id INTEGER NOT NULL REFERENCES preset_versions(id)
      ) STRICT, WITHOUT ROWID;
      -- Every new preset version checks its referencing rows: without this, a scan of them all.
      CREATE INDEX imported_presets_by_version ON imported_presets(preset_version_id);

      -- Every tag change, ours and Scenario's, kept as history. Ours are sent in id order
      -- (sent_at NULL until Scenario took it): the queue survives a crash. The last writer wins per tag.
      CREATE TABLE tag_changes (
        id INTEGER PRIMARY KEY,
        generation_id INTEGER NOT NULL,
        tag TEXT NOT NULL COLLATE NOCASE,
        change TEXT NOT NULL CHECK (change IN ('add', 'delete')),
        source TEXT NOT NULL CHECK (source IN ('local', 'remote')),
        at INTEGER NOT NULL,
        sent_at INTEGER,
        author_id TEXT
      ) STRICT;
      CREATE INDEX tag_changes_unsent ON tag_changes(id) WHERE source = 'local' AND sent_at IS NULL;
      CREATE INDEX tag_changes_by_generation ON tag_changes(generation_id, tag);
      -- Scenario's tags on each asset as last seen: a generation's remote tags are its images' union.
      CREATE TABLE asset_tags (
        asset_id TEXT NOT NULL,
        tag TEXT NOT NULL COLLATE NOCASE,
        PRIMARY KEY (asset_id, tag)
      ) STRICT, WITHOUT ROWID;

      -- Jobs listed but not yet imported (oldest imported first, so ids keep Scenario's order).
      CREATE TABLE sync_staged_jobs (
        job_id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        job_json TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX sync_staged_jobs_by_time ON sync_staged_jobs(created_at, job_id);
      -- Tags this library had before it synced are ours to send.
      INSERT INTO tag_changes (generation_id, tag, change, source, at)
        SELECT gt.generation_id, t.name, 'add', 'local', 0 FROM generation_tags gt JOIN tags t ON t.id = gt.tag_id
        JOIN generations g ON g.id = gt.generation_id WHERE g.job_id IS NOT NULL ORDER BY gt.generation_id;
      INSERT INTO tag_changes (generation_id, tag, change, source, at)
        SELECT id, 'favourite', 'add', 'local', 0 FROM generations WHERE favourite = 1 AND job_id IS NOT NULL;

      CREATE TABLE collections (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE collection_assets (
        collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        asset_id TEXT NOT NULL,
        PRIMARY KEY (collection_id, asset_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX collection_assets_by_asset ON collection_assets(asset_id);
    `);
  },
};

const jobsLeftBehind: Migration = {
  version: 12,
  name: 'left_jobs: every job a generation held and then left (canceled and retried, sent again): still ours',
  up(db) {
    // A generation retried after its job was canceled, or sent again, leaves its first job at
    // Scenario, where it may still have run. That job is ours: the team's sync must never import
    // it as another machine's (found by the seeded simulation: seed 1 canceled a submitted job,
    // retried it, and the next sync brought the first job in). Kept by a trigger, so no path
    // that moves a row to another job can forget it.
    db.exec(`
      CREATE TABLE left_jobs (
        job_id TEXT PRIMARY KEY,
        generation_id INTEGER NOT NULL,
        left_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE TRIGGER generations_leave_job AFTER UPDATE OF job_id ON generations
      WHEN old.job_id IS NOT NULL AND new.job_id IS NOT old.job_id BEGIN
        INSERT OR IGNORE INTO left_jobs (job_id, generation_id, left_at) VALUES (old.job_id, old.id, new.state_changed_at);
      END;
    `);
  },
};

const durableDetections: Migration = {
  version: 13,
  name: 'detections: each map made from a photo is a durable row, committed before the detect POST',
  up(db) {
    // "Make a map first" sent the photo to POST /generate/detect during intake, with nothing
    // recorded: a stop meanwhile detected (and paid) again at the next start. One row per (photo,
    // modality) now moves through src/shared/detection-machine.ts; it is committed in 'sending'
    // before the POST leaves, so a restart looks for the job in Scenario's job list instead.
    db.exec(`
      CREATE TABLE detections (
        id INTEGER PRIMARY KEY,
        photo_input_id INTEGER NOT NULL REFERENCES inputs(id),
        -- The map's name as generators use it (gray, not detection's grayscale).
        modality TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'unsent', 'outcome-unknown', 'done', 'failed')),
        -- The exact body POSTed (the photo by its uploaded asset id), to recognise its job.
        request_json TEXT NOT NULL,
        image_asset_id TEXT,
        job_id TEXT,
        -- The estimate from 'sending' on, then what Scenario charged; charged_at once it accepted.
        cost_cu REAL,
        charged_at INTEGER,
        -- The map goes for good with the last generation made from it (emptying the trash), and its
        -- detection with it: a later drop of the photo makes the map again.
        map_input_id INTEGER REFERENCES inputs(id) ON DELETE CASCADE,
        error_code TEXT,
        error_message TEXT,
        simulated INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        state_changed_at INTEGER NOT NULL,
        UNIQUE (photo_input_id, modality)
      ) STRICT;
      CREATE UNIQUE INDEX detections_by_job ON detections(job_id) WHERE job_id IS NOT NULL;
      CREATE INDEX detections_spending ON detections(charged_at) WHERE cost_cu IS NOT NULL;
    `);
  },
};

const deletedInScenario: Migration = {
  version: 14,
  name: 'deletions at Scenario: assets a member deleted, generations left with none, tag changes that can no longer be sent',
  up(db) {
    // Scenario's API lists what exists, never what was deleted: the sync learns a deletion when an
    // asset it asks for is absent (get-bulk), or answers 404 (tags, download).
    db.exec(`
      -- Assets deleted at Scenario, by asset id (an image row may move to the trash and back).
      CREATE TABLE remote_deleted_assets (
        asset_id TEXT PRIMARY KEY,
        noticed_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      -- When this library learned that every asset of the generation is gone at Scenario; its
      -- files here stay (an imported one goes to the Trash, where the person decides).
      ALTER TABLE generations ADD COLUMN deleted_in_scenario_at INTEGER;
      -- Why a change of ours will never be sent (its assets were deleted at Scenario); NULL while it may be.
      ALTER TABLE tag_changes ADD COLUMN dropped TEXT;
      DROP INDEX tag_changes_unsent;
      CREATE INDEX tag_changes_unsent ON tag_changes(id) WHERE source = 'local' AND sent_at IS NULL AND dropped IS NULL;
    `);
  },
};

/** The facet_totals rows of the facet_counts row `row`, `sign` (+ or -) its count. */
function addToTotals(row: string, sign: '+' | '-'): string {
  return FACET_COLUMNS.map(
    (column) => `
  INSERT INTO facet_totals (dimension, value, trashed, count)
  VALUES ('${column}', ${column === 'folder_id' ? `ifnull(${row}.folder_id, 0)` : `${row}.${column}`}, ${row}.trashed, ${sign}${row}.count)
  ON CONFLICT (dimension, value, trashed) DO UPDATE SET count = count + excluded.count;`,
  ).join('');
}

/** Adds `delta` to each tag of generation `generationId` in its facet row `facetId` (SQL expressions). */
function addToFacetTags(facetId: string, generationId: string, delta: 1 | -1): string {
  return `
  INSERT INTO facet_tags (facet_id, tag_id, count) SELECT ${facetId}, tag_id, ${delta} FROM generation_tags WHERE generation_id = ${generationId}
  ON CONFLICT (facet_id, tag_id) DO UPDATE SET count = count + ${delta};`;
}

const facetTotalsAndTagsByFacet: Migration = {
  version: 15,
  name: 'facet counts: kept totals per value of each counted column, tags counted per facet_counts row',
  up(db) {
    // At 1,000,000 generations facet_counts has ~9,000 rows: summing them for the whole library's
    // facets took 15 ms of CPU (50+ ms on a busy machine), and under a filter on a kept column
    // (a model, a family...) the tags were counted by a pass over every generation the filter
    // matched (0.6 s for a family). Two more tables, kept by triggers like facet_counts:
    // - facet_totals: per counted column and value, live and trashed apart (a hundred rows): the
    //   whole library's (or the trash's) facets read it alone. Rows that fall to 0 stay (a
    //   signed upsert adds and takes away alike), unread.
    // - facet_tags: per facet_counts row, how many of its generations carry each tag, so the tags
    //   under a kept filter are a sum over the rows the filter keeps.
    // facet_totals follows facet_counts' rows; facet_tags follows generation_facets (a generation
    // changing rows takes its tags along) and the tag links.
    db.exec(`
      CREATE TABLE facet_totals (
        dimension TEXT NOT NULL,
        value ANY NOT NULL,
        trashed INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (dimension, value, trashed)
      ) STRICT, WITHOUT ROWID;
      ${FACET_COLUMNS.map(
        (column) => `
      INSERT INTO facet_totals (dimension, value, trashed, count)
      SELECT '${column}', ${column === 'folder_id' ? 'ifnull(folder_id, 0)' : column}, trashed, sum(count) FROM facet_counts GROUP BY 2, 3;`,
      ).join('')}
      CREATE TRIGGER facet_totals_insert AFTER INSERT ON facet_counts BEGIN ${addToTotals('new', '+')}
      END;
      CREATE TRIGGER facet_totals_update AFTER UPDATE OF count ON facet_counts BEGIN ${addToTotals('old', '-')} ${addToTotals('new', '+')}
      END;
      CREATE TRIGGER facet_totals_delete AFTER DELETE ON facet_counts BEGIN ${addToTotals('old', '-')}
      END;

      CREATE TABLE facet_tags (
        facet_id INTEGER NOT NULL,
        tag_id INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (facet_id, tag_id)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO facet_tags (facet_id, tag_id, count)
      SELECT gf.facet_id, gt.tag_id, count(*) FROM generation_tags gt CROSS JOIN generation_facets gf ON gf.generation_id = gt.generation_id
      GROUP BY gf.facet_id, gt.tag_id;
      -- A generation deleted for good loses its facet row and its tag links in either order:
      -- whichever goes second finds the other gone and counts nothing.
      CREATE TRIGGER facet_tags_enter AFTER INSERT ON generation_facets BEGIN ${addToFacetTags('new.facet_id', 'new.generation_id', 1)}
      END;
      CREATE TRIGGER facet_tags_leave AFTER DELETE ON generation_facets BEGIN ${addToFacetTags('old.facet_id', 'old.generation_id', -1)}
      END;
      CREATE TRIGGER facet_tags_link AFTER INSERT ON generation_tags BEGIN
        INSERT INTO facet_tags (facet_id, tag_id, count) SELECT facet_id, new.tag_id, 1 FROM generation_facets WHERE generation_id = new.generation_id
        ON CONFLICT (facet_id, tag_id) DO UPDATE SET count = count + 1;
      END;
      CREATE TRIGGER facet_tags_unlink AFTER DELETE ON generation_tags BEGIN
        UPDATE facet_tags SET count = count - 1
        WHERE tag_id = old.tag_id AND facet_id = (SELECT facet_id FROM generation_facets WHERE generation_id = old.generation_id);
      END;
    `);
  },
};

export const migrations: readonly Migration[] = [
  coreSchema,
  fullTextSearch,
  queueLookups,
  trashBatchIdsNeverReused,
  imagesInTheTrash,
  keptFacetCounts,
  chargesKeptApart,
  duplicatesUnderTheirOwnName,
  unknownOutcomesStaySpent,
  modelInputVersions,
  teamHistory,
  jobsLeftBehind,
  durableDetections,
  deletedInScenario,
  facetTotalsAndTagsByFacet,
];

export const LATEST_SCHEMA_VERSION = Math.max(...migrations.map((migration) => migration.version));

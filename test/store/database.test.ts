import Database from 'better-sqlite3';
import { existsSync, openSync, readFileSync, writeFileSync, writeSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, listBackups, openStore, restoreBackup, StoreError } from '../../src/main/store';
import { closeDatabase, openDatabase, sessionMarkerPath } from '../../src/main/store/database';
import { migrations } from '../../src/main/store/migrations';
import { tempDir } from './fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

/** Overwrites whole pages with garbage, as a failing disk would. */
function damagePages(file: string, pages: number[]) {
  const fd = openSync(file, 'r+');
  for (const page of pages) writeSync(fd, Buffer.alloc(PAGE_SIZE, 0xa5), 0, PAGE_SIZE, (page - 1) * PAGE_SIZE);
  closeSync(fd);
}
const PAGE_SIZE = 4096;

function workspace() {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return { file: join(dir, 'history.sqlite'), backupDir: join(dir, 'backups') };
}

function expectStoreError(work: () => unknown, code: string): StoreError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe(code);
    expect((error as StoreError).userMessage.length).toBeGreaterThan(20);
    return error as StoreError;
  }
  throw new Error(`expected StoreError ${code}`);
}

/** A v1 database (first migration only) holding one generation, as an older release left it. */
function createVersionOneDatabase(file: string) {
  const { db } = openDatabase({ file, migrations: migrations.slice(0, 1) });
  db.exec(`
    INSERT INTO presets (id, name, created_at) VALUES (1, 'Old preset', 0);
    INSERT INTO preset_versions (preset_id, version, name, family, preset_json, created_at) VALUES (1, 1, 'Old preset', 'sd-1_5', '{}', 0);
    INSERT INTO inputs (sha256, original_path, file_name, library_rel_path, bytes, created_at) VALUES ('f00', '/in/cathedral_sketch.png', 'cathedral_sketch.png', 'inputs/f00.png', 10, 0);
    INSERT INTO generations (input_id, preset_version_id, kind, request_json, model_id, family, modality, prompt, state, state_changed_at, created_at)
    VALUES (1, 1, 'hotfolder', '{}', 'model_x', 'sd-1_5', 'canny', 'gothic cathedral at dusk', 'done', 0, 0);
  `);
  expect(db.pragma('user_version', { simple: true })).toBe(1);
  closeDatabase(db, file);
}

describe('opening and migrating', () => {
  it('creates a fresh database at the latest version with WAL and foreign keys', () => {
    const { file, backupDir } = workspace();
    const store = openStore({ file, backupDir });
    expect(store.previousVersion).toBe(0);
    expect(store.migrationBackupPath).toBeNull();
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(listBackups(backupDir)).toEqual([]);
  });

  it('upgrades a v1 database, copying it first and indexing its rows for search', () => {
    const { file, backupDir } = workspace();
    createVersionOneDatabase(file);
    const store = openStore({ file, backupDir });
    try {
      expect(store.previousVersion).toBe(1);
      const backups = listBackups(backupDir);
      expect(backups).toHaveLength(1);
      expect(backups[0]).toMatchObject({ path: store.migrationBackupPath, schemaVersion: 1 });
      const copy = new Database(backups[0]!.path, { readonly: true });
      expect(copy.pragma('user_version', { simple: true })).toBe(1);
      expect(copy.prepare('SELECT prompt FROM generations').pluck().get()).toBe('gothic cathedral at dusk');
      copy.close();
      expect(store.galleryPage({ search: 'cathedr', limit: 10 }).items.map((item) => item.prompt)).toEqual(['gothic cathedral at dusk']);
    } finally {
      store.close();
    }
    // Already current: opening again takes no further copy.
    openStore({ file, backupDir }).close();
    expect(listBackups(backupDir)).toHaveLength(1);
  });

  it('refuses a database from a newer version and leaves the file byte-identical', () => {
    const { file, backupDir } = workspace();
    openStore({ file, backupDir }).close();
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    const before = readFileSync(file);
    const error = expectStoreError(() => openStore({ file, backupDir }), 'newer-version');
    expect(error.userMessage).toMatch(/newer version/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(listBackups(backupDir)).toEqual([]);
  });

  it('keeps no planner statistics for the full-text index tables, so FTS5 never scans them', () => {
    const { file, backupDir } = workspace();
    const shadowStatistics = (db: Database.Database) =>
      db.prepare("SELECT count(*) FROM sqlite_stat1 WHERE tbl LIKE 'generation\\_search\\_%' ESCAPE '\\'").pluck().get();
    // What a new library used to record at its first open: the FTS5 data table as 2 rows.
    const { db } = openDatabase({ file, backupDir, migrations });
    expect(shadowStatistics(db)).toBe(0);
    db.prepare("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('generation_search_data', NULL, '2')").run();
    closeDatabase(db, file);

    const reopened = new Database(file, { readonly: true });
    try {
      expect(shadowStatistics(reopened)).toBe(0);
      // The lookup FTS5 makes when it removes a merged segment: a rowid range, not a table scan.
      const plan = reopened.prepare('EXPLAIN QUERY PLAN SELECT id FROM generation_search_data WHERE id >= ? AND id <= ?').all(1, 2);
      expect(JSON.stringify(plan)).toMatch(/SEARCH generation_search_data USING INTEGER PRIMARY KEY/);
    } finally {
      reopened.close();
    }
  });

  it('upgrades a v3 database so that a trash batch id is never handed out twice', () => {
    const { file, backupDir } = workspace();
    createVersionOneDatabase(file);
    const { db } = openDatabase({ file, backupDir, migrations: migrations.slice(0, 3) });
    db.exec(`
      INSERT INTO trash_batches (id, created_at) VALUES (1, 10), (2, 20);
      UPDATE generations SET deleted_at = 20, trash_batch_id = 2;
    `);
    closeDatabase(db, file);

    const store = openStore({ file, backupDir });
    try {
      expect(store.previousVersion).toBe(3);
      expect(listBackups(backupDir).map((backup) => backup.schemaVersion)).toContain(3);
      // The batches and the rows in them came through the table rebuild unchanged.
      expect(store.trash.list()).toEqual([{ id: 2, createdAt: 20, generations: 1, images: 0 }]);
      expect(store.checkIntegrity()).toEqual([]);
      expect(store.trash.undo(2)).toEqual({ generations: 1, images: 0 });
      const generationId = store.galleryPage({ limit: 5 }).items[0]!.id;
      // Batch 2 was undone and its row deleted: the next batch is 3, not 2 again.
      expect(store.trash.softDelete([generationId]).batchId).toBe(3);
    } finally {
      store.close();
    }
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    expect(raw.prepare("SELECT sql FROM sqlite_schema WHERE name = 'trash_batches'").pluck().get()).toMatch(/AUTOINCREMENT/);
    raw.close();
  });

  it('upgrades a v4 database: images keep their ids, an id is never handed out twice, and single images can be trashed', () => {
    const { file, backupDir } = workspace();
    createVersionOneDatabase(file);
    const { db } = openDatabase({ file, backupDir, migrations: migrations.slice(0, 4) });
    db.exec(`
      UPDATE generations SET state = 'done';
      INSERT INTO images (id, generation_id, idx, rel_path, thumb_rel_path, created_at) VALUES
        (7, 1, 0, 'outputs/old-1-0.png', 'thumbs/outputs/old-1-0.webp', 0),
        (9, 1, 1, 'outputs/old-1-1.png', NULL, 0);
    `);
    closeDatabase(db, file);

    const store = openStore({ file, backupDir });
    try {
      expect(store.previousVersion).toBe(4);
      expect(store.images.listForGeneration(1).map((image) => [image.id, image.relPath, image.thumbRelPath])).toEqual([
        [7, 'outputs/old-1-0.png', 'thumbs/outputs/old-1-0.webp'],
        [9, 'outputs/old-1-1.png', null],
      ]);
      expect(store.images.listWithoutThumbnail(10).map((image) => image.id)).toEqual([9]);
      const batch = store.trash.trashImages([9]);
      expect(batch).toMatchObject({ images: [9], generations: [] });
      // Image 9 is in the trash: a new image gets 10, so undo can bring 9 back as it was.
      expect(store.images.add(1, { idx: 2, relPath: 'outputs/old-1-2.png' }).id).toBe(10);
      expect(store.trash.undo(batch.batchId)).toEqual({ generations: 0, images: 1 });
      expect(store.images.listForGeneration(1).map((image) => image.id)).toEqual([7, 9, 10]);
      expect(store.checkIntegrity()).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('refuses a migration that would leave rows pointing at missing rows', () => {
    const { file } = workspace();
    createVersionOneDatabase(file);
    const dangling = [
      ...migrations,
      { version: migrations.length + 1, name: 'dangling', up: (db: Database.Database) => db.exec('UPDATE generations SET trash_batch_id = 999') },
    ];
    expect(() => openDatabase({ file, migrations: dangling })).toThrow(/generations pointing at missing trash_batches/);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it('rolls a failing migration back entirely', () => {
    const { file } = workspace();
    createVersionOneDatabase(file);
    const broken = [...migrations, { version: migrations.length + 1, name: 'broken', up: (db: Database.Database) => db.exec('CREATE TABLE x (a); SELECT * FROM nowhere;') }];
    expect(() => openDatabase({ file, migrations: broken })).toThrow(/nowhere/);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('x', 'generation_search')").pluck().get()).toBe(0);
    db.close();
  });
});

describe('damaged files', () => {
  it('reports a file that is not a database, untouched', () => {
    const { file, backupDir } = workspace();
    writeFileSync(file, Buffer.alloc(8192, 'not sqlite '));
    const before = readFileSync(file);
    const error = expectStoreError(() => openStore({ file, backupDir }), 'corrupt');
    expect(error.userMessage).toMatch(/No automatic copy/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('detects damaged pages, offers the automatic copy and restores it, keeping the damaged file aside', () => {
    const { file, backupDir } = workspace();
    createVersionOneDatabase(file);
    const store = openStore({ file, backupDir }); // takes the automatic copy
    store.close();

    // Everything past the schema page: every table's root page is garbage.
    const pages = statSync(file).size / PAGE_SIZE;
    damagePages(file, Array.from({ length: pages - 2 }, (_, i) => i + 3));

    const error = expectStoreError(() => openStore({ file, backupDir }), 'corrupt');
    expect(error.userMessage).toMatch(/Restore the automatic copy/);

    const [latest] = listBackups(backupDir);
    const damaged = readFileSync(file);
    const result = restoreBackup(latest!.path, file);
    expect(result.movedAsideTo).not.toBeNull();
    expect(readFileSync(result.movedAsideTo!).equals(damaged)).toBe(true);
    expect(existsSync(latest!.path)).toBe(true);

    const restored = openStore({ file, backupDir });
    try {
      expect(restored.galleryPage({ limit: 5 }).items.map((item) => item.prompt)).toEqual(['gothic cathedral at dusk']);
    } finally {
      restored.close();
    }
  });

  it('verifies every page after an unclean shutdown, catching damage a light check cannot see', () => {
    const { file, backupDir } = workspace();
    const store = openStore({ file, backupDir });
    const preset = store.presets.create({ name: 'p', family: 'sd-xl', preset: {} });
    const { input } = store.inputs.upsertBySha256({ sha256: 'b'.repeat(64), originalPath: '/a.png', fileName: 'a.png', libraryRelPath: 'a.png', bytes: 1 });
    store.transaction(() => {
      for (let i = 0; i < 400; i += 1) {
        store.generations.create({ inputId: input.id, presetVersionId: preset.currentVersion.id, kind: 'manual', requestJson: 'x'.repeat(500), modelId: 'm', family: 'sd-xl', modality: 'canny', prompt: `prompt ${i}` });
      }
    });
    expect(store.checkIntegrity()).toEqual([]);
    store.close();
    expect(existsSync(sessionMarkerPath(file))).toBe(false);

    // Damage one page in the middle of the file: not a root page, not the first leaf of a table.
    const db = new Database(file, { readonly: true });
    const roots = new Set(db.prepare('SELECT rootpage FROM sqlite_schema').pluck().all() as number[]);
    db.close();
    const middle = Math.floor(statSync(file).size / PAGE_SIZE / 2);
    damagePages(file, [roots.has(middle) ? middle + 1 : middle]);

    // The app crashed: the marker of the open session is still there.
    writeFileSync(sessionMarkerPath(file), '1');
    expectStoreError(() => openStore({ file, backupDir }), 'corrupt');
  });

  it('a connection beside the session neither clears its marker nor writes when it reads only', () => {
    const { file, backupDir } = workspace();
    const session = openStore({ file, backupDir });
    session.presets.create({ name: 'p', family: 'sd-xl', preset: {} });
    const marker = readFileSync(sessionMarkerPath(file), 'utf8');

    const reader = openStore({ file, backupDir, readOnly: true });
    expect(reader.presets.list().map((preset) => preset.name)).toEqual(['p']);
    expect(() => reader.presets.create({ name: 'q', family: 'sd-xl', preset: {} })).toThrow(/readonly|read-only/i);
    reader.close();
    const beside = openStore({ file, backupDir, session: false });
    beside.presets.create({ name: 'q', family: 'sd-xl', preset: {} });
    beside.close();
    // The session's marker is still there while it runs, and goes with its clean end.
    expect(readFileSync(sessionMarkerPath(file), 'utf8')).toBe(marker);
    expect(session.presets.list().map((preset) => preset.name)).toEqual(['p', 'q']);
    session.close();
    expect(existsSync(sessionMarkerPath(file))).toBe(false);

    // A session that ended uncleanly: a reader (history, status) leaves its marker to the next
    // session, which verifies every page (the reader does not spend seconds on it).
    writeFileSync(sessionMarkerPath(file), '1');
    openStore({ file, backupDir, readOnly: true }).close();
    expect(readFileSync(sessionMarkerPath(file), 'utf8')).toBe('1');
  });
});

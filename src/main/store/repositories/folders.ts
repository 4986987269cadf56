import type { StoreContext } from '../context';
import { isUniqueViolation } from '../context';
import { StoreError } from '../errors';
import type { FolderOptions, WatchedFolder } from '../types';

export const DEFAULT_FOLDER_OPTIONS: FolderOptions = {
  recursive: false,
  acceptedExtensions: ['.png', '.jpg', '.jpeg', '.webp'],
  processedAction: 'leave',
  allowDuplicates: false,
  mapFirst: null,
};

interface FolderRow {
  id: number;
  path: string;
  options_json: string;
  paused: number;
  created_at: number;
  preset_ids: string;
}

const FOLDER_SELECT = `
  SELECT f.id, f.path, f.options_json, f.paused, f.created_at,
         coalesce((SELECT json_group_array(preset_id) FROM (SELECT preset_id FROM folder_presets
                   WHERE folder_id = f.id ORDER BY position)), '[]') AS preset_ids
  FROM watched_folders f`;

function toFolder(row: FolderRow): WatchedFolder {
  return {
    id: row.id,
    path: row.path,
    // Options saved by an older version lack newer keys: the defaults fill them in.
    options: { ...DEFAULT_FOLDER_OPTIONS, ...(JSON.parse(row.options_json) as Partial<FolderOptions>) },
    presetIds: JSON.parse(row.preset_ids) as number[],
    paused: row.paused === 1,
    createdAt: row.created_at,
  };
}

export function createFoldersRepository({ db, now }: StoreContext) {
  const insert = db.prepare<[string, string, number], never>('INSERT INTO watched_folders (path, options_json, created_at) VALUES (?, ?, ?)');
  const byId = db.prepare<[number], FolderRow>(`${FOLDER_SELECT} WHERE f.id = ?`);
  const all = db.prepare<[], FolderRow>(`${FOLDER_SELECT} ORDER BY f.path`);
  const setOptions = db.prepare<[string, number], never>('UPDATE watched_folders SET options_json = ? WHERE id = ?');
  const setPausedStatement = db.prepare<[number, number], never>('UPDATE watched_folders SET paused = ? WHERE id = ?');
  const unlinkAll = db.prepare<[number], never>('DELETE FROM folder_presets WHERE folder_id = ?');
  const link = db.prepare<[number, number, number], never>('INSERT INTO folder_presets (folder_id, preset_id, position) VALUES (?, ?, ?)');
  const remove = db.prepare<[number], never>('DELETE FROM watched_folders WHERE id = ?');
  const livePreset = db.prepare<[number], { id: number }>('SELECT id FROM presets WHERE id = ? AND archived_at IS NULL');

  function require(id: number): WatchedFolder {
    const row = byId.get(id);
    if (!row) throw new StoreError('not-found', 'This folder is no longer watched.', { detail: `folder ${id}` });
    return toFolder(row);
  }

  const setPresets = db.transaction((folderId: number, presetIds: readonly number[]): WatchedFolder => {
    require(folderId);
    unlinkAll.run(folderId);
    [...new Set(presetIds)].forEach((presetId, position) => {
      if (!livePreset.get(presetId)) {
        throw new StoreError('not-found', 'One of the chosen presets was deleted. Pick the presets again.', { detail: `preset ${presetId}` });
      }
      link.run(folderId, presetId, position);
    });
    return require(folderId);
  });

  const add = db.transaction(
    (folder: { path: string; options?: Partial<FolderOptions>; presetIds?: readonly number[] }): WatchedFolder => {
      let id: number;
      try {
        id = Number(insert.run(folder.path, JSON.stringify({ ...DEFAULT_FOLDER_OPTIONS, ...folder.options }), now()).lastInsertRowid);
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreError('name-taken', 'This folder is already watched.', { cause: error, detail: folder.path });
        throw error;
      }
      return setPresets(id, folder.presetIds ?? []);
    },
  );

  return {
    add,
    get(id: number): WatchedFolder | null {
      const row = byId.get(id);
      return row ? toFolder(row) : null;
    },
    list(): WatchedFolder[] {
      return all.all().map(toFolder);
    },
    updateOptions: db.transaction((id: number, options: Partial<FolderOptions>): WatchedFolder => {
      const folder = require(id);
      setOptions.run(JSON.stringify({ ...folder.options, ...options }), id);
      return require(id);
    }),
    setPresets,
    setPaused(id: number, paused: boolean): WatchedFolder {
      setPausedStatement.run(paused ? 1 : 0, id);
      return require(id);
    },
    /** Stops watching; past generations stay in the library without a folder. */
    remove(id: number): void {
      remove.run(id);
    },
  };
}

export type FoldersRepository = ReturnType<typeof createFoldersRepository>;

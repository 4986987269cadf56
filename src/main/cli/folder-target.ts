/**
 * Where `folders add`, `edit`, `pause`, `resume` and `remove` make their change: through the
 * engine that holds the library when one runs (the app or `watch`), whose watchers apply it at
 * once, else in the library's database, read by the next engine that starts.
 */
import type { FolderOptions } from '../../shared/ipc/contract';
import type { WatchedFolder } from '../store/index';
import type { GlobalOptions, Library } from './context';
import { homeOf, withEngine, withStore } from './context';
import { CliError, EXIT } from './errors';
import { attachToHolder } from './session';

export interface FolderTarget {
  readonly library: Library;
  /** The process whose engine applied the change, or null when none runs. */
  readonly runningPid: number | null;
  /** Records the folder; `watchedNow` when a running engine watches it already. */
  add(input: { path: string; presetIds: readonly number[]; options: Partial<FolderOptions> }): Promise<{ folder: WatchedFolder; watchedNow: boolean }>;
  update(folderId: number, change: { presetIds?: readonly number[]; options: Partial<FolderOptions> }): Promise<WatchedFolder>;
  setPaused(folderId: number, paused: boolean): Promise<void>;
  remove(folderId: number): Promise<void>;
}

function stored(library: Library, folderId: number): WatchedFolder {
  const folder = library.store.folders.get(folderId);
  if (folder === null) throw new CliError(EXIT.usage, `Folder ${folderId} was removed meanwhile. See \`folders list\`.`);
  return folder;
}

export async function withFolderTarget<T>(globals: GlobalOptions, work: (target: FolderTarget) => Promise<T>): Promise<T> {
  const attached = await attachToHolder(homeOf(globals), 0);
  if (attached === null) {
    const { addWatchedFolder, updateWatchedFolder } = await import('../engine/handlers-folders');
    return withEngine(globals, { run: false }, (engine) =>
      work({
        library: engine,
        runningPid: null,
        add: async (input) => ({ folder: await addWatchedFolder(engine.store, input), watchedNow: false }),
        update: async (folderId, change) => {
          updateWatchedFolder(engine.store, folderId, change);
          return stored(engine, folderId);
        },
        setPaused: async (folderId, paused) => void engine.store.folders.setPaused(folderId, paused),
        remove: async (folderId) => engine.store.folders.remove(folderId),
      }),
    );
  }
  const { api } = attached;
  try {
    return await withStore(globals, (library) =>
      work({
        library,
        runningPid: attached.ownerPid,
        add: async ({ path, presetIds, options }) => {
          const folder = await api.folders.add({ path, presetIds: presetIds.map(String), options });
          return { folder: stored(library, Number(folder.id)), watchedNow: folder.state === 'watching' };
        },
        update: async (folderId, { presetIds, options }) => {
          await api.folders.update({ id: String(folderId), ...(presetIds === undefined ? {} : { presetIds: presetIds.map(String) }), options });
          return stored(library, folderId);
        },
        setPaused: async (folderId, paused) => void (paused ? await api.folders.pause({ id: String(folderId) }) : await api.folders.resume({ id: String(folderId) })),
        remove: (folderId) => api.folders.remove({ id: String(folderId) }),
      }),
    );
  } finally {
    attached.close();
  }
}

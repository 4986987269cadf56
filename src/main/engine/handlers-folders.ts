/**
 * folders.*: the store keeps what is watched; after each change the engine's folder manager is
 * brought in line (watchers started, restarted or stopped, per-folder pauses applied).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Folder } from '../../shared/ipc/contract';
import { processedActionSchema } from '../../shared/ipc/contract';
import type { GenerationState, Store, WatchedFolder } from '../store/index';
import type { Engine } from './engine';
import { folderDto, folderOptions, rowId, type FolderWatchState } from './dto';
import { HandlerError, type HandlersFor } from './handlers-context';
import { DEFAULT_PROCESSED_ACTION_KEY } from './handlers-settings';

/** Generations from a folder that are not finished yet: the folder's "pending" count. */
const PENDING_STATES: GenerationState[] = ['detected', 'validated', 'uploaded', 'submitting', 'submitted', 'downloading', 'outcome-unknown'];

async function isDirectory(folderPath: string): Promise<boolean> {
  return stat(folderPath).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/**
 * Records a new watched folder: an existing folder only, with the Settings' defaults for new
 * folders under the options given. The store's part of folders.add, for a host that starts no
 * watchers itself (the CLI's `folders add`: a running `watch` picks it up at its next start).
 */
export async function addWatchedFolder(store: Store, input: { path: string; presetIds: readonly number[]; options?: Partial<Folder['options']> }): Promise<WatchedFolder> {
  const resolved = path.resolve(input.path);
  if (!(await isDirectory(resolved))) {
    throw new HandlerError('folder.not-found', `${resolved} is not a folder that exists. Choose an existing folder.`);
  }
  const defaultAction = processedActionSchema.safeParse(store.settings.get(DEFAULT_PROCESSED_ACTION_KEY));
  return store.folders.add({
    path: resolved,
    presetIds: [...input.presetIds],
    options: folderOptions({ ...(defaultAction.success ? { processedAction: defaultAction.data } : {}), ...input.options }),
  });
}

/** The store's part of folders.update: its presets and options, in one transaction. */
export function updateWatchedFolder(store: Store, folderId: number, change: { presetIds?: readonly number[]; options?: Partial<Folder['options']> }): void {
  store.transaction(() => {
    if (change.presetIds !== undefined) store.folders.setPresets(folderId, change.presetIds);
    if (change.options !== undefined) store.folders.updateOptions(folderId, folderOptions(change.options));
  });
}

export function folderHandlers(engine: Engine): HandlersFor<'folders'> {
  const { store } = engine;

  async function watchState(folder: WatchedFolder): Promise<FolderWatchState> {
    if (engine.folders.watching().includes(folder.id)) return { state: 'watching', message: null };
    if (!(await isDirectory(folder.path))) {
      return { state: 'missing', message: `The folder ${folder.path} cannot be found. Reconnect its drive or remove it from the watched folders.` };
    }
    return { state: 'error', message: `The folder ${folder.path} is not being watched. Pause and resume it, or restart the app.` };
  }

  async function dto(folder: WatchedFolder): Promise<Folder> {
    const pending = store.facetCounts({ filters: { folderId: folder.id, states: PENDING_STATES } }).total;
    return folderDto(folder, await watchState(folder), pending);
  }

  function existing(id: string): WatchedFolder {
    const folder = store.folders.get(rowId(id, 'folder'));
    if (folder === null) throw new HandlerError('not-found', 'This folder is no longer watched. Reload the folders.');
    return folder;
  }

  function presetIds(ids: readonly string[]): number[] {
    return ids.map((id) => rowId(id, 'preset'));
  }

  /** Applies the store's folders to the watchers, then answers with the folder as it now is. */
  async function synced(folderId: number): Promise<Folder> {
    await engine.folders.sync();
    return dto(existing(String(folderId)));
  }

  return {
    'folders.list': async () => Promise.all(store.folders.list().map(dto)),

    'folders.add': async ({ path: folderPath, presetIds: ids, options }) => {
      const folder = await addWatchedFolder(store, { path: folderPath, presetIds: presetIds(ids), ...(options === undefined ? {} : { options }) });
      return synced(folder.id);
    },

    'folders.update': async ({ id, presetIds: ids, options }) => {
      const folder = existing(id);
      updateWatchedFolder(store, folder.id, { ...(ids === undefined ? {} : { presetIds: presetIds(ids) }), ...(options === undefined ? {} : { options }) });
      return synced(folder.id);
    },

    'folders.remove': async ({ id }) => {
      store.folders.remove(existing(id).id);
      await engine.folders.sync();
    },

    'folders.pause': async ({ id }) => synced(store.folders.setPaused(existing(id).id, true).id),

    'folders.resume': async ({ id }) => synced(store.folders.setPaused(existing(id).id, false).id),
  };
}

import { watchFolder } from '../hotfolder/index';
import type { FolderWatch } from '../hotfolder/index';
import type { Store, WatchedFolder } from '../store/index';
import type { Pipeline } from './pipeline';
import { SIDECAR_EXTENSIONS, isSidecarPath } from './sidecars';

export interface FolderManagerOptions {
  store: Store;
  pipeline: Pipeline;
  /** The watcher's stability fallback for files whose format cannot prove they are complete. */
  stableMs?: number;
}

/**
 * Keeps one watcher per watched, unpaused folder in the store and feeds its files to the
 * pipeline. The watcher hands on the files already present first (`initial`): that is the
 * catch-up with the history after the app was closed; the pipeline skips what it already took.
 */
export function createFolderManager(options: FolderManagerOptions) {
  const { store, pipeline } = options;
  const watches = new Map<number, { watch: FolderWatch; signature: string }>();
  let closed = false;

  function startWatching(folder: WatchedFolder): FolderWatch {
    return watchFolder(
      {
        path: folder.path,
        recursive: folder.options.recursive,
        // Sidecars too: one that arrives after its image was taken is reported.
        extensions: [...folder.options.acceptedExtensions, ...SIDECAR_EXTENSIONS],
        ...(options.stableMs === undefined ? {} : { stableMs: options.stableMs }),
      },
      {
        onReady: (file) => {
          // Read the folder again: its presets or options may have changed since the watch started.
          const current = store.folders.get(folder.id);
          if (current === null || current.paused) return;
          if (isSidecarPath(file.path)) {
            // Sidecars are read with their image; one already there at start was read then, or has no image.
            pipeline.sidecarArrived(file.path, file.mtimeMs, current.path, file.initial);
            return;
          }
          void pipeline.enqueueFile(file.path, { kind: 'folder', folder: current, initial: file.initial });
        },
        onError: (error) => pipeline.events.emit('warning', { message: error.userMessage }),
      },
    );
  }

  /** What about a folder needs a new watcher when it changes. */
  function signatureOf(folder: WatchedFolder): string {
    return JSON.stringify([folder.path, folder.options.recursive, folder.options.acceptedExtensions]);
  }

  /** Brings the watchers in line with the store (folders added, removed, paused, edited). Resolves when each new watcher has done its catch-up. */
  async function sync(): Promise<void> {
    if (closed) return;
    const wanted = new Map(store.folders.list().map((folder) => [folder.id, folder]));
    const stopping: Promise<void>[] = [];
    for (const [id, { watch, signature }] of watches) {
      const folder = wanted.get(id);
      if (folder === undefined || folder.paused || signatureOf(folder) !== signature) {
        watches.delete(id);
        stopping.push(watch.close());
      }
    }
    await Promise.all(stopping);
    const starting: Promise<void>[] = [];
    for (const folder of wanted.values()) {
      if (folder.paused) pipeline.pauseFolder(folder.id);
      else pipeline.resumeFolder(folder.id);
      if (folder.paused || watches.has(folder.id)) continue;
      const watch = startWatching(folder);
      watches.set(folder.id, { watch, signature: signatureOf(folder) });
      starting.push(watch.ready);
    }
    await Promise.all(starting);
  }

  return {
    sync,
    /** Ids of the folders being watched now. */
    watching(): number[] {
      return [...watches.keys()];
    },
    async close(): Promise<void> {
      closed = true;
      const all = [...watches.values()].map(({ watch }) => watch.close());
      watches.clear();
      await Promise.all(all);
    },
  };
}

export type FolderManager = ReturnType<typeof createFolderManager>;

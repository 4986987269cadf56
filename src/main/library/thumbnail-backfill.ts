import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ImagesRepository } from '../store/repositories/images';
import type { ImageThumbnailJob, ThumbnailQueue } from './thumbnails';
import { imageThumbnailJob } from './thumbnails';

/** Images asked of the store at once: the backfill never holds more than one page. */
const DEFAULT_PAGE_SIZE = 50;

export interface ThumbnailBackfillOptions {
  pageSize?: number;
  /** The store could not be read; the backfill ends (the next start tries again). */
  onError: (error: unknown) => void;
}

export interface ThumbnailBackfill {
  /** Resolves once every image has been through the queue, or the backfill was stopped. */
  readonly finished: Promise<void>;
  /**
   * Stops taking pages and drops the queued thumbnails not started yet (the next start finds them
   * again); resolves once the thumbnails being made are recorded, so the store may then close.
   */
  stop(): Promise<void>;
}

/**
 * Makes the thumbnails that images lack: one that failed earlier, or a library filled by a build
 * that skipped them. Oldest first, one page at a time, the next page once the queue has drained.
 * Only images that exist when it starts: newer ones get theirs from the pipeline, and a watcher
 * that keeps adding images never keeps the backfill going.
 */
export function startThumbnailBackfill(
  root: string,
  store: { images: Pick<ImagesRepository, 'listWithoutThumbnail' | 'lastId'> },
  queue: ThumbnailQueue<ImageThumbnailJob>,
  options: ThumbnailBackfillOptions,
): ThumbnailBackfill {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const throughId = store.images.lastId();
  let stopped = false;

  const finished = (async () => {
    // The first page is asked for on a later turn: the engine's start never waits for it.
    await nextTurn();
    let afterId = 0;
    while (!stopped) {
      const page = store.images.listWithoutThumbnail(pageSize, { afterId, throughId });
      const last = page.at(-1);
      if (last === undefined) return;
      for (const image of page) queue.enqueue(imageThumbnailJob(root, image));
      afterId = last.id;
      await queue.onIdle();
    }
  })().catch(options.onError);

  return {
    finished,
    async stop() {
      stopped = true;
      queue.dropPending();
      await finished;
      await queue.onIdle();
    },
  };
}

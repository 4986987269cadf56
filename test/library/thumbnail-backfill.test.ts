import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { absoluteLibraryPath, thumbnailRelPath } from '../../src/main/library/paths';
import { startThumbnailBackfill } from '../../src/main/library/thumbnail-backfill';
import { createImageThumbnailQueue } from '../../src/main/library/thumbnails';
import type { ImageThumbnailJob } from '../../src/main/library/thumbnails';
import { trashGenerations } from '../../src/main/library/trash';
import { useTempDirs } from './helpers';
import { useLibraryWithStore } from './library-fixture';

const tempDir = useTempDirs();
const libraryWithStore = useLibraryWithStore(tempDir);

describe('startThumbnailBackfill', () => {
  it('makes the missing thumbnails page by page, past one that fails, and leaves out missing, trashed and newer images', async () => {
    const { root, store, addGeneration } = await libraryWithStore();
    const withThumbnails = await addGeneration(1);
    const first = await addGeneration(3, { thumbnails: false });
    const second = await addGeneration(2, { thumbnails: false });
    const trashed = await addGeneration(1, { thumbnails: false });
    await trashGenerations(root, store, [trashed.generation.id]);
    const [broken, , gone] = first.images;
    await writeFile(absoluteLibraryPath(root, broken!.relPath), 'not a PNG any more');
    store.images.markMissing([gone!.id]);

    const failures: ImageThumbnailJob[] = [];
    const queue = createImageThumbnailQueue(store, { onError: (job) => failures.push(job) });
    const enqueued: number[] = [];
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = (job) => {
      enqueued.push(job.imageId);
      expect(queue.size).toBeLessThanOrEqual(2); // one page at a time, the next once the queue drained
      enqueue(job);
    };
    const backfill = startThumbnailBackfill(root, store, queue, { pageSize: 2, onError: (error) => expect.fail(String(error)) });
    // Added after the start: the pipeline's own queue thumbnails it.
    const newer = await addGeneration(1, { thumbnails: false });
    await backfill.finished;
    await queue.onIdle();

    const expected = [first.images[0]!, first.images[1]!, ...second.images];
    expect(enqueued).toEqual(expected.map((image) => image.id));
    expect(failures.map((job) => job.imageId)).toEqual([broken!.id]);
    for (const image of expected.filter((item) => item.id !== broken!.id)) {
      expect(store.images.get(image.id)?.thumbRelPath).toBe(thumbnailRelPath(image.relPath));
      expect(existsSync(absoluteLibraryPath(root, thumbnailRelPath(image.relPath)))).toBe(true);
    }
    for (const image of [broken!, gone!, newer.images[0]!]) expect(store.images.get(image.id)?.thumbRelPath).toBeNull();
    expect(store.images.get(withThumbnails.images[0]!.id)?.thumbRelPath).toBe(thumbnailRelPath(withThumbnails.images[0]!.relPath));
    await expect(backfill.stop()).resolves.toBeUndefined();
  });

  it('stops between pages: the queued thumbnails not started are dropped, the one being made is recorded', async () => {
    const { root, store, addGeneration } = await libraryWithStore();
    const { images } = await addGeneration(6, { thumbnails: false, size: 512 });
    const queue = createImageThumbnailQueue(store, { concurrency: 1, onError: (_job, error) => expect.fail(String(error)) });
    const backfill = startThumbnailBackfill(root, store, queue, { pageSize: 6, onError: (error) => expect.fail(String(error)) });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.active).toBe(1);

    await backfill.stop();
    expect(queue.size).toBe(0);
    const made = images.filter((image) => store.images.get(image.id)?.thumbRelPath !== null);
    expect(made.map((image) => image.id)).toEqual([images[0]!.id]);
    expect(existsSync(absoluteLibraryPath(root, thumbnailRelPath(images[0]!.relPath)))).toBe(true);
  });
});

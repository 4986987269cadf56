import { chmod, mkdir, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { absoluteLibraryPath } from '../../src/main/library/paths';
import { purgeTrash, restoreTrashBatch, trashGenerations, trashImages } from '../../src/main/library/trash';
import { repairLibrary } from '../../src/main/library/repair';
import { walkFiles } from '../../src/main/library/atomic';
import { LibraryError } from '../../src/main/library/errors';
import { useTempDirs } from './helpers';
import { useLibraryWithStore } from './library-fixture';

const tempDir = useTempDirs();
const libraryWithStore = useLibraryWithStore(tempDir);

async function filesUnder(root: string, top: string): Promise<string[]> {
  const found: string[] = [];
  for await (const file of walkFiles(path.join(root, top))) found.push(path.relative(root, file).split(path.sep).join('/'));
  return found.sort();
}

describe('trash', () => {
  it('moves files into trash/<batch>/ with the rows, and undo puts both back', async () => {
    const { root, store, addGeneration } = await libraryWithStore();
    const kept = await addGeneration(1);
    const doomed = await addGeneration(2);
    const originalBytes = await readFile(absoluteLibraryPath(root, doomed.images[0]!.relPath));
    const outputsBefore = await filesUnder(root, 'outputs');

    const batch = await trashGenerations(root, store, [doomed.generation.id]);
    expect(batch.generations).toBe(1);
    expect(batch.files).toHaveLength(4); // two images, two thumbnails
    expect(store.generations.get(doomed.generation.id)?.deletedAt).not.toBeNull();
    expect(await filesUnder(root, 'outputs')).toEqual([kept.images[0]!.relPath]);
    expect(await filesUnder(root, `trash/${batch.batchId}`)).toEqual(batch.files.map((file) => `trash/${batch.batchId}/${file}`).sort());

    expect(await restoreTrashBatch(root, store, batch.batchId)).toEqual({ generations: 1, images: 0 });
    expect(store.generations.get(doomed.generation.id)?.deletedAt).toBeNull();
    expect(await filesUnder(root, 'outputs')).toEqual(outputsBefore);
    expect(await readFile(absoluteLibraryPath(root, doomed.images[0]!.relPath))).toEqual(originalBytes);
    expect(await readdir(path.join(root, 'trash'))).toEqual([]);
  });

  it('keeps the rows when the files cannot be moved', async (context) => {
    if (process.getuid?.() === 0) context.skip('root ignores folder permissions');
    const { root, store, addGeneration } = await libraryWithStore();
    const { generation, images } = await addGeneration(1);
    const folder = path.dirname(absoluteLibraryPath(root, images[0]!.relPath));
    await chmod(folder, 0o555);
    try {
      const error: unknown = await trashGenerations(root, store, [generation.id]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LibraryError);
      expect(store.generations.get(generation.id)?.deletedAt).toBeNull();
      expect(await stat(absoluteLibraryPath(root, images[0]!.relPath))).toBeTruthy();
    } finally {
      await chmod(folder, 0o755);
    }
  });

  it('puts moved files back and keeps the rows when a later move fails', async () => {
    const { root, store, addGeneration } = await libraryWithStore();
    const { generation, images } = await addGeneration(2);
    // The second image's place in the trash is taken, so its move fails after the first one
    // succeeded. A new library numbers its first trash batch 1.
    await mkdir(absoluteLibraryPath(root, `trash/1/${images[1]!.relPath}`), { recursive: true });

    const error: unknown = await trashGenerations(root, store, [generation.id]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibraryError);
    expect((error as LibraryError).code).toBe('exists');
    expect(store.generations.get(generation.id)?.deletedAt).toBeNull();
    for (const image of images) expect((await stat(absoluteLibraryPath(root, image.relPath))).isFile()).toBe(true);
    expect(await filesUnder(root, 'trash')).toEqual([]);
    // The failed batch was undone; its id is not handed out again (and its folder is not reused).
    expect((await trashGenerations(root, store, [generation.id])).batchId).toBe(2);
  });

  it('refuses to restore a batch that was purged', async () => {
    const { root, store, clock, addGeneration } = await libraryWithStore();
    const { generation } = await addGeneration(1);
    const { batchId } = await trashGenerations(root, store, [generation.id]);
    clock.advanceDays(2);
    expect((await purgeTrash(root, store, 1)).generations).toBe(1);
    const error: unknown = await restoreTrashBatch(root, store, batchId).catch((e: unknown) => e);
    expect((error as LibraryError).code).toBe('not-found');
  });

  it('purges old batches: rows and files gone, recent batches and orphans folders kept', async () => {
    const { root, store, clock, addGeneration, addStrayFile, control } = await libraryWithStore();
    const old = await addGeneration(1);
    const recent = await addGeneration(1);
    const oldBatch = await trashGenerations(root, store, [old.generation.id]);
    clock.advanceDays(8);
    const recentBatch = await trashGenerations(root, store, [recent.generation.id]);
    await addStrayFile('trash/orphans-20250101-000000/outputs/stray.png');

    const report = await purgeTrash(root, store, 7);
    expect(report.generations).toBe(1);
    expect(report.filesDeleted).toEqual(oldBatch.files.map((file) => `trash/${oldBatch.batchId}/${file}`).sort());
    expect(store.generations.get(old.generation.id)).toBeNull();
    expect(await filesUnder(root, 'trash')).toEqual(
      [...recentBatch.files.map((file) => `trash/${recentBatch.batchId}/${file}`), 'trash/orphans-20250101-000000/outputs/stray.png'].sort(),
    );
    // The control image is still used by the recent (trashed, restorable) generation.
    expect((await stat(absoluteLibraryPath(root, control.relPath))).isFile()).toBe(true);

    clock.advanceDays(8);
    const second = await purgeTrash(root, store, 7);
    expect(second.filesDeleted).toContain(control.relPath); // no generation uses it any more
    expect(await filesUnder(root, 'controls')).toEqual([]);
  });

  it('purges files still in place after a crash between soft delete and move', async () => {
    const { root, store, clock, addGeneration } = await libraryWithStore();
    const { generation, images } = await addGeneration(1);
    store.trash.softDelete([generation.id]); // the crash: rows trashed, files never moved
    clock.advanceDays(30);
    const report = await purgeTrash(root, store, 7);
    expect(report.filesDeleted).toContain(images[0]!.relPath);
    expect(await filesUnder(root, 'outputs')).toEqual([]);
  });
});

describe('trash: single images', () => {
  it('moves images and their thumbnails with their rows in one step; the generation keeps the others; undo puts both back', async () => {
    const { root, store, addGeneration } = await libraryWithStore();
    const { generation, images } = await addGeneration(3);
    const [first, second, third] = images;
    const outputsBefore = await filesUnder(root, 'outputs');

    const trashed = await trashImages(root, store, [first!.id, third!.id]);
    expect(trashed).toMatchObject({ imageIds: [first!.id, third!.id], generationIds: [] });
    expect(trashed.files.sort()).toEqual([first!.relPath, first!.thumbRelPath, third!.relPath, third!.thumbRelPath].sort());
    // The generation stays, with the image left as its cover and count.
    expect(store.generations.get(generation.id)?.deletedAt).toBeNull();
    expect(store.images.listForGeneration(generation.id).map((image) => image.id)).toEqual([second!.id]);
    const [tile] = store.galleryPage({ limit: 5 }).items;
    expect([tile?.imageCount, tile?.firstImage?.id]).toEqual([1, second!.id]);
    expect(await filesUnder(root, 'outputs')).toEqual([second!.relPath]);
    expect(await filesUnder(root, `trash/${trashed.batchId}`)).toEqual(trashed.files.map((file) => `trash/${trashed.batchId}/${file}`).sort());
    expect(store.trash.list()).toMatchObject([{ id: trashed.batchId, generations: 0, images: 2 }]);

    expect(await restoreTrashBatch(root, store, trashed.batchId)).toEqual({ generations: 0, images: 2 });
    expect(store.images.listForGeneration(generation.id)).toEqual(images);
    expect(await filesUnder(root, 'outputs')).toEqual(outputsBefore);
    expect(await readdir(path.join(root, 'trash'))).toEqual([]);
    expect(store.trash.list()).toEqual([]);
  });

  it('takes the generation along when its last image goes, and brings both back', async () => {
    const { root, store, addGeneration } = await libraryWithStore();
    const kept = await addGeneration(1);
    const { generation, images } = await addGeneration(2);
    const earlier = await trashImages(root, store, [images[0]!.id]);
    expect(earlier.generationIds).toEqual([]);

    const last = await trashImages(root, store, [images[1]!.id]);
    expect(last).toMatchObject({ imageIds: [images[1]!.id], generationIds: [generation.id] });
    expect(store.generations.get(generation.id)).toMatchObject({ trashBatchId: last.batchId });
    expect(store.galleryPage({ limit: 5 }).items.map((item) => item.id)).toEqual([kept.generation.id]);
    expect(store.galleryPage({ limit: 5, filters: { trashed: true } }).items.map((item) => item.id)).toEqual([generation.id]);

    expect(await restoreTrashBatch(root, store, last.batchId)).toEqual({ generations: 1, images: 1 });
    expect(store.generations.get(generation.id)?.deletedAt).toBeNull();
    expect(store.images.listForGeneration(generation.id).map((image) => image.id)).toEqual([images[1]!.id]);
    // The earlier batch is still in the trash, and undoes on its own.
    expect(await restoreTrashBatch(root, store, earlier.batchId)).toEqual({ generations: 0, images: 1 });
    expect(store.images.listForGeneration(generation.id)).toEqual(images);
  });

  it('leaves images of trashed generations and unknown ids alone, and refuses images of a running generation', async () => {
    const { root, store, addGeneration } = await libraryWithStore();
    const trashedGeneration = await addGeneration(1);
    await trashGenerations(root, store, [trashedGeneration.generation.id]);
    const live = await addGeneration(1);
    const batch = await trashImages(root, store, [trashedGeneration.images[0]!.id, live.images[0]!.id, 999_999]);
    expect(batch.imageIds).toEqual([live.images[0]!.id]);
    expect(await filesUnder(root, 'outputs')).toEqual([]);

    const running = store.generations.create({ ...trashedGeneration.generation, state: 'downloading' });
    const partial = store.images.add(running.id, { idx: 0, relPath: 'outputs/partial-0.png' });
    const error: unknown = await trashImages(root, store, [partial.id]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid-argument' });
    expect(store.images.get(partial.id)).not.toBeNull();
  });

  it('keeps the rows when a file cannot be moved, and never leaves a row without its file', async () => {
    const { root, store, addGeneration } = await libraryWithStore();
    const { generation, images } = await addGeneration(2);
    // The second image's place in the trash is taken (the next batch is 1).
    await mkdir(absoluteLibraryPath(root, `trash/1/${images[1]!.relPath}`), { recursive: true });
    const error: unknown = await trashImages(root, store, images.map((image) => image.id)).catch((e: unknown) => e);
    expect((error as LibraryError).code).toBe('exists');
    expect(store.images.listForGeneration(generation.id)).toEqual(images);
    expect(store.generations.get(generation.id)?.deletedAt).toBeNull();
    for (const image of images) expect((await stat(absoluteLibraryPath(root, image.relPath))).isFile()).toBe(true);
    expect(store.trash.list()).toEqual([]);
  });

  it('purges trashed images with their files; repair counts them as known, in the trash or in place', async () => {
    const { root, store, clock, addGeneration, control } = await libraryWithStore();
    const { generation, images } = await addGeneration(2);
    const batch = await trashImages(root, store, [images[0]!.id]);
    const report = await repairLibrary(root, store, { now: new Date(clock.now() + 3_600_000) });
    expect(report).toMatchObject({ missingFiles: [], orphans: [], thumbnailsQueued: 0 });

    // A crash between the rows and the files: rows trashed, file still in place. Not an orphan.
    const crashed = store.trash.trashImages([images[1]!.id]);
    expect(crashed.generations).toEqual([generation.id]);
    expect((await repairLibrary(root, store, { now: new Date(clock.now() + 3_600_000) })).orphans).toEqual([]);

    clock.advanceDays(8);
    const purged = await purgeTrash(root, store, 7);
    expect(purged).toMatchObject({ generations: 1, images: 2 });
    expect(purged.filesDeleted).toEqual(
      [
        ...[images[0]!.relPath, images[0]!.thumbRelPath!].map((file) => `trash/${batch.batchId}/${file}`),
        images[1]!.relPath,
        images[1]!.thumbRelPath!,
        control.relPath, // no generation uses it any more
      ].sort(),
    );
    expect(await filesUnder(root, 'outputs')).toEqual([]);
    expect(await filesUnder(root, 'thumbs')).toEqual([]);
    expect(store.generations.get(generation.id)).toBeNull();
    expect(store.images.listFiles()).toEqual([]);
    expect(store.trash.list()).toEqual([]);
  });
});

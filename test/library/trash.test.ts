import { chmod, mkdir, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { absoluteLibraryPath } from '../../src/main/library/paths';
import { purgeTrash, restoreTrashBatch, trashGenerations } from '../../src/main/library/trash';
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

    expect(await restoreTrashBatch(root, store, batch.batchId)).toBe(1);
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

import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { absoluteLibraryPath, thumbnailRelPath } from '../../src/main/library/paths';
import { repairLibrary } from '../../src/main/library/repair';
import { createImageThumbnailQueue } from '../../src/main/library/thumbnails';
import { trashGenerations } from '../../src/main/library/trash';
import { useTempDirs } from './helpers';
import { useLibraryWithStore } from './library-fixture';

const tempDir = useTempDirs();
const libraryWithStore = useLibraryWithStore(tempDir);

describe('repairLibrary', () => {
  it('reports, and in dry-run changes nothing; then repairs missing files, orphans, thumbnails and parts', async () => {
    const { root, store, addGeneration, addStrayFile } = await libraryWithStore();
    const intact = await addGeneration(1);
    const damaged = await addGeneration(2);
    const trashed = await addGeneration(1);
    await trashGenerations(root, store, [trashed.generation.id]);

    const gone = damaged.images[0]!;
    const thumbless = damaged.images[1]!;
    await rm(absoluteLibraryPath(root, gone.relPath));
    await rm(absoluteLibraryPath(root, thumbnailRelPath(thumbless.relPath)));
    await addStrayFile('outputs/2025/01/15/copied-in-by-hand.png', 'someone else’s picture');
    const stalePart = 'outputs/2025/01/15/.depth-render-9-0.png.0123456789ab.part';
    await addStrayFile(stalePart);
    const youngPart = 'outputs/2025/01/15/.depth-render-9-1.png.0123456789ab.part';
    await addStrayFile(youngPart);
    const now = new Date(Date.UTC(2025, 1, 3, 4, 5, 6));
    const anHourBefore = new Date(now.getTime() - 3_600_000);
    const aMinuteBefore = new Date(now.getTime() - 60_000);
    await utimes(absoluteLibraryPath(root, stalePart), anHourBefore, anHourBefore);
    await utimes(absoluteLibraryPath(root, youngPart), aMinuteBefore, aMinuteBefore);
    await utimes(absoluteLibraryPath(root, 'outputs/2025/01/15/copied-in-by-hand.png'), anHourBefore, anHourBefore);
    // Written a moment ago, its row not yet added (a download in progress): not an orphan.
    const justDownloaded = 'outputs/2025/02/03/depth-render-99-0.png';
    await addStrayFile(justDownloaded);
    await utimes(absoluteLibraryPath(root, justDownloaded), aMinuteBefore, aMinuteBefore);
    const expected = {
      missingFiles: [{ imageId: gone.id, relPath: gone.relPath }],
      recoveredFiles: [],
      orphans: [{ relPath: 'outputs/2025/01/15/copied-in-by-hand.png', movedTo: 'trash/orphans-20250203-040506/outputs/2025/01/15/copied-in-by-hand.png' }],
      thumbnailsQueued: 1,
      partsRemoved: [stalePart],
      // Younger than the safety age: left alone, and said so.
      youngFilesLeft: [justDownloaded, youngPart].sort(),
      safetyAgeMs: 600_000,
    };

    const dryRun = await repairLibrary(root, store, { dryRun: true, now });
    expect(dryRun).toEqual({ dryRun: true, ...expected });
    expect(store.images.get(gone.id)?.missing).toBe(false);
    expect((await stat(absoluteLibraryPath(root, stalePart))).isFile()).toBe(true);
    expect((await stat(absoluteLibraryPath(root, 'outputs/2025/01/15/copied-in-by-hand.png'))).isFile()).toBe(true);

    const failures: unknown[] = [];
    const thumbnails = createImageThumbnailQueue(store, { onError: (_job, error) => failures.push(error) });
    const report = await repairLibrary(root, store, { thumbnails, now });
    expect(report).toEqual({ dryRun: false, ...expected });
    await thumbnails.onIdle();
    expect(failures).toEqual([]);

    expect(store.images.get(gone.id)?.missing).toBe(true);
    expect(store.images.get(intact.images[0]!.id)?.missing).toBe(false);
    expect(store.images.get(trashed.images[0]!.id)?.missing).toBe(false); // in the trash, not lost
    expect((await stat(absoluteLibraryPath(root, thumbnailRelPath(thumbless.relPath)))).isFile()).toBe(true);
    expect(await readFile(absoluteLibraryPath(root, expected.orphans[0]!.movedTo), 'utf8')).toBe('someone else’s picture');
    await expect(stat(absoluteLibraryPath(root, stalePart))).rejects.toThrow();
    expect((await stat(absoluteLibraryPath(root, youngPart))).isFile()).toBe(true);
    expect((await stat(absoluteLibraryPath(root, justDownloaded))).isFile()).toBe(true);

    // A second pass finds nothing left to do.
    const again = await repairLibrary(root, store, { now });
    expect(again).toEqual({ dryRun: false, missingFiles: [], recoveredFiles: [], orphans: [], thumbnailsQueued: 0, partsRemoved: [], youngFilesLeft: expected.youngFilesLeft, safetyAgeMs: 600_000 });

    // The file comes back (a drive reconnected): the row is marked present again.
    await writeFile(absoluteLibraryPath(root, gone.relPath), await readFile(absoluteLibraryPath(root, intact.images[0]!.relPath)));
    const recovered = await repairLibrary(root, store, { now });
    expect(recovered.recoveredFiles).toEqual([{ imageId: gone.id, relPath: gone.relPath }]);
    expect(store.images.get(gone.id)?.missing).toBe(false);
  });
});

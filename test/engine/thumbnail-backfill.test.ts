/**
 * The engine makes, at start, the thumbnails its images lack (one that failed earlier, a library
 * filled without them), in the background; closing it mid-way stops cleanly.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/main/engine/engine';
import { absoluteLibraryPath, thumbnailRelPath } from '../../src/main/library/paths';
import type { Image } from '../../src/main/store';
import { useTempDirs } from '../library/helpers';
import { useLibraryWithStore } from '../library/library-fixture';
import { eventually } from './fixtures';

const tempDir = useTempDirs();
const libraryWithStore = useLibraryWithStore(tempDir);

async function startEngine(home: string): Promise<{ engine: Engine; warnings: string[] }> {
  const engine = await createEngine({ home, scenario: null, watchFolders: false });
  const warnings: string[] = [];
  engine.events.on('warning', ({ message }) => warnings.push(message));
  return { engine, warnings };
}

function thumbnailed(engine: Engine, images: readonly Image[]): Image[] {
  return images.filter((image) => engine.store.images.get(image.id)?.thumbRelPath != null);
}

describe('thumbnail backfill at engine start', () => {
  it('makes the thumbnails of images that have none, and records them on their rows', async () => {
    const home = await tempDir();
    const { addGeneration, store } = await libraryWithStore({ home });
    const { images } = await addGeneration(3, { thumbnails: false });
    const [, , gone] = images;
    store.images.markMissing([gone!.id]);
    const withThumbnail = await addGeneration(1);

    const { engine, warnings } = await startEngine(home);
    try {
      const wanted = images.filter((image) => image.id !== gone!.id);
      await eventually('the thumbnails of the images without one', () => (thumbnailed(engine, wanted).length === wanted.length ? true : undefined));
      for (const image of wanted) {
        expect(engine.store.images.get(image.id)?.thumbRelPath).toBe(thumbnailRelPath(image.relPath));
        expect(existsSync(absoluteLibraryPath(engine.libraryRoot, thumbnailRelPath(image.relPath)))).toBe(true);
      }
      // Marked missing: there is no file to make one from.
      expect(engine.store.images.get(gone!.id)?.thumbRelPath).toBeNull();
      expect(engine.store.images.get(withThumbnail.images[0]!.id)?.thumbRelPath).toBe(thumbnailRelPath(withThumbnail.images[0]!.relPath));
      expect(warnings).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('stops when the engine closes mid-way, writing nothing into the closed store, and finishes at the next start', { timeout: 60_000 }, async () => {
    const home = await tempDir();
    const { addGeneration } = await libraryWithStore({ home });
    const images: Image[] = [];
    for (let count = 0; count < 6; count += 1) images.push(...(await addGeneration(8, { thumbnails: false, size: 768 })).images);

    const first = await startEngine(home);
    await eventually('a first thumbnail', () => (thumbnailed(first.engine, images).length > 0 ? true : undefined), 15_000);
    const closing = performance.now();
    await expect(first.engine.close()).resolves.toBeUndefined();
    // Only the thumbnail being made is waited for, not the backlog.
    expect(performance.now() - closing).toBeLessThan(2000);
    expect(first.engine.thumbnails.size).toBe(0);
    // A thumbnail recorded after the store closed would have failed and been reported.
    expect(first.warnings).toEqual([]);

    const second = await startEngine(home);
    try {
      const left = images.filter((image) => second.engine.store.images.get(image.id)?.thumbRelPath === null);
      expect(left.length).toBeGreaterThan(0);
      await eventually('the rest of the thumbnails', () => (thumbnailed(second.engine, images).length === images.length ? true : undefined), 30_000);
      for (const image of images) expect(existsSync(absoluteLibraryPath(second.engine.libraryRoot, thumbnailRelPath(image.relPath)))).toBe(true);
      expect(second.warnings).toEqual([]);
    } finally {
      await second.engine.close();
    }
  });
});

// Thumbnails first: the team's imported images arrive at thumbnail size where Scenario offers
// them, and their full files on demand or, by setting, with the sync. Real simulator, real SQLite,
// real folders, real HTTP.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { settingsHandlers } from '../../src/main/engine/handlers-settings';
import { absoluteLibraryPath } from '../../src/main/library';
import { syncTeamHistory } from '../../src/main/sync';
import type { Engine } from '../../src/main/engine/engine';
import { useSyncRig } from './helpers';

const rig = useSyncRig('shf-sync-thumbs-', 'thumbnails');
const { openLibrary, optionsFor } = rig;

function importedImages(engine: Engine) {
  return engine.store.galleryPage({ limit: 100, filters: { imported: true } }).items.flatMap((item) => engine.store.images.listForGeneration(item.id));
}

const fileOf = (engine: Engine, relPath: string) => absoluteLibraryPath(engine.libraryRoot, relPath);

describe('the team sync downloads thumbnails first', () => {
  it('brings each image in at thumbnail size; the full file comes once on demand, written whole', { timeout: 60_000 }, async () => {
    await rig.sim.seedTeamHistory({ jobs: 3, samplesPerJob: 2 });
    const engine = await openLibrary('on-demand');
    try {
      const report = await syncTeamHistory(optionsFor(engine));
      expect(report.imported).toBe(3);
      expect(report.thumbnailsDownloaded).toBe(6);
      expect(report.imagesDownloaded).toBe(0);
      const images = importedImages(engine);
      expect(images).toHaveLength(6);
      for (const image of images) {
        // Thumbnail only: the thumbnail is here, the full file is not.
        expect(image.missing).toBe(true);
        expect(image.thumbRelPath).not.toBeNull();
        expect(existsSync(fileOf(engine, image.relPath))).toBe(false);
        const thumbnail = await sharp(fileOf(engine, image.thumbRelPath as string)).metadata();
        expect(Math.max(thumbnail.width ?? 0, thumbnail.height ?? 0)).toBeLessThanOrEqual(256);
      }
      // The gallery and the detail say so, for the window.
      const { generationHandlers } = await import('../../src/main/engine/handlers-generations');
      const handlers = generationHandlers(engine);
      const first = images[0]!;
      const detail = await handlers['generations.detail']({ id: String(first.generationId) });
      expect(detail.images.every((image) => image.thumbnailOnly === true && image.missing)).toBe(true);

      // Asked for twice at once (the lightbox opened twice): one download, a whole file.
      const before = rig.sim.traffic.received;
      const [once, twice] = await Promise.all([handlers['images.fetchFull']({ imageId: String(first.id) }), handlers['images.fetchFull']({ imageId: String(first.id) })]);
      // One download is two requests: the asset (its signed URL), then the file.
      expect(rig.sim.traffic.received - before).toBe(2);
      expect(once).toEqual(twice);
      expect(once.missing).toBe(false);
      expect(once.thumbnailOnly).toBe(false);
      const full = await sharp(fileOf(engine, once.relPath)).metadata();
      expect(full.width).toBe(512);
      expect(full.format).toBe('png');
      const folder = path.dirname(fileOf(engine, once.relPath));
      expect((await readdir(folder)).filter((name) => !name.endsWith('.png'))).toEqual([]);
      // Here already: not downloaded again.
      const after = rig.sim.traffic.received;
      await handlers['images.fetchFull']({ imageId: String(first.id) });
      expect(rig.sim.traffic.received).toBe(after);
      // The other images stay thumbnails until asked for.
      expect(importedImages(engine).filter((image) => !image.missing).map((image) => image.id)).toEqual([first.id]);
    } finally {
      await engine.close();
    }
  });

  it('leaves no partial file when the full download breaks, and the image stays thumbnail only', { timeout: 60_000 }, async () => {
    await rig.sim.seedTeamHistory({ jobs: 1, samplesPerJob: 1 });
    const engine = await openLibrary('broken-download');
    try {
      await syncTeamHistory(optionsFor(engine));
      const image = importedImages(engine).find((candidate) => candidate.missing && candidate.thumbRelPath !== null)!;
      rig.sim.setFaults({ reset: 1 });
      try {
        await expect(engine.fullImages.fetch(image.id)).rejects.toMatchObject({ code: 'network' });
      } finally {
        rig.sim.setFaults({});
      }
      const folder = path.dirname(fileOf(engine, image.relPath));
      expect(existsSync(fileOf(engine, image.relPath))).toBe(false);
      expect(existsSync(folder) ? await readdir(folder) : []).toEqual([]);
      expect(engine.store.images.get(image.id)).toMatchObject({ missing: true, thumbRelPath: image.thumbRelPath });
      // The network back: it comes whole.
      expect((await engine.fullImages.fetch(image.id)).missing).toBe(false);
      expect(existsSync(fileOf(engine, image.relPath))).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it("with the setting 'always', a sync brings every full file after the thumbnails", { timeout: 60_000 }, async () => {
    await rig.sim.seedTeamHistory({ jobs: 2, samplesPerJob: 2 });
    const engine = await openLibrary('always');
    try {
      await settingsHandlers(engine)['settings.update']({ syncFullImages: 'always' });
      expect((await settingsHandlers(engine)['settings.get']()).syncFullImages).toBe('always');
      const report = await engine.syncTeamHistory({ waitMs: 0 });
      const images = importedImages(engine);
      expect(images.length).toBeGreaterThanOrEqual(4);
      expect(report?.imagesDownloaded).toBe(images.length);
      expect(images.every((image) => !image.missing && image.thumbRelPath !== null && existsSync(fileOf(engine, image.relPath)))).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('downloads the full file where Scenario offers no thumbnail', { timeout: 60_000 }, async () => {
    const made = await rig.sim.seedTeamHistory({ jobs: 2, samplesPerJob: 2, thumbnails: false });
    const engine = await openLibrary('no-thumbnail');
    try {
      const report = await syncTeamHistory(optionsFor(engine));
      // This library's first sync also brings the earlier tests' jobs, which offer thumbnails.
      const seeded = new Set(made.jobIds);
      const [whole, others] = [true, false].map((wanted) => importedImages(engine).filter((image) => seeded.has(engine.store.generations.get(image.generationId)?.jobId ?? '') === wanted));
      expect(report.imagesDownloaded).toBe(4);
      expect(whole).toHaveLength(4);
      for (const image of whole!) {
        expect(image.missing).toBe(false);
        expect(existsSync(fileOf(engine, image.relPath))).toBe(true);
        expect(image.thumbRelPath).not.toBeNull();
      }
      expect(others!.length).toBe(report.thumbnailsDownloaded);
      expect(others!.every((image) => image.missing && image.thumbRelPath !== null)).toBe(true);
    } finally {
      await engine.close();
    }
  });
});

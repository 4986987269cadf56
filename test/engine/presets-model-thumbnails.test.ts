/**
 * The model picker's thumbnails, cached into the library by the engine when the model list is
 * fetched from the real simulator: small WebP files the window loads through the library URL,
 * kept offline, left out (initials) when a download fails, and never downloaded twice.
 */
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelList } from '../../src/shared/ipc/contract';
import { THUMBNAIL_LONGEST_SIDE } from '../../src/main/library/thumbnails';
import { startEngine, type EngineUnderTest } from './fixtures';

const DAY_MS = 86_400_000;

describe('model thumbnails in the library', () => {
  let t: EngineUnderTest;
  let first: ModelList;
  const file = (relPath: string) => path.join(t.engine.libraryRoot, ...relPath.split('/'));
  const thumbnails = (list: ModelList) => Object.fromEntries(list.models.map((model) => [model.id, model.thumbnailRelPath]));

  beforeAll(async () => {
    t = await startEngine();
    first = await t.call('models.list', { refresh: true });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('caches a small WebP of every ControlNet-capable model it lists', async () => {
    expect(first.models.map((model) => model.id)).not.toContain('model_gpt-image');
    expect(first.models.length).toBeGreaterThan(3);
    for (const model of first.models) {
      expect(model.thumbnailRelPath, model.id).toMatch(/^thumbs\/models\/[a-z0-9-]+-[0-9a-f]{16}\.webp$/);
      const meta = await sharp(file(model.thumbnailRelPath ?? '')).metadata();
      expect(meta.format).toBe('webp');
      expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(THUMBNAIL_LONGEST_SIDE);
    }
    // Only the thumbnails: the downloaded originals are gone from the scratch folder.
    expect(readdirSync(file('tmp')).filter((name) => name.startsWith('model-thumbnail-'))).toEqual([]);
  });

  it('downloads nothing again for thumbnails it already has, and drops those no model uses', async () => {
    const before = first.models.map((model) => statSync(file(model.thumbnailRelPath ?? '')).mtimeMs);
    const stray = 'thumbs/models/retired-model-0123456789abcdef.webp';
    writeFileSync(file(stray), 'not a thumbnail any model uses');

    const again = await t.call('models.list', { refresh: true });
    expect(thumbnails(again)).toEqual(thumbnails(first));
    expect(first.models.map((model) => statSync(file(model.thumbnailRelPath ?? '')).mtimeMs)).toEqual(before);
    expect(existsSync(file(stray))).toBe(false);
  });

  it('keeps the initials for a thumbnail whose download fails, and fetches it on a later refresh', async () => {
    const simulator = t.engine.simulator;
    if (simulator === null) throw new Error('the engine runs no simulator');
    const victim = first.models[0];
    if (victim?.thumbnailRelPath == null) throw new Error('the first model has no thumbnail');
    // Never fetched before: as if the cache had lost it.
    rmSync(file(victim.thumbnailRelPath));

    // Every signed URL is expired on arrival, a fresh one too: the CDN refuses the download.
    simulator.setUrlTtl(-60_000);
    try {
      const refused = await t.call('models.list', { refresh: true });
      expect(refused.fromCache).toBe(false);
      expect(thumbnails(refused)).toEqual({ ...thumbnails(first), [victim.id]: null });
    } finally {
      simulator.setUrlTtl(DAY_MS);
    }

    const later = await t.call('models.list', { refresh: true });
    expect(thumbnails(later)).toEqual(thumbnails(first));
    expect(existsSync(file(victim.thumbnailRelPath))).toBe(true);
  });

  it('serves the cached thumbnails with the saved list while Scenario cannot be reached', async () => {
    const simulator = t.engine.simulator;
    if (simulator === null) throw new Error('the engine runs no simulator');
    await simulator.suspend();
    try {
      const offline = await t.call('models.list', { refresh: true });
      expect(offline.fromCache).toBe(true);
      expect(thumbnails(offline)).toEqual(thumbnails(first));
      // A window opened offline reads the same list without asking for a refresh.
      expect(thumbnails(await t.call('models.list'))).toEqual(thumbnails(first));
    } finally {
      await simulator.resume();
    }
  });

  it('answers a cached list without the thumbnail files it has lost, with no download', async () => {
    const victim = first.models[1];
    if (victim?.thumbnailRelPath == null) throw new Error('the second model has no thumbnail');
    rmSync(file(victim.thumbnailRelPath));
    const cached = await t.call('models.list');
    expect(cached.fromCache).toBe(true);
    expect(thumbnails(cached)).toEqual({ ...thumbnails(first), [victim.id]: null });
  });
});

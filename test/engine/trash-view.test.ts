/**
 * The trash view's channels on a real engine: batches of whole generations and of single images,
 * with pictures where their files lie in the trash; restoring either; emptying the batches older
 * than the retention the person saved (30 days unless set).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_IMAGES, eventually, startEngine, type EngineUnderTest } from './fixtures';

const PRESET = { name: 'Clay houses', modelId: 'model_sd15-realistic', prompt: 'a house made of clay', modality: 'canny', width: 512, height: 512, numSamples: 2 };

describe('trash view', () => {
  let t: EngineUnderTest;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startEngine();
    const presetId = (await t.call('presets.create', { preset: PRESET })).id;
    const files = ['canny-house-768x512.png', 'depth-sphere-512.png'].map((name) => path.join(CONTROL_IMAGES, name));
    ids.push(...(await t.call('generations.generateFromFiles', { paths: files, presetId })).generationIds);
    await eventually('both generations to finish', async () => {
      const { items } = await t.call('generations.page', { limit: 10, filters: { states: ['done'] } });
      return items.length === 2 ? true : undefined;
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('lists batches of generations and of images with their pictures, restores either, and empties by age', async () => {
    expect(await t.call('trash.list')).toEqual({ batches: [], retentionDays: 30 });
    const whole = await t.call('generations.trash', { ids: [ids[0]!] });
    const [image] = (await t.call('generations.detail', { id: ids[1]! })).images;
    const single = await t.call('images.trash', { imageIds: [image!.id] });

    const { batches } = await t.call('trash.list');
    expect(batches.map(({ id, generations, images }) => ({ id, generations, images }))).toEqual([
      { id: single.batchId, generations: 0, images: 1 },
      { id: whole.batchId, generations: 1, images: 0 },
    ]);
    for (const batch of batches) {
      expect(batch.previews.length).toBeGreaterThan(0);
      for (const preview of batch.previews) {
        expect(preview.startsWith(`trash/${batch.id}/`)).toBe(true);
        expect(existsSync(path.join(t.engine.libraryRoot, preview))).toBe(true);
      }
    }

    // Restoring the single image brings it back to its generation; the other batch stays.
    expect(await t.call('generations.undoTrash', { batchId: single.batchId })).toMatchObject({ restored: 1 });
    expect((await t.call('trash.list')).batches.map((batch) => batch.id)).toEqual([whole.batchId]);

    // Nothing is older than the retention: emptying keeps it; emptying everything deletes it for good.
    expect(await t.call('trash.empty', {})).toEqual({ generations: 0, images: 0 });
    expect(await t.call('trash.empty', { olderThanDays: 0 })).toEqual({ generations: 1, images: 0 });
    expect((await t.call('trash.list')).batches).toEqual([]);
    expect((await t.call('generations.page', { limit: 10, filters: { trashed: true } })).items).toEqual([]);
    expect((await t.call('generations.page', { limit: 10 })).items.map((item) => item.id)).toEqual([ids[1]]);
  });
});

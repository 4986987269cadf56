/**
 * Deleting single images through the contract (images.trash, undone by generations.undoTrash), on
 * a real engine with the simulator, its SQLite store and library folder.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationDetail } from '../../src/shared/ipc/contract';
import { CONTROL_IMAGES, eventually, startEngine, type EngineUnderTest } from './fixtures';

const PRESET = { name: 'Clay houses', modelId: 'model_sd15-realistic', prompt: 'a house made of clay', modality: 'canny', width: 512, height: 512, numSamples: 2 };

describe('images.trash', () => {
  let t: EngineUnderTest;
  let done: GenerationDetail;

  beforeAll(async () => {
    t = await startEngine();
    const presetId = (await t.call('presets.create', { preset: PRESET })).id;
    const { generationIds } = await t.call('generations.generateFromFiles', { paths: [path.join(CONTROL_IMAGES, 'canny-house-768x512.png')], presetId });
    done = await eventually('the generation to finish', async () => {
      const detail = await t.call('generations.detail', { id: generationIds[0]! });
      return detail.state === 'done' ? detail : undefined;
    });
    expect(done.images).toHaveLength(2);
  });

  afterAll(async () => {
    await t?.close();
  });

  const inLibrary = (relPath: string) => existsSync(path.join(t.engine.libraryRoot, relPath));
  const tile = async () => (await t.call('generations.page', { limit: 10 })).items.find((item) => item.id === done.id);

  it('deletes one image: its file goes to the trash, the generation keeps the other; undo brings it back', async () => {
    const [first, second] = done.images;
    expect(await t.call('images.trash', { imageIds: [first!.id] })).toEqual({ batchId: expect.any(String), count: 1 });
    // Already in the trash: nothing more moves.
    expect((await t.call('images.trash', { imageIds: [first!.id] })).count).toBe(0);

    expect((await t.call('generations.detail', { id: done.id })).images.map((image) => image.id)).toEqual([second!.id]);
    expect(await tile()).toMatchObject({ imageCount: 1, cover: { id: second!.id } });
    expect(inLibrary(first!.relPath)).toBe(false);
    expect(inLibrary(second!.relPath)).toBe(true);
  });

  it('takes the generation along with its last image, and one undo restores both', async () => {
    expect((await t.call('generations.page', { limit: 10, filters: { trashed: true } })).items).toEqual([]);
    const [, second] = done.images;
    const { batchId } = await t.call('images.trash', { imageIds: [second!.id] });
    expect(await tile()).toBeUndefined();
    expect((await t.call('generations.page', { limit: 10, filters: { trashed: true } })).items.map((item) => item.id)).toEqual([done.id]);

    expect(await t.call('generations.undoTrash', { batchId })).toEqual({ restored: 1 });
    expect(await tile()).toMatchObject({ imageCount: 1 });
    expect(inLibrary(second!.relPath)).toBe(true);
  });

  it('refuses an id that is not an image', async () => {
    expect((await t.failure('images.trash', { imageIds: ['not-an-id'] })).code).toBe('not-found');
    expect((await t.failure('images.trash', { imageIds: [] })).code).toBe('ipc.invalid-input');
  });
});

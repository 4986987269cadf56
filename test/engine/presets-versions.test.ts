/**
 * A preset's version history through the contract, on a real engine with the simulator: any
 * version can be read with the generations made with it, and restoring one adds a new version
 * without touching the old ones.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_IMAGES, eventually, startEngine, type EngineUnderTest } from './fixtures';

const FIRST = {
  name: 'Clay houses',
  modelId: 'model_sd15-realistic',
  prompt: 'a house made of clay',
  modality: 'canny',
  width: 512,
  height: 512,
  numSamples: 1,
};
const SECOND = { ...FIRST, name: 'Clay cottages', prompt: 'a cottage made of clay', modality: 'depth', guidance: 9 };

describe('preset version history', () => {
  let t: EngineUnderTest;
  let presetId: string;
  let generationId: string;

  beforeAll(async () => {
    t = await startEngine();
    presetId = (await t.call('presets.create', { preset: FIRST })).id;
    const queued = await t.call('generations.generateFromFiles', { paths: [path.join(CONTROL_IMAGES, 'canny-house-768x512.png')], presetId });
    generationId = queued.generationIds[0] ?? '';
    await eventually('the generation with version 1 to finish', async () => {
      const detail = await t.call('generations.detail', { id: generationId });
      return detail.state === 'done' ? detail : undefined;
    });
    await t.call('presets.update', { id: presetId, preset: SECOND });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('lists every version with how many generations used it', async () => {
    const detail = await t.call('presets.get', { id: presetId });
    expect(detail.versions.map(({ version, generationCount }) => ({ version, generationCount }))).toEqual([
      { version: 2, generationCount: 0 },
      { version: 1, generationCount: 1 },
    ]);
  });

  it('reads an old version with its full values and the generations made with it', async () => {
    const first = await t.call('presets.version', { id: presetId, version: 1 });
    expect(first).toMatchObject({ presetId, version: 1, current: false, generationCount: 1, preset: FIRST });
    expect(first.generations.map((use) => use.id)).toEqual([generationId]);
    expect(first.generations[0]).toMatchObject({ state: 'done', inputName: 'canny-house-768x512.png' });
    expect(first.generations[0]?.cover?.relPath).toMatch(/^outputs\//);

    const second = await t.call('presets.version', { id: presetId, version: 2 });
    expect(second).toMatchObject({ current: true, generationCount: 0, generations: [], preset: SECOND });

    expect((await t.failure('presets.version', { id: presetId, version: 9 })).code).toBe('not-found');
  });

  it('restores a version as a new one, keeping the current name and every old version as it was', async () => {
    const restored = await t.call('presets.restoreVersion', { id: presetId, version: 1 });
    expect(restored.version).toBe(3);
    expect(restored.preset).toEqual({ ...FIRST, name: SECOND.name });
    expect(restored.versions.map((version) => version.version)).toEqual([3, 2, 1]);

    expect((await t.call('presets.version', { id: presetId, version: 1 })).preset).toEqual(FIRST);
    expect((await t.call('presets.version', { id: presetId, version: 2 })).preset).toEqual(SECOND);
    // The generation still points at the version it used.
    expect((await t.call('generations.detail', { id: generationId })).presetVersion).toBe(1);

    // Restoring the values it already has adds nothing.
    expect((await t.call('presets.restoreVersion', { id: presetId, version: 3 })).version).toBe(3);
  });

  it('explains by field an old version that today\'s rules refuse, and writes nothing', async () => {
    // A version saved before a rule existed: the store takes any document, the handlers check it.
    const preset = t.engine.store.presets.update(Number(presetId), { name: SECOND.name, family: 'sd-1_5', preset: { ...FIRST, name: SECOND.name, width: 100 } });
    await t.call('presets.update', { id: presetId, preset: { ...FIRST, name: SECOND.name } });
    const refused = await t.failure('presets.restoreVersion', { id: presetId, version: preset.currentVersion.version });
    expect(refused.code).toBe('preset.invalid');
    expect(refused.userMessage).toContain('width');
    const after = await t.call('presets.get', { id: presetId });
    expect(after.version).toBe(preset.currentVersion.version + 1);
  });

  it('still reads a deleted preset\'s versions, but restores none', async () => {
    await t.call('presets.delete', { id: presetId });
    expect((await t.call('presets.version', { id: presetId, version: 1 })).generationCount).toBe(1);
    expect((await t.failure('presets.restoreVersion', { id: presetId, version: 1 })).code).toBe('not-found');
  });
});

import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { absoluteLibraryPath } from '../../src/main/library/paths';
import { readEmbeddedParameters } from '../../src/main/library/pngmeta';
import { startSimulator } from '../../src/main/simulator/index';
import type { Rig } from './helpers';
import { TEST_PRESET, controlPng, sha256, startRig, waitForStates } from './helpers';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('pipeline against the simulator', () => {
  it('takes a dropped file to done: images in the library, the exact body recorded', async () => {
    rig = await startRig();
    await writeFile(path.join(rig.inbox, 'house.png'), await controlPng(1));
    await waitForStates(rig.engine, 1);

    const [generation] = rig.engine.store.generations.listByStates(['done']);
    expect(generation?.state).toBe('done');
    const posts = rig.sim.generateLog.filter((entry) => !entry.dryRun);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.bodySha256).toBe(sha256(generation?.requestJson ?? ''));
    expect(posts[0]?.jobId).toBe(generation?.jobId);
    expect(JSON.parse(generation?.requestJson ?? '{}').image).toBe(generation?.imageAssetId);

    const images = rig.engine.store.images.listForGeneration(generation?.id ?? 0);
    expect(images).toHaveLength(1);
    const png = await readFile(absoluteLibraryPath(rig.engine.libraryRoot, images[0]?.relPath ?? ''));
    const recalled = readEmbeddedParameters(png);
    expect(recalled.generation?.jobId).toBe(generation?.jobId);
    expect(recalled.generation?.seed).toBe(generation?.seed);
    // The input file is never deleted (processed action: leave).
    expect(await readdir(rig.inbox)).toEqual(['house.png']);
  });

  it('generates a file once per bound preset, uploading it once for all of them', async () => {
    rig = await startRig();
    const second = rig.engine.store.presets.create({ name: 'Second', family: 'sd-1_5', preset: { ...TEST_PRESET, name: 'Second', prompt: 'a tall tower' } });
    rig.engine.store.folders.setPresets(rig.folderId, [rig.presetId, second.id]);
    await writeFile(path.join(rig.inbox, 'both.png'), await controlPng(4));
    await waitForStates(rig.engine, 2, ['done']);

    const generations = rig.engine.store.generations.listByStates(['done']);
    expect(new Set(generations.map((generation) => generation.presetVersionId)).size).toBe(2);
    expect(new Set(generations.map((generation) => generation.imageAssetId)).size).toBe(1);
    expect(rig.sim.generateLog.filter((entry) => !entry.dryRun)).toHaveLength(2);
  });

  it('does not generate the same bytes twice in a folder without duplicates, and says why', async () => {
    rig = await startRig();
    const bytes = await controlPng(2);
    await writeFile(path.join(rig.inbox, 'first.png'), bytes);
    await waitForStates(rig.engine, 1, ['done']);
    await writeFile(path.join(rig.inbox, 'again.png'), bytes);
    const deadline = Date.now() + 10_000;
    while (rig.engine.store.inputEvents.listDuplicates({ limit: 5 }).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    // Recorded under the copy's own name, pointing at the generation it duplicates; no generation is made for it.
    const [duplicate] = rig.engine.store.inputEvents.listDuplicates({ search: 'again', limit: 5 });
    const [original] = rig.engine.store.generations.listByStates(['done']);
    expect(duplicate).toMatchObject({ fileName: 'again.png', duplicateOf: original?.id, presetName: 'Test house' });
    expect(duplicate?.message).toContain('first.png');
    expect(rig.engine.store.generations.listByStates(['canceled', 'detected', 'validated', 'uploaded'])).toEqual([]);
    expect(rig.sim.generateLog.filter((entry) => !entry.dryRun)).toHaveLength(1);
  });

  it('moves processed inputs to _done, failures to _failed with a reason beside them', async () => {
    rig = await startRig({ folder: { processedAction: 'move' } });
    await writeFile(path.join(rig.inbox, 'good.png'), await controlPng(3));
    await writeFile(path.join(rig.inbox, 'notes.png'), 'this is text, not an image');
    await waitForStates(rig.engine, 2);
    const deadline = Date.now() + 5000;
    while ((await readdir(rig.inbox)).some((name) => name.endsWith('.png')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    expect(await readdir(path.join(rig.inbox, '_done'))).toEqual(['good.png']);
    expect((await readdir(path.join(rig.inbox, '_failed'))).sort()).toEqual(['notes.png', 'notes.png.error.txt']);
    const reason = await readFile(path.join(rig.inbox, '_failed', 'notes.png.error.txt'), 'utf8');
    expect(reason).toContain('notes.png');
    expect(reason).toContain('not an image');
  });
});

describe('an uploaded control image the connection no longer knows', () => {
  it('is uploaded again when Scenario answers that the asset is not found, and the job is sent once', async () => {
    rig = await startRig();
    await writeFile(path.join(rig.inbox, 'house.png'), await controlPng(1));
    await waitForStates(rig.engine, 1);
    const [parent] = rig.engine.store.generations.listByStates(['done']);
    if (parent === undefined) throw new Error('the first generation did not finish');

    // Another simulator knows none of the first one's assets: like the app's built-in simulator
    // after a restart, or a switch to another Scenario project.
    const elsewhere = await startSimulator({ latencyMs: 30 });
    try {
      const engine = await rig.restart({ scenario: { baseUrl: elsewhere.baseUrl, apiKey: elsewhere.apiKey, apiSecret: elsewhere.apiSecret } });
      const childId = engine.pipeline.reproduce(parent.id);
      await waitForStates(engine, 2);
      const child = engine.store.generations.get(childId);
      expect(child?.errorMessage ?? null).toBeNull();
      expect(child?.state).toBe('done');
      expect(child?.imageAssetId).not.toBe(parent.imageAssetId);
      // The refused POST created no job; the one accepted POST is the new body.
      const posts = elsewhere.generateLog.filter((entry) => !entry.dryRun);
      expect(posts.map((entry) => entry.bodySha256)).toEqual([sha256(child?.requestJson ?? '')]);
    } finally {
      await elsewhere.close();
    }
  });
});

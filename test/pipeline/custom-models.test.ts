/**
 * Presets for models that publish their own inputs, end to end against the simulator: fed from a
 * watched folder, sent to /generate/custom/{modelId}, reproduced byte for byte, varied only where
 * the model has a seed, and a lost answer found again in Scenario's job list (jobType custom).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCustomPreset } from '../../src/main/engine/model-inputs';
import type { Engine } from '../../src/main/engine/engine';
import { absoluteLibraryPath } from '../../src/main/library/paths';
import { readEmbeddedParameters } from '../../src/main/library/pngmeta';
import type { Rig } from './helpers';
import { controlPng, sha256, startRig, waitForStates } from './helpers';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** Saves a custom-model preset as the window and the CLI do: the model looked up, the draft checked against its inputs. */
async function addCustomPreset(engine: Engine, draft: Record<string, unknown>): Promise<number> {
  expect(await engine.resolveFamily(String(draft.modelId))).toBe('custom');
  const validation = checkCustomPreset(engine.store, draft);
  if (!validation.ok) throw new Error(JSON.stringify(validation.issues));
  return engine.store.presets.create({ name: validation.preset.name, family: 'custom', preset: validation.preset }).id;
}

async function bindCustom(draft: Record<string, unknown>, sim: Parameters<typeof startRig>[0] = {}): Promise<Rig> {
  const started = await startRig(sim);
  const presetId = await addCustomPreset(started.engine, draft);
  started.engine.store.folders.setPresets(started.folderId, [presetId]);
  return started;
}

const FLUX = { name: 'Knights', modelId: 'model_bfl-flux-1-dev', prompt: 'a knight in armour', controlModality: 'pose', controlStrength: 0.85, width: 512, height: 512, numOutputs: 2 };

describe('a custom-model preset bound to a watched folder', () => {
  it('sends the dropped file as the control image to /generate/custom/{modelId} and stores the images with the exact body', async () => {
    rig = await bindCustom(FLUX);
    await writeFile(path.join(rig.inbox, 'pose.png'), await controlPng(11));
    await waitForStates(rig.engine, 1);

    const [failed] = rig.engine.store.generations.listByStates(['failed']);
    expect(failed?.errorMessage).toBeUndefined();
    const [generation] = rig.engine.store.generations.listByStates(['done']);
    expect(generation?.family).toBe('custom');
    const posts = rig.sim.generateLog.filter((entry) => !entry.dryRun);
    expect(posts.map((entry) => entry.endpoint)).toEqual(['/generate/custom/model_bfl-flux-1-dev']);
    expect(posts[0]?.bodySha256).toBe(sha256(generation?.requestJson ?? ''));
    const body = JSON.parse(generation?.requestJson ?? '{}') as Record<string, unknown>;
    expect(body).toEqual({ ...FLUX, name: undefined, modelId: undefined, controlImage: generation?.imageAssetId, seed: Number(generation?.seed) });
    expect(generation?.prompt).toBe('a knight in armour');
    expect(generation?.modality).toBe('pose');
    // The dry run priced the same endpoint, once for the preset version.
    expect(rig.sim.generateLog.filter((entry) => entry.dryRun).map((entry) => entry.endpoint)).toEqual(['/generate/custom/model_bfl-flux-1-dev']);
    expect(generation?.costCu).toBe(posts[0]?.creativeUnitsCost);

    const images = rig.engine.store.images.listForGeneration(generation?.id ?? 0);
    expect(images).toHaveLength(2);
    const png = await readFile(absoluteLibraryPath(rig.engine.libraryRoot, images[0]?.relPath ?? ''));
    expect(readEmbeddedParameters(png).generation?.request).toEqual(body);
    // History search finds it by its prompt.
    expect(rig.engine.store.galleryPage({ search: 'knight', limit: 10 }).items.map((item) => item.id)).toEqual([generation?.id]);
  });

  it('reproduces a custom job byte for byte, and varies its seed as the number the model takes', async () => {
    rig = await bindCustom(FLUX);
    await writeFile(path.join(rig.inbox, 'pose.png'), await controlPng(12));
    await waitForStates(rig.engine, 1, ['done']);
    const [parent] = rig.engine.store.generations.listByStates(['done']);
    if (parent === undefined) throw new Error('no parent');

    const exact = rig.engine.pipeline.reproduce(parent.id);
    const varied = rig.engine.pipeline.reproduce(parent.id, { varySeed: '777' });
    await waitForStates(rig.engine, 3, ['done']);
    const child = rig.engine.store.generations.get(exact);
    expect(child?.requestJson).toBe(parent.requestJson);
    const posts = rig.sim.generateLog.filter((entry) => !entry.dryRun);
    expect(posts.filter((entry) => entry.bodySha256 === sha256(parent.requestJson))).toHaveLength(2);
    const imageHashes = (id: number) => rig?.engine.store.images.listForGeneration(id).map((image) => image.sha256);
    expect(imageHashes(exact)).toEqual(imageHashes(parent.id));

    const variation = rig.engine.store.generations.get(varied);
    expect(JSON.parse(variation?.requestJson ?? '{}').seed).toBe(777);
    expect(variation?.requestJson).toBe(parent.requestJson.replace(`"seed":${parent.seed}`, '"seed":777'));
    expect(imageHashes(varied)).not.toEqual(imageHashes(parent.id));
  });

  it('feeds a list input with a list, and refuses to vary the seed of a model without one', async () => {
    rig = await bindCustom({ name: 'Moss', modelId: 'model_texture-forge', prompt: 'mossy stone', resolution: '2k' });
    const painter = await addCustomPreset(rig.engine, { name: 'Painter', modelId: 'model_reference-painter', prompt: 'a castle', style: 'ink', numOutputs: 1 });
    const texture = rig.engine.store.folders.get(rig.folderId)?.presetIds ?? [];
    rig.engine.store.folders.setPresets(rig.folderId, [...texture, painter]);
    await writeFile(path.join(rig.inbox, 'photo.png'), await controlPng(13));
    await waitForStates(rig.engine, 2, ['done']);

    const done = rig.engine.store.generations.listByStates(['done']);
    const byModel = new Map(done.map((generation) => [generation.modelId, generation]));
    const painted = byModel.get('model_reference-painter');
    expect(JSON.parse(painted?.requestJson ?? '{}').referenceImages).toEqual([painted?.imageAssetId]);
    const forged = byModel.get('model_texture-forge');
    expect(forged?.seed).toBeNull();
    expect(JSON.parse(forged?.requestJson ?? '{}')).toEqual({ image: forged?.imageAssetId, prompt: 'mossy stone', resolution: '2k' });
    expect(() => rig?.engine.pipeline.reproduce(forged?.id ?? 0, { varySeed: true })).toThrow(/no seed input/);
    const again = rig.engine.pipeline.reproduce(forged?.id ?? 0);
    await waitForStates(rig.engine, 3, ['done']);
    expect(rig.engine.store.generations.get(again)?.requestJson).toBe(forged?.requestJson);
  });

  it('finds a custom job whose answer was lost in the job list instead of sending it again', async () => {
    rig = await bindCustom(FLUX, { sim: { latencyMs: 30, faults: { drop: 1 } } });
    await writeFile(path.join(rig.inbox, 'lost.png'), await controlPng(14));
    await waitForStates(rig.engine, 1, ['submitted', 'downloading', 'done']);
    rig.sim.setFaults({});
    await waitForStates(rig.engine, 1, ['done']);

    const posts = rig.sim.generateLog.filter((entry) => !entry.dryRun);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.responseDropped).toBe(true);
    const [generation] = rig.engine.store.generations.listByStates(['done']);
    expect(generation?.jobId).toBe(posts[0]?.jobId);
  });
});
